import { CHATWOOT_VERSIONS, type ChatwootVersion } from './axes.ts';

/**
 * What each Chatwoot version does, as an API client (Evolution) and the harness see it: data the twin,
 * the clients, the suites and the verdicts read, so nothing compares version strings by hand. Profiles are
 * cumulative: each is its predecessor plus the differences the upstream sheets list up to that version
 * (chatwoot-3.7-3.9.md; chatwoot-3.10-4.x.md §9, with §M winning over the rest).
 */
export interface ChatwootVersionProfile {
  readonly version: ChatwootVersion;
  /** The release merge commit the sheets pin the version by. */
  readonly releaseCommit: string;

  // Filters (chatwoot-3.7-3.9.md §1; chatwoot-3.10-4.x.md §1)
  /** Which filter key list the version reads: `filter_keys.json` (3.7.0) or `filter_keys.yml` (3.8.0+, PR #8239). */
  readonly filterKeyList: 'json-3.7' | 'yaml-3.8';
  /** PR #8239 (3.8.0+): conditions are validated in order and the first bad one answers 422; before, bad input reaches SQL. */
  readonly validatesFilters: boolean;
  /** `contact_id` is a conversation filter key: 3.7.0 (filter_keys.json), dropped at 3.8.0 (PR #8239), back at 4.14.2 (PR #14629). */
  readonly conversationFilterAcceptsContactId: boolean;
  /** Conversation key `country_code`: removed at 4.10.0 (PR #13186), which changes the `allowed_keys` of the 422 text. */
  readonly conversationFilterHasCountryCode: boolean;
  /** Contact filter key for the company: `company`, `company_name` from 4.14.0 (PR #14099). */
  readonly contactFilterCompanyKey: 'company' | 'company_name';
  /**
   * `query_operator` check (3.16.0, PR #10595), run first over the whole payload: none before 3.16.0; on 3.16.0 the
   * text is English for every locale (pt_BR key missing, i18n fallback); translated from 4.0.0.
   */
  readonly queryOperatorCheck: 'none' | 'english-only' | 'translated';
  /** 4.11.2: bad date/number values of `is_greater_than`/`is_less_than`/`days_before` answer 422 "Invalid value" (before: SQL error, 500). */
  readonly coercesFilterValues: boolean;
  /** 4.7.0 (PR #12520, #10386): `contacts/filter` returns only contacts with email, phone or identifier, and strips a sent `+`. */
  readonly contactFilterResolvedOnly: boolean;

  // Contacts, conversations, inboxes (chatwoot-3.10-4.x.md §3)
  /** `PUT contacts/{id}` merges `additional_attributes` from 4.2.0 (PR #11284); 3.x replaces them (measured). */
  readonly contactUpdateMergesAdditionalAttributes: boolean;
  /** `GET contacts/{id}/conversations`: `id desc` until 4.0.1, `last_activity_at desc` from 4.0.2 (PR #10825). */
  readonly contactConversationsOrder: 'id-desc' | 'last-activity-desc';
  /** API inbox names must not start/end with a symbol (422) until 4.3.0 (PR #11597). */
  readonly inboxNameSymbolCheck: boolean;
  /** `contacts/search` meta: `count` = total (≤ 4.10), or the page size plus `has_more` (4.11.0, PR #13376). */
  readonly contactSearchMeta: 'total' | 'page-with-has-more';

  // Webhooks of an API inbox (chatwoot-3.10-4.x.md §4)
  /** `X-Chatwoot-Delivery: <uuid>` on API-inbox webhooks from 4.12.0 (PR #13573). */
  readonly webhookDeliveryHeader: boolean;
  /** `X-Chatwoot-Timestamp` + `X-Chatwoot-Signature: sha256=HMAC(secret, "<ts>.<body>")` from 4.13.0 (PR #13892); the inbox JSON shows `secret`. */
  readonly webhookSignature: boolean;
  /** 4.13.0 (PR #13950): webhook `content` loses a `\` before a newline and trailing newlines. */
  readonly webhookContentNormalized: boolean;
  /**
   * Webhooks to private, loopback or link-local targets (judged by the resolved address): delivered until 4.13.x;
   * refused from 4.14.0 (PR #14155, no switch); from 4.14.1 refused unless SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true
   * (PR #14548). A refused message is marked failed with "Hostname '<h>' has no public ip addresses".
   */
  readonly privateWebhookTargets: 'delivered' | 'refused' | 'refused-unless-opt-out';

