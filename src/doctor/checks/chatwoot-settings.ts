import { AUTH_ANSWER_TEXT, brief, classifyChatwootAuth } from '../chatwoot-answers.ts';
import type { DoctorCheck } from '../doctor-check.ts';
import { outcomeOfFailure, skippedBecause } from '../fact.ts';
import { diagnoseProbe } from '../reuse-diagnosis.ts';
import { reached } from '../doctor-facts.ts';

/**
 * The instance's Chatwoot settings as Evolution stores them (GET /chatwoot/find): enabled, the
 * account, the Chatwoot URL and whether the stored token works, sent exactly as Evolution sends it.
 */
export const chatwootSettingsCheck: DoctorCheck = {
  id: 'chatwoot-settings',
  section: 'instance',
  title: 'Instance Chatwoot settings (/chatwoot/find)',
  seedSymptom: 'Check the configuration (CHATWOOT_ENABLED is a 2.x setting)',
  async run(ctx) {
    const settings = await ctx.facts.instanceSettings();
    if (!settings.ok) return settings.owner === 'instance/chatwoot-settings' ? outcomeOfFailure(settings) : skippedBecause(settings);
    const s = settings.value;
    const instance = ctx.target.instance ?? '';
    const evidence = [
      `enabled: ${s.enabled ?? 'unset'}, account_id: ${s.account_id ?? 'unset'}, url: ${s.url ?? 'unset'}, name_inbox: ${s.name_inbox ?? 'unset'}`,
    ];
    const exchanges = [...settings.exchanges];
    if (s.enabled !== true) {
      const root = await ctx.facts.evolutionRoot();
      const profile = root.ok ? root.value.profile : undefined;
      const camel = profile?.apiStyle === 'camelCase';
      return {
        status: 'fail',
        summary: `the Chatwoot integration is not enabled for instance "${instance}"`,
        evidence: [
          ...evidence,
          profile?.chatwootEnabledSwitch
            ? 'CHATWOOT_ENABLED is on (see its check): the instance itself has no enabled Chatwoot settings'
            : 'Evolution 1.7.x has no CHATWOOT_ENABLED variable (it arrived in 2.0): the switch is the instance’s own `enabled` setting',
        ],
        remedy: camel
          ? `POST /chatwoot/set/${instance} with enabled: true, accountId (a string), token, url, signMsg, reopenConversation, conversationPending (camelCase: snake_case fields are ignored, evolution-api-2.x.md §1.6).`
          : `POST /chatwoot/set/${instance} with enabled: true, account_id, token, url, sign_msg, reopen_conversation, conversation_pending (evolution-api-1.7.md §2.5).`,
        exchanges,
      };
    }
    const problems: string[] = [];
    if (s.account_id !== undefined && String(s.account_id) !== String(ctx.target.accountId)) {
      problems.push(`Evolution uses account ${s.account_id}, the doctor was given --account ${ctx.target.accountId}`);
    }
    if (!s.token) {
      return { status: 'fail', summary: 'the instance has no Chatwoot token', evidence, remedy: `Set token with POST /chatwoot/set/${instance}.`, exchanges };
    }

    const api = await ctx.facts.chatwootApi();
    if (!api.ok) return skippedBecause(api);
    // The stored token, sent the way every 1.7 and 2.x release sends it (api_access_token), to an account read.
    const accountId = s.account_id ?? ctx.target.accountId;
    const probe = await ctx.facts.reach('instance/chatwoot-settings', 'Chatwoot', {
      link: 'harness->chatwoot',
      method: 'GET',
      url: ctx.facts.chatwootUrl(`/api/v1/accounts/${accountId}/inboxes`),
      headers: { api_access_token: s.token, authorization: `Bearer ${s.token}` },
    });
    if (!reached(probe)) return outcomeOfFailure(probe);
    exchanges.push(probe.exchange);
    const answer = classifyChatwootAuth(probe);
    evidence.push(`Evolution's stored token, as api_access_token → ${brief(probe, 100)} (${AUTH_ANSWER_TEXT[answer]})`);
    if (answer !== 'ok') {
      const reused = diagnoseProbe(probe.exchange);
      return {
        status: answer === 'html' || answer === 'other' ? 'error' : 'fail',
        summary:
          answer === 'header-missing'
            ? 'Evolution’s token header does not reach Chatwoot (devise 401): every Evolution call fails with Unauthorized'
            : `Chatwoot refuses the token stored in Evolution: ${AUTH_ANSWER_TEXT[answer]}`,
        evidence,
        ...(reused
          ? { remedy: reused.remedy, references: reused.references, rule: reused.rule }
          : {
              remedy: `Store a valid administrator user token with POST /chatwoot/set/${instance}.`,
            }),
        exchanges: [probe.exchange, ...settings.exchanges],
      };
    }

    if (s.url && s.url.replace(/\/+$/, '') !== ctx.target.chatwootUrl) {
      const other = await ctx.facts.reach('instance/chatwoot-settings', 'Chatwoot', {
        link: 'harness->chatwoot',
        method: 'GET',
        url: `${s.url.replace(/\/+$/, '')}/api`,
      });
      if (reached(other)) {
        exchanges.push(other.exchange);
        const version = (other.json as { version?: unknown } | undefined)?.version;
        evidence.push(`Evolution's Chatwoot URL ${s.url} answers from here: ${typeof version === 'string' ? `Chatwoot ${version}` : brief(other, 60)}`);
        if (typeof version === 'string' && version !== api.value.version) {
          problems.push(`Evolution talks to Chatwoot ${version} at ${s.url}, but --chatwoot-url is Chatwoot ${api.value.version}: two different Chatwoots`);
        }
      } else {
        evidence.push(`Evolution's Chatwoot URL ${s.url} is not reachable from here (fine if it is an address only Evolution's network knows)`);
        exchanges.push(...other.exchanges);
      }
    }
    if (problems.length > 0) {
      return {
        status: 'warn',
        summary: problems.join('; '),
        evidence,
        remedy: 'Point the doctor at the Chatwoot and account Evolution uses (or correct the instance settings with POST /chatwoot/set).',
        exchanges,
      };
    }
    return { status: 'pass', summary: `enabled; Evolution's token is accepted by account ${accountId}`, evidence, exchanges };
  },
};
