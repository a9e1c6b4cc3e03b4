import { brief } from '../chatwoot-answers.ts';
import { contactIdFilterRequest } from '../consumer-expectations.ts';
import type { DoctorCheck } from '../doctor-check.ts';
import { skippedBecause } from '../fact.ts';
import { diagnoseProbe, ruleRemedy } from '../reuse-diagnosis.ts';
import { reached } from '../doctor-facts.ts';

const CONTACT_ID_REJECTED = /Invalid attribute key - \[contact_id\]|Chave de atributo inválido - \[contact_id\]/;

/**
 * The contact_id break, predicted before anyone misses a QR code: does this Chatwoot accept a
 * conversation filter on contact_id (3.7.0 does; 3.8.0+ answers 422, chatwoot-3.7-3.9.md §1.3), and
 * does this Evolution version send one (fixtures/call-sequences: 1.7.4 does, 1.7.5 does not)?
 */
export const filterContractCheck: DoctorCheck = {
  id: 'contact-id',
  section: 'filter',
  title: 'contact_id filter: Chatwoot accepts, Evolution sends',
  seedSymptom: '422 "Chave de atributo inválido - [contact_id]"',
  async run(ctx) {
    const [api, root] = await Promise.all([ctx.facts.chatwootApi(), ctx.facts.evolutionRoot()]);
    if (!api.ok) return skippedBecause(api);
    if (!root.ok) return skippedBecause(root);
    const profile = root.value.profile;
    if (profile?.generation === '2' && !profile.sendsContactIdFilter) {
      // No 2.x release filters conversations at all (evolution-api-2.x.md §0.1): Chatwoot's answer to contact_id is moot.
      const requests = await ctx.consumerExpectations.requestsOf(root.value.version);
      const sends = requests ? contactIdFilterRequest(requests) : undefined;
      if (!sends) {
        return {
          status: 'pass',
          summary: `Evolution ${root.value.version} never filters conversations by contact_id (it finds the bot conversation with GET contacts/{id}/conversations): the 422 cannot happen, whatever the Chatwoot`,
          evidence: requests ? [`${requests.length} recorded requests of Evolution ${root.value.version}, none with contact_id`] : [],
        };
      }
    }
    const headers = await ctx.facts.chatwootHeaders();
    if (!headers.ok) return skippedBecause(headers);
    const bot = ctx.target.instance ? await ctx.facts.botConversation() : undefined;
    const inboxId = bot?.ok ? String(bot.value.inboxId) : '1';
    const contactId = bot?.ok ? String(bot.value.contactId) : '1';

    // Safe on a live deployment: POST conversations/filter is a POST only because the filter is a
    // JSON body. Chatwoot runs a SELECT (Conversations::FilterService) and renders the rows; it
    // creates and updates nothing, fires no callbacks or webhooks (chatwoot-3.7-3.9.md §1). It is
    // the very request Evolution 1.7.4 sends for every bot message.
    const probe = await ctx.facts.reach('filter/contact-id', 'Chatwoot', {
      link: 'harness->chatwoot',
      method: 'POST',
      url: ctx.facts.accountPath('/conversations/filter'),
      headers: headers.value,
      json: {
        payload: [
          { attribute_key: 'inbox_id', filter_operator: 'equal_to', values: [inboxId], query_operator: 'AND' },
          { attribute_key: 'contact_id', filter_operator: 'equal_to', values: [contactId], query_operator: 'AND' },
          { attribute_key: 'status', filter_operator: 'equal_to', values: ['open'], query_operator: null },
        ],
      },
      readOnly: 'conversations/filter only queries (SELECT + render); no state changes',
    });
    if (!reached(probe)) return { status: 'error', summary: probe.summary, evidence: [], exchanges: probe.exchanges };

    const rejected = probe.status === 422 && CONTACT_ID_REJECTED.test(probe.text);
    const accepted = probe.status === 200;
    const chatwootSays = `POST conversations/filter [inbox_id, contact_id, status] → ${brief(probe, 140)}`;
    if (!accepted && !rejected) {
      return {
        status: probe.status >= 500 ? 'error' : 'warn',
        summary: `Chatwoot ${api.value.version} answered the contact_id filter with ${probe.status}: neither accepted nor the known 422`,
        evidence: [chatwootSays],
        exchanges: [probe.exchange],
      };
    }

    const evolution = root.value.version;
    const requests = await ctx.consumerExpectations.requestsOf(evolution);
    const sends = requests ? contactIdFilterRequest(requests) : undefined;
    const evolutionSays = requests
      ? sends
        ? `Evolution ${evolution} sends ${sends.method} ${sends.path} with contact_id (${sends.source})`
        : `Evolution ${evolution} never filters conversations by contact_id (${requests.length} recorded requests)`
      : `no recorded requests for Evolution ${evolution} in ${ctx.consumerExpectations.dir}`;
    const evidence = [chatwootSays, evolutionSays];
    if (!requests) {
      return {
        status: rejected ? 'warn' : 'pass',
        summary: rejected
          ? `Chatwoot ${api.value.version} rejects contact_id; unknown whether Evolution ${evolution} sends it`
          : `Chatwoot ${api.value.version} accepts contact_id`,
        evidence,
        exchanges: [probe.exchange],
      };
    }
    if (rejected && sends) {
      const reused = diagnoseProbe(probe.exchange) ?? ruleRemedy('chatwoot-rejects-contact-id');
      return {
        status: 'fail',
        summary: `predicted break: Evolution ${evolution} looks up the bot conversation with contact_id, which Chatwoot ${api.value.version} rejects (422): no QR code, no bot replies`,
        evidence,
        remedy: reused?.remedy ?? 'Upgrade Evolution to 1.7.5 or stay on Chatwoot 3.7.0',
        references: reused?.references ?? [],
        ...(reused ? { rule: reused.rule } : {}),
        exchanges: [probe.exchange],
      };
    }
    return {
      status: 'pass',
      summary: rejected
        ? `Chatwoot ${api.value.version} rejects contact_id, and Evolution ${evolution} does not send it`
        : `Chatwoot ${api.value.version} accepts contact_id${sends ? `, which Evolution ${evolution} sends` : ''}`,
      evidence,
      exchanges: [probe.exchange],
    };
  },
};