  // Health and accounts (chatwoot-3.10-4.x.md §5, §6, §M)
  /** `GET /health` → 200 `{"status":"woot"}` from 4.11.0 (PR #13386); liveness only. */
  readonly healthRoute: boolean;
  /** §M 3: from 4.3.0 (Rails 7.1) `GET /api` may say `data_services: failing` on a healthy server until its pool has run queries. */
  readonly dataServicesLazy: boolean;
  /** §M 1: `ENABLE_ACCOUNT_SIGNUP` in the env decides signup until 4.2.x; from 4.3.0 the installation config (seeded false) does. */
  readonly signupFromEnv: boolean;
  /** §M 2: signup answers with a session (`data.access_token`) until 4.12.x; from 4.13.0 only `{"email"}` unless CW_API_ONLY_SERVER=true. */
  readonly signupAnswer: 'session' | 'email-unless-api-only-server';
  /** 4.0.0: migrations need Postgres with the `vector` extension (compose: pgvector/pgvector:pg16). */
  readonly needsPgvector: boolean;
}

/** The env switch of 4.14.1+ that lifts the private-target refusal (chatwoot-3.10-4.x.md §4.2). */
export const SAFE_FETCH_OPT_OUT_ENV = 'SAFE_FETCH_ALLOW_PRIVATE_NETWORK';

const V3_7_0: ChatwootVersionProfile = {
  version: '3.7.0',
  releaseCommit: 'e93af268',
  filterKeyList: 'json-3.7',
  validatesFilters: false,
  conversationFilterAcceptsContactId: true,
  conversationFilterHasCountryCode: true,
  contactFilterCompanyKey: 'company',
  queryOperatorCheck: 'none',
  coercesFilterValues: false,
  contactFilterResolvedOnly: false,
  contactUpdateMergesAdditionalAttributes: false,
  contactConversationsOrder: 'id-desc',
  inboxNameSymbolCheck: true,
  contactSearchMeta: 'total',
  webhookDeliveryHeader: false,
  webhookSignature: false,
  webhookContentNormalized: false,
  privateWebhookTargets: 'delivered',
  healthRoute: false,
  dataServicesLazy: false,
  signupFromEnv: true,
  signupAnswer: 'session',
  needsPgvector: false,
};

const V3_8_0: ChatwootVersionProfile = {
  ...V3_7_0,
  version: '3.8.0',
  releaseCommit: '85aeaf2a',
  filterKeyList: 'yaml-3.8',
  validatesFilters: true,
  conversationFilterAcceptsContactId: false,
};

const V3_9_0: ChatwootVersionProfile = { ...V3_8_0, version: '3.9.0', releaseCommit: 'f7580f86' };

const V3_16_0: ChatwootVersionProfile = { ...V3_9_0, version: '3.16.0', releaseCommit: 'd01c7d3f', queryOperatorCheck: 'english-only' };

const V4_0_4: ChatwootVersionProfile = {
  ...V3_16_0,
  version: '4.0.4',
  releaseCommit: 'bc5f1722',
  queryOperatorCheck: 'translated',
  needsPgvector: true,
  contactConversationsOrder: 'last-activity-desc',
};

const V4_12_1: ChatwootVersionProfile = {
  ...V4_0_4,
  version: '4.12.1',
  releaseCommit: '899fce1c',
  // 4.2.0
  contactUpdateMergesAdditionalAttributes: true,
  // 4.3.0
  inboxNameSymbolCheck: false,
  dataServicesLazy: true,
  signupFromEnv: false,
  // 4.7.0
  contactFilterResolvedOnly: true,
  // 4.10.0
  conversationFilterHasCountryCode: false,
  // 4.11.0 / 4.11.2
  healthRoute: true,
  contactSearchMeta: 'page-with-has-more',
  coercesFilterValues: true,
  // 4.12.0
  webhookDeliveryHeader: true,
};

