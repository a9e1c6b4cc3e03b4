import type { ChatwootProfile } from '../version-profile.ts';

export type FilterModel = 'conversations' | 'contacts';
export type AttributeType = 'standard' | 'additional_attributes';
export type DataType = 'text' | 'number' | 'labels' | 'date' | 'link' | 'text_case_insensitive' | 'boolean';

export interface FilterKey {
  key: string;
  attributeType: AttributeType;
  dataType: DataType;
  operators: readonly string[];
}

const EQ = ['equal_to', 'not_equal_to'] as const;
const EQ_PRESENT = ['equal_to', 'not_equal_to', 'is_present', 'is_not_present'] as const;
const EQ_CONTAINS = ['equal_to', 'not_equal_to', 'contains', 'does_not_contain'] as const;
const DATES = ['is_greater_than', 'is_less_than', 'days_before'] as const;

const key = (name: string, attributeType: AttributeType, dataType: DataType, operators: readonly string[]): FilterKey => ({
  key: name,
  attributeType,
  dataType,
  operators,
});

/**
 * lib/filters/filter_keys.yml of 3.8.0 and 3.9.0 (identical), in file order: the order matters
 * because `allowed_keys` in the 422 message lists them in this order (chatwoot-3.7-3.9.md §1.3).
 */
const YAML_3_8: Record<FilterModel, FilterKey[]> = {
  conversations: [
    key('status', 'standard', 'text', EQ),
    key('assignee_id', 'standard', 'text', EQ_PRESENT),
    key('inbox_id', 'standard', 'text', EQ_PRESENT),
    key('team_id', 'standard', 'number', EQ_PRESENT),
    key('priority', 'standard', 'text', EQ),
    key('display_id', 'standard', 'number', EQ_CONTAINS),
    key('campaign_id', 'standard', 'number', EQ_PRESENT),
    key('labels', 'standard', 'labels', EQ_PRESENT),
    key('browser_language', 'additional_attributes', 'text', EQ),
    key('conversation_language', 'additional_attributes', 'text', EQ),
    key('country_code', 'additional_attributes', 'text', EQ),
    key('referer', 'additional_attributes', 'link', EQ_CONTAINS),
    key('created_at', 'standard', 'date', DATES),
    key('last_activity_at', 'standard', 'date', DATES),
    key('mail_subject', 'additional_attributes', 'text', EQ_CONTAINS),
  ],
  contacts: [
    key('name', 'standard', 'text_case_insensitive', EQ_CONTAINS),
    key('phone_number', 'standard', 'text_case_insensitive', [...EQ_CONTAINS, 'starts_with']),
    key('email', 'standard', 'text_case_insensitive', EQ_CONTAINS),
    key('identifier', 'standard', 'text_case_insensitive', EQ),
    key('country_code', 'additional_attributes', 'text', EQ),
    key('city', 'additional_attributes', 'text', EQ_CONTAINS),
    key('company', 'additional_attributes', 'text', EQ_CONTAINS),
    key('labels', 'standard', 'labels', EQ_PRESENT),
    key('created_at', 'standard', 'date', DATES),
    key('last_activity_at', 'standard', 'date', DATES),
    key('blocked', 'standard', 'boolean', EQ),
  ],
};

/**
 * lib/filters/filter_keys.json of 3.7.0 (§1.2): `contact_id` is a standard conversation column,
 * there is no `priority`; contacts have `browser_language` and no `blocked`. Operators listed here
 * are informational only in 3.7.0 (never validated).
 */
const JSON_3_7: Record<FilterModel, FilterKey[]> = {
  conversations: [
    key('status', 'standard', 'text', EQ),
    key('assignee_id', 'standard', 'text', EQ_PRESENT),
    key('contact_id', 'standard', 'number', EQ),
    key('inbox_id', 'standard', 'text', EQ_PRESENT),
    key('team_id', 'standard', 'number', EQ_PRESENT),
    key('display_id', 'standard', 'number', EQ_CONTAINS),
    key('campaign_id', 'standard', 'number', EQ_PRESENT),
    key('labels', 'standard', 'labels', EQ_PRESENT),
    key('browser_language', 'additional_attributes', 'text', EQ),
    key('conversation_language', 'additional_attributes', 'text', EQ),
    key('country_code', 'additional_attributes', 'text', EQ),
    key('referer', 'additional_attributes', 'link', EQ_CONTAINS),
    key('created_at', 'standard', 'date', DATES),
    key('last_activity_at', 'standard', 'date', DATES),
    key('mail_subject', 'additional_attributes', 'text', EQ_CONTAINS),
  ],
  contacts: [
    key('name', 'standard', 'text_case_insensitive', EQ_CONTAINS),
    key('phone_number', 'standard', 'text_case_insensitive', EQ_CONTAINS),
    key('email', 'standard', 'text_case_insensitive', EQ_CONTAINS),
    key('identifier', 'standard', 'text_case_insensitive', EQ_CONTAINS),
    key('country_code', 'additional_attributes', 'text', EQ),
    key('city', 'additional_attributes', 'text', EQ_CONTAINS),
    key('browser_language', 'additional_attributes', 'text', EQ),
    key('company', 'additional_attributes', 'text', EQ_CONTAINS),
    key('labels', 'standard', 'labels', EQ_PRESENT),
    key('created_at', 'standard', 'date', DATES),
    key('last_activity_at', 'standard', 'date', DATES),
  ],
};

/**
 * The YAML list as later versions change it (chatwoot-3.10-4.x.md §1.2): conversations lose `country_code` (4.10.0) and
 * gain `contact_id` right after `team_id` (4.14.2); contacts' `company` becomes `company_name` (4.14.0).
 */
function yamlKeys(profile: ChatwootProfile, model: FilterModel): FilterKey[] {
  if (model === 'contacts') {
    return profile.contactFilterCompanyKey === 'company'
      ? YAML_3_8.contacts
      : YAML_3_8.contacts.map((k) => (k.key === 'company' ? { ...k, key: 'company_name' } : k));
  }
  const keys = YAML_3_8.conversations.filter((k) => profile.conversationFilterHasCountryCode || k.key !== 'country_code');
  if (!profile.conversationFilterAcceptsContactId) return keys;
  const afterTeam = keys.findIndex((k) => k.key === 'team_id') + 1;
  return [...keys.slice(0, afterTeam), key('contact_id', 'standard', 'number', EQ), ...keys.slice(afterTeam)];
}

export function filterKeysFor(profile: ChatwootProfile, model: FilterModel): FilterKey[] {
  return profile.filterKeyList === 'json-3.7' ? JSON_3_7[model] : yamlKeys(profile, model);
}
