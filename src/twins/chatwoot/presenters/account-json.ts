import type { Account } from '../twin-state.ts';
import type { ChatwootProfile } from '../version-profile.ts';
import { isoTime } from './time-format.ts';

/** Features a fresh 3.x account has enabled (`config/features.yml` defaults; measured). */
const DEFAULT_FEATURES = [
  'inbound_emails',
  'channel_email',
  'channel_facebook',
  'channel_twitter',
  'help_center',
  'macros',
  'agent_management',
  'team_management',
  'inbox_management',
  'labels',
  'custom_attributes',
  'automations',
  'canned_responses',
  'integrations',
  'voice_recorder',
  'channel_website',
  'campaigns',
  'reports',
  'crm',
  'auto_resolve_conversations',
];
const OPTIONAL_CUSTOM_ATTRIBUTES = ['industry', 'company_size', 'timezone', 'logo', 'onboarding_step'];

/** `api/v1/models/_account.json.jbuilder` (what accounts#update renders). */
export function accountJson(account: Account) {
  const custom = account.customAttributes;
  const hasCustom = Object.keys(custom).length > 0;
  return {
    auto_resolve_duration: account.autoResolveDuration,
    created_at: isoTime(account.createdAt),
    ...(hasCustom
      ? {
          custom_attributes: {
            plan_name: custom.plan_name ?? null,
            subscribed_quantity: custom.subscribed_quantity ?? null,
            subscription_status: custom.subscription_status ?? null,
            subscription_ends_on: custom.subscription_ends_on ?? null,
            ...Object.fromEntries(
              OPTIONAL_CUSTOM_ATTRIBUTES.filter((key) => custom[key] !== undefined && custom[key] !== null && custom[key] !== '').map((key) => [
                key,
                custom[key],
              ]),
            ),
          },
        }
      : {}),
    domain: account.domain,
    features: Object.fromEntries(DEFAULT_FEATURES.map((feature) => [feature, true])),
    id: account.id,
    locale: account.locale,
    name: account.name,
    support_email: account.supportEmail,
    status: account.status,
    // Cache keys are Redis timestamps; a fresh install has none yet (measured).
    cache_keys: { label: '0000000000', inbox: '0000000000', team: '0000000000' },
  };
}

/**
 * `accounts/show.json.jbuilder`: the partial, `latest_chatwoot_version` (from ChatwootHub via Redis:
 * null on an install that never reached the hub, measured) and, from 3.9.0, the enterprise
 * partial's `subscribed_features`.
 */
export function accountShowJson(account: Account, profile: ChatwootProfile) {
  return {
    ...accountJson(account),
    latest_chatwoot_version: null,
    ...(profile.accountShowsSubscribedFeatures ? { subscribed_features: [] } : {}),
  };
}
