import { AUTH_ANSWER_TEXT } from '../chatwoot-answers.ts';
import type { DoctorCheck } from '../doctor-check.ts';
import type { CheckOutcome } from '../check-outcome.ts';
import { outcomeOfFailure } from '../fact.ts';
import { diagnoseProbe, ruleRemedy } from '../reuse-diagnosis.ts';

const NGINX_REMEDY =
  'The proxy in front of Chatwoot drops headers with underscores, and Evolution 1.7 always sends `api_access_token`: set `underscores_in_headers on;` in the nginx server block (Chatwoot’s own template does, deployment/nginx_chatwoot.conf), or the equivalent in your proxy.';

/**
 * The token: valid, which kind, which header spelling reaches Chatwoot, and access to the account.
 * Both spellings are tried so a proxy that drops `api_access_token` (devise 401) is told apart
 * from a wrong token ("Invalid Access Token") — chatwoot-3.7-3.9.md §2.1, §2.3, §2.5.
 */
export const chatwootTokenCheck: DoctorCheck = {
  id: 'chatwoot-token',
  section: 'auth',
  title: 'Chatwoot token and account access',
  seedSymptom: '401 "Você precisa entrar ou se cadastrar antes de continuar"',
  async run(ctx) {
    const token = await ctx.facts.chatwootToken();
    if (!token.ok) return outcomeOfFailure(token);
    const { underscore, hyphen, profile, responses } = token.value;
    const evidence = [
      `GET /api/v1/profile with api_access_token → ${responses.underscore.status} (${AUTH_ANSWER_TEXT[underscore]})`,
      `GET /api/v1/profile with Api-Access-Token → ${responses.hyphen.status} (${AUTH_ANSWER_TEXT[hyphen]})`,
    ];
    const exchanges = token.exchanges;

    if (underscore === 'header-missing' && hyphen === 'ok') {
      const reused = diagnoseProbe(responses.underscore.exchange) ?? ruleRemedy('chatwoot-token-header-dropped');
      return {
        status: 'fail',
        summary: 'the token is valid, but the `api_access_token` header does not reach Chatwoot: a proxy drops headers with underscores',
        evidence,
        remedy: NGINX_REMEDY,
        references: reused?.references ?? ['chatwoot#1057'],
        ...(reused ? { rule: reused.rule } : {}),
        exchanges: [responses.underscore.exchange, responses.hyphen.exchange],
      };
    }
    if (underscore === 'header-missing' && hyphen === 'header-missing') {
      return {
        status: 'fail',
        summary: 'no token header reaches Chatwoot in either spelling: something in between strips it',
        evidence,
        remedy: `Let the proxy pass api_access_token through (${NGINX_REMEDY.split(': ')[1]})`,
        references: ['chatwoot#1057'],
        exchanges,
      };
    }
    if (underscore === 'header-missing' && hyphen === 'invalid-token') {
      return {
        status: 'fail',
        summary: 'two problems: the proxy drops `api_access_token`, and Chatwoot does not know this token',
        evidence,
        remedy: `${NGINX_REMEDY} Then use a valid user access token (Chatwoot → Profile settings → Access Token).`,
        references: ['chatwoot#1057'],
        exchanges,
      };
    }
    if (underscore !== 'ok') {
      const decisive = responses.underscore.exchange;
      const reused = diagnoseProbe(decisive);
      const summary =
        underscore === 'invalid-token'
          ? 'Chatwoot does not know this token (401 Invalid Access Token in both header spellings: not a proxy problem)'
          : underscore === 'bot-refused'
            ? 'this is an agent bot token: Evolution needs a user token (bots may not call contacts, filter or inboxes)'
            : `the token is refused: ${AUTH_ANSWER_TEXT[underscore]}`;
      return {
        status: underscore === 'html' || underscore === 'other' ? 'error' : 'fail',
        summary,
        evidence,
        remedy: reused?.remedy ?? 'Use a user access token of an administrator of the account (Chatwoot → Profile settings → Access Token).',
        ...(reused ? { references: reused.references, rule: reused.rule } : {}),
        exchanges: [decisive, responses.hyphen.exchange],
      };
    }

    const inboxes = await ctx.facts.accountInboxes();
    if (!inboxes.ok) return { ...outcomeOfFailure(inboxes), evidence: [...evidence, ...inboxes.evidence], exchanges: [...exchanges, ...inboxes.exchanges] };
    const accountId = ctx.target.accountId;
    const membership = profile?.accounts.find((account) => account.id === accountId);
    const who = profile ? `user #${profile.id}${profile.type === 'SuperAdmin' ? ' (super admin)' : ''}` : 'a user';
    evidence.push(`GET /api/v1/accounts/${accountId}/inboxes → 200 (${inboxes.value.length} inbox${inboxes.value.length === 1 ? '' : 'es'})`);
    if (membership?.role) evidence.push(`role in account ${accountId}: ${membership.role}`);
    const outcome: CheckOutcome = {
      status: 'pass',
      summary: `user token of ${who}, accepted as api_access_token, account ${accountId} accessible`,
      evidence,
      exchanges: [...exchanges, ...inboxes.exchanges],
    };
    if (membership?.role && membership.role !== 'administrator') {
      return {
        ...outcome,
        status: 'warn',
        summary: `user token with role "${membership.role}" in account ${accountId}`,
        remedy:
          'Evolution’s auto-create makes an inbox, which only administrators may do, and agents see only the inboxes they are assigned to (chatwoot-3.7-3.9.md §3.1): give Evolution an administrator’s token.',
      };
    }
    return outcome;
  },
};
