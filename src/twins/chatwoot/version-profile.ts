import type { ChatwootVersion } from '../../model/axes.ts';
import { chatwootProfile, type ChatwootVersionProfile } from '../../model/chatwoot-profiles.ts';

/**
 * Everything that differs between the Chatwoot versions the twin stands in for, one named property
 * each: the client-visible facts of the model profile (model/chatwoot-profiles.ts) plus what only the twin
 * needs. Profiles are cumulative: a version starts from its predecessor and names only what changed,
 * so a later profile adds a line rather than a branch in the routes. Sources: the upstream fact sheets
 * (chatwoot-3.7-3.9.md §0, §3.3, Corrections, §M; chatwoot-3.10-4.x.md §9, §M) and `config/routes.rb` at each tag.
 */
export interface ChatwootProfile extends ChatwootVersionProfile {
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
  /** `GET /api/v1/accounts/{id}` carries `subscribed_features: []` from 3.9.0 (measured). */
  readonly accountShowsSubscribedFeatures: boolean;
}

/** The model facts of `version` over its predecessor's twin profile: each twin profile is the previous one plus what changed. */
function next(previous: ChatwootProfile, version: ChatwootVersion, twinChanges: Partial<ChatwootProfile> = {}): ChatwootProfile {
  return { ...previous, ...chatwootProfile(version), ...twinChanges };
}

const V3_7_0: ChatwootProfile = {
  ...chatwootProfile('3.7.0'),
  contactSearchLimit: { kind: 'fixed', perMinute: 5 },
  messageFloodDefaultLimit: undefined,
  getSignIn: 'method-not-allowed',
  contactsExportMethod: 'GET',
  draftMessages: false,
  accountShowsSubscribedFeatures: false,
};

const V3_8_0 = next(V3_7_0, '3.8.0', { getSignIn: 'redirect-to-login' });

const V3_9_0 = next(V3_8_0, '3.9.0', {
  contactSearchLimit: { kind: 'env', defaultPerMinute: 100 },
  messageFloodDefaultLimit: 200,
  contactsExportMethod: 'POST',
  draftMessages: true,
  accountShowsSubscribedFeatures: true,
});

// 3.10.0 … 4.15.1: no twin-only difference read so far (chatwoot-3.10-4.x.md §0 "Unchanged through 4.15.1"); the model facts carry the rest.
const V3_16_0 = next(V3_9_0, '3.16.0');
const V4_0_4 = next(V3_16_0, '4.0.4');
const V4_12_1 = next(V4_0_4, '4.12.1');
const V4_13_0 = next(V4_12_1, '4.13.0');
const V4_14_0 = next(V4_13_0, '4.14.0');
const V4_14_2 = next(V4_14_0, '4.14.2');
const V4_15_1 = next(V4_14_2, '4.15.1');

export const CHATWOOT_PROFILES: Readonly<Record<ChatwootVersion, ChatwootProfile>> = {
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

export function profileFor(version: ChatwootVersion): ChatwootProfile {
  return CHATWOOT_PROFILES[version];
}