const V4_13_0: ChatwootVersionProfile = {
  ...V4_12_1,
  version: '4.13.0',
  releaseCommit: '88ffa329',
  webhookSignature: true,
  webhookContentNormalized: true,
  signupAnswer: 'email-unless-api-only-server',
};

const V4_14_0: ChatwootVersionProfile = {
  ...V4_13_0,
  version: '4.14.0',
  releaseCommit: '81cb75b6',
  privateWebhookTargets: 'refused',
  contactFilterCompanyKey: 'company_name',
};

const V4_14_2: ChatwootVersionProfile = {
  ...V4_14_0,
  version: '4.14.2',
  releaseCommit: 'a9468409',
  // 4.14.1 (PR #14548)
  privateWebhookTargets: 'refused-unless-opt-out',
  // 4.14.2 (PR #14629)
  conversationFilterAcceptsContactId: true,
};

const V4_15_1: ChatwootVersionProfile = { ...V4_14_2, version: '4.15.1', releaseCommit: '97bb8ecd' };

export const CHATWOOT_VERSION_PROFILES: Readonly<Record<ChatwootVersion, ChatwootVersionProfile>> = {
  '3.7.0': V3_7_0,
  '3.8.0': V3_8_0,
  '3.9.0': V3_9_0,
  '3.16.0': V3_16_0,
  '4.0.4': V4_0_4,
  '4.12.1': V4_12_1,
  '4.13.0': V4_13_0,
  '4.14.0': V4_14_0,
  '4.14.2': V4_14_2,
  '4.15.1': V4_15_1,
};

export function chatwootProfile(version: ChatwootVersion): ChatwootVersionProfile {
  return CHATWOOT_VERSION_PROFILES[version];
}

export function isChatwootVersion(value: string): value is ChatwootVersion {
  return (CHATWOOT_VERSIONS as readonly string[]).includes(value);
}

/** `4.14.2` → [4, 14, 2]; undefined for anything that is not dotted numbers (a leading `v` is allowed). */
export function versionNumbers(version: string): number[] | undefined {
  const match = /^v?(\d+(?:\.\d+)*)$/.exec(version.trim());
  return match ? match[1]!.split('.').map(Number) : undefined;
}

/** Numeric order of dotted versions (`3.16.0` after `3.9.0`, never string order); unparsable ones sort last. */
export function compareVersions(a: string, b: string): number {
  const left = versionNumbers(a);
  const right = versionNumbers(b);
  if (!left || !right) return Number(!left) - Number(!right);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The known profiles from `from` to `to` (both included), oldest first; empty when `to` is older than `from`. */
export function chatwootProfilesBetween(from: ChatwootVersion, to: ChatwootVersion): ChatwootVersionProfile[] {
  return CHATWOOT_VERSIONS.filter((version) => compareVersions(version, from) >= 0 && compareVersions(version, to) <= 0).map(chatwootProfile);
}

/** Whether this Chatwoot, started with `env`, refuses webhooks to a private, loopback or link-local address. */
export function refusesPrivateWebhookTargets(profile: ChatwootVersionProfile, env: Readonly<Record<string, string | undefined>>): boolean {
  switch (profile.privateWebhookTargets) {
    case 'delivered':
      return false;
    case 'refused':
      return true;
    case 'refused-unless-opt-out':
      return env[SAFE_FETCH_OPT_OUT_ENV]?.trim().toLowerCase() !== 'true';
  }
}

/** The env a harness sets so its own private network does not trip the 4.14.1+ refusal (chatwoot-3.10-4.x.md extended grid). */
export function privateNetworkOptOut(profile: ChatwootVersionProfile): Record<string, string> {
  return profile.privateWebhookTargets === 'refused-unless-opt-out' ? { [SAFE_FETCH_OPT_OUT_ENV]: 'true' } : {};
}
