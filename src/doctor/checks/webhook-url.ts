import type { DoctorCheck } from '../doctor-check.ts';
import type { CheckOutcome } from '../check-outcome.ts';
import { outcomeOfFailure, skippedBecause } from '../fact.ts';
import { ruleRemedy } from '../reuse-diagnosis.ts';
import { addressStyle, collapseSlashes, isLoopbackUrl, originOf, pathOf } from '../url-shape.ts';
import { reached } from '../doctor-facts.ts';

/**
 * The inbox's webhook_url: Chatwoot posts every message there. Evolution builds it once as
 * `${SERVER_URL}/chatwoot/webhook/${encodeURIComponent(instance)}` and never updates an existing
 * inbox (evolution-api-1.7.md §3a), so a bad SERVER_URL stays in Chatwoot until someone fixes it.
 */
export const webhookUrlCheck: DoctorCheck = {
  id: 'webhook-url',
  section: 'instance',
  title: 'Inbox webhook URL points back at this Evolution',
  seedSymptom: 'Wrong webhook URL (an extra slash); SERVER_URL / mixed networks',
  async run(ctx) {
    const settings = await ctx.facts.instanceSettings();
    if (!settings.ok) return skippedBecause(settings);
    if (settings.value.enabled !== true) return { status: 'skip', summary: 'the Chatwoot integration is not enabled', evidence: [] };
    const inbox = await ctx.facts.instanceInbox();
    if (!inbox.ok) return inbox.owner === 'instance/webhook-url' ? outcomeOfFailure(inbox) : skippedBecause(inbox);
    const root = await ctx.facts.evolutionRoot();
    if (!root.ok) return skippedBecause(root);

    const instance = ctx.target.instance ?? '';
    const expectedSuffix = `/chatwoot/webhook/${encodeURIComponent(instance)}`;
    const inboxUrl = inbox.value.webhook_url ?? '';
    const evolutionUrl = settings.value.webhook_url ?? '';
    const evidence = [
      `inbox "${inbox.value.name}" (#${inbox.value.id}) webhook_url: ${inboxUrl || '(empty)'}`,
      `Evolution's webhook_url (SERVER_URL based): ${evolutionUrl || '(unset)'}`,
    ];
    const exchanges = [...inbox.exchanges, ...settings.exchanges];
    const fail = (summary: string, remedy: string, extra: Partial<CheckOutcome> = {}): CheckOutcome => ({
      status: 'fail',
      summary,
      evidence,
      remedy,
      exchanges,
      ...extra,
    });

    if (!inboxUrl) {
      return fail(
        'the inbox has no webhook URL: Chatwoot sends nothing to Evolution',
        `Set the inbox's webhook URL to ${evolutionUrl || `<SERVER_URL>${expectedSuffix}`} (Chatwoot → Settings → Inboxes → ${inbox.value.name} → Configuration).`,
      );
    }
    const path = pathOf(inboxUrl);
    if (path === undefined) return fail(`the inbox webhook URL is not a URL: ${inboxUrl}`, `Set it to <SERVER_URL>${expectedSuffix}.`);
    const routesDoubleSlash = root.value.profile?.leadingDoubleSlashRouted === true;
    if (path.includes('//') && routesDoubleSlash) {
      // 2.x's Express mounting routes `//chatwoot/webhook/x` to the handler (evolution-api-2.x.md §1.5): not a break here.
      return {
        status: 'warn',
        summary: `the webhook URL has "//" (${path}): Evolution ${root.value.version} still routes it, but a proxy in front may not`,
        evidence,
        remedy: `Remove the trailing "/" from Evolution's SERVER_URL and set the inbox's webhook URL to ${collapseSlashes(inboxUrl)}.`,
        references: ['evolution#471'],
        exchanges,
      };
    }
    if (path.includes('//')) {
      const reused = ruleRemedy('webhook-double-slash');
      const corrected = collapseSlashes(inboxUrl);
      return fail(
        `the webhook URL has "//" (${path}): Evolution answers 404 "Cannot POST ${path}" and Chatwoot marks every message failed "404 Not Found"`,
        `Remove the trailing "/" from Evolution's SERVER_URL, restart Evolution, then set the inbox's webhook URL to ${corrected} (Chatwoot → Settings → Inboxes → ${inbox.value.name} → Configuration): Evolution does not update an existing inbox.`,
        { references: reused?.references ?? ['evolution#471'], ...(reused ? { rule: reused.rule } : {}) },
      );
    }
    if (!path.endsWith(expectedSuffix)) {
      return fail(
        `the webhook URL's path ${path} is not ${expectedSuffix}: Chatwoot's messages go to another instance or route`,
        `Set the inbox's webhook URL to ${originOf(evolutionUrl) ?? '<SERVER_URL>'}${expectedSuffix}.`,
        { references: ['evolution#134'] },
      );
    }
    const inboxHost = new URL(inboxUrl).hostname;
    if (inboxHost === '0.0.0.0') {
      return fail(
        'the webhook URL host is 0.0.0.0, which Chatwoot cannot connect to',
        `Set SERVER_URL to an address Chatwoot reaches and the inbox's webhook URL to <that>${expectedSuffix}.`,
      );
    }
    if (evolutionUrl && collapseSlashes(evolutionUrl) !== collapseSlashes(inboxUrl)) {
      return fail(
        `the inbox points at ${originOf(inboxUrl)}, but this Evolution's SERVER_URL gives ${originOf(evolutionUrl)}`,
        `If Evolution moved (a domain change), set the inbox's webhook URL to ${evolutionUrl}; Evolution does not update it.`,
        { references: ['evolution#82'] },
      );
    }

    const warnings: string[] = [];
    const styles = { chatwoot: settings.value.url ? addressStyle(settings.value.url) : undefined, webhook: addressStyle(inboxUrl) };
    if (styles.chatwoot && styles.webhook && styles.chatwoot !== styles.webhook) {
      warnings.push(
        `mixed addressing: Evolution reaches Chatwoot at an ${styles.chatwoot} address (${settings.value.url}) but Chatwoot reaches Evolution at an ${styles.webhook} one (${originOf(inboxUrl)})`,
      );
    }
    if (isLoopbackUrl(inboxUrl) && !isLoopbackUrl(ctx.target.chatwootUrl)) {
      warnings.push(
        `the webhook host is ${inboxHost}: Chatwoot would connect to itself, not to Evolution ("Failed to open TCP connection to ${inboxHost}…", evolution#1375)`,
      );
    }

    // Reachability from here: GET on the webhook's origin is a read and Evolution answers it with its welcome JSON.
    const origin = originOf(inboxUrl)!;
    const answer = await ctx.facts.reach('instance/webhook-url', 'Evolution (webhook host)', { link: 'harness->evolution', method: 'GET', url: `${origin}/` });
    if (reached(answer)) {
      exchanges.push(answer.exchange);
      const version = (answer.json as { version?: unknown; message?: unknown } | undefined)?.version;
      if (typeof version === 'string') {
        evidence.push(`${origin}/ answers as Evolution ${version} from here`);
        if (version !== root.value.version)
          warnings.push(`the webhook host is Evolution ${version}, but --evolution-url is Evolution ${root.value.version}: a different Evolution`);
      } else {
        return fail(
          `${origin} answers from here, but not as Evolution (${answer.status})`,
          `Point the inbox's webhook URL at Evolution: ${evolutionUrl || `<SERVER_URL>${expectedSuffix}`}.`,
        );
      }
    } else {
      exchanges.push(...answer.exchanges);
      warnings.push(
        `${origin} is unreachable from here (${answer.summary.replace(/^cannot reach [^:]+: /, '')}); Chatwoot may still reach it — check from Chatwoot's host`,
      );
    }

    if (warnings.length > 0) {
      const reused = ruleRemedy('server-url-unreachable');
      return {
        status: 'warn',
        summary: warnings.join('; '),
        evidence,
        remedy: reused?.remedy ?? 'Use one addressing style for both services and a SERVER_URL Chatwoot can reach.',
        references: reused?.references ?? ['evolution#1375'],
        exchanges,
      };
    }
    return { status: 'pass', summary: `${inboxUrl}`, evidence, exchanges };
  },
};
