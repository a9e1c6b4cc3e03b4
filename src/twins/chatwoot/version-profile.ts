import type { ChatwootVersion } from '../../model/axes.ts';

/**
 * Everything that differs between the Chatwoot versions the twin stands in for, one named property
 * each. Profiles are cumulative: a version starts from its predecessor and names only what changed,
 * so a later profile (4.x) adds a line rather than a branch in the routes. Sources: the upstream
 * fact sheet (chatwoot-3.7-3.9.md §0, §3.3, Corrections, §M) and `config/routes.rb` at each tag.
 */
export interface ChatwootProfile {
  readonly version: ChatwootVersion;
  /** Which filter key list the version reads: `filter_keys.json` (3.7.0) or `filter_keys.yml` (3.8.0+, PR #8239). */
  readonly filterKeyList: 'json-3.7' | 'yaml-3.8';
  /**
   * PR #8239 (3.8.0+): conditions are validated in order and the first bad one answers 422. Without it
   * (3.7.0) a bad condition reaches SQL: a dropped unknown key leaves `AND ( )`, an unknown operator
   * compares against the Ruby array's `to_s`, a contact `country_code` without values calls
   * `nil.downcase` — all 500 (§M).
   */
  readonly validatesFilters: boolean;
  /** `contacts/search` per account per minute: a fixed number, or RATE_LIMIT_CONTACT_SEARCH (3.9.0, PR #9256). */
  readonly contactSearchLimit: { readonly kind: 'fixed'; readonly perMinute: number } | { readonly kind: 'env'; readonly defaultPerMinute: number };
  /** 3.9.0 (PR #9254): CONVERSATION_MESSAGE_PER_MINUTE_LIMIT's default, or undefined for no flood guard. */
  readonly messageFloodDefaultLimit: number | undefined;
  /** `GET /auth/sign_in`: 405 from devise_token_auth (3.7.0), a redirect to the login page (3.8.0+, PR #9022). */
  readonly getSignIn: 'method-not-allowed' | 'redirect-to-login';
  /** `contacts/export`: GET on 3.7.0/3.8.0, POST on 3.9.0 (`config/routes.rb`; Corrections). */
  readonly contactsExportMethod: 'GET' | 'POST';
  /** `…/conversations/{id}/draft_messages` (GET/PATCH/PUT/DELETE) exists from 3.9.0 (`config/routes.rb@f7580f86:98`). */
  readonly draftMessages: boolean;
  /**
   * `PUT/PATCH …/contacts/{id}`: 3.x assigns `additional_attributes` as sent, replacing the stored hash
   * (measured, §M); merging starts at 4.2.0 (chatwoot-3.10-4.x.md §3). custom_attributes always merge.
   */
  readonly contactUpdateMergesAdditionalAttributes: boolean;
  /** `GET /api/v1/accounts/{id}` carries `subscribed_features: []` from 3.9.0 (measured). */
  readonly accountShowsSubscribedFeatures: boolean;
}

const V3_7_0: ChatwootProfile = {
  version: '3.7.0',
  filterKeyList: 'json-3.7',
  validatesFilters: false,
  contactSearchLimit: { kind: 'fixed', perMinute: 5 },
  messageFloodDefaultLimit: undefined,
  getSignIn: 'method-not-allowed',
  contactsExportMethod: 'GET',
  draftMessages: false,
  contactUpdateMergesAdditionalAttributes: false,
  accountShowsSubscribedFeatures: false,
};

const V3_8_0: ChatwootProfile = {
  ...V3_7_0,
  version: '3.8.0',
  filterKeyList: 'yaml-3.8',
  validatesFilters: true,
  getSignIn: 'redirect-to-login',
};

const V3_9_0: ChatwootProfile = {
  ...V3_8_0,
  version: '3.9.0',
  contactSearchLimit: { kind: 'env', defaultPerMinute: 100 },
  messageFloodDefaultLimit: 200,
  contactsExportMethod: 'POST',
  draftMessages: true,
  accountShowsSubscribedFeatures: true,
};

export const CHATWOOT_PROFILES: Readonly<Record<ChatwootVersion, ChatwootProfile>> = {
  '3.7.0': V3_7_0,
  '3.8.0': V3_8_0,
  '3.9.0': V3_9_0,
};

export function profileFor(version: ChatwootVersion): ChatwootProfile {
  return CHATWOOT_PROFILES[version];
}
