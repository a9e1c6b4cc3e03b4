import type { Inbox } from '../twin-state.ts';
import { isoTime } from './time-format.ts';

const WEEK = [0, 1, 2, 3, 4, 5, 6];

function defaultWorkingHours() {
  return WEEK.map((day) => ({
    day_of_week: day,
    closed_all_day: day === 0 || day === 6,
    open_hour: day === 0 || day === 6 ? null : 9,
    open_minutes: day === 0 || day === 6 ? null : 0,
    close_hour: day === 0 || day === 6 ? null : 17,
    close_minutes: day === 0 || day === 6 ? null : 0,
    open_all_day: false,
  }));
}

/** `api/v1/models/_inbox.json.jbuilder` for an API channel (chatwoot-3.7-3.9.md §3.2). */
export function inboxJson(inbox: Inbox, options: { administrator: boolean }) {
  return {
    id: inbox.id,
    avatar_url: '',
    channel_id: inbox.channelId,
    name: inbox.name,
    channel_type: 'Channel::Api',
    greeting_enabled: inbox.greetingEnabled,
    greeting_message: inbox.greetingMessage,
    working_hours_enabled: false,
    enable_email_collect: true,
    csat_survey_enabled: false,
    enable_auto_assignment: inbox.enableAutoAssignment,
    auto_assignment_config: {},
    out_of_office_message: null,
    working_hours: defaultWorkingHours(),
    timezone: 'UTC',
    callback_webhook_url: null,
    allow_messages_after_resolved: inbox.allowMessagesAfterResolved,
    lock_to_single_conversation: inbox.lockToSingleConversation,
    sender_name_type: 'friendly',
    business_name: null,
    // Web-widget keys: present, null for an API inbox.
    widget_color: null,
    website_url: null,
    hmac_mandatory: inbox.hmacMandatory,
    welcome_title: null,
    welcome_tagline: null,
    web_widget_script: null,
    website_token: null,
    selected_feature_flags: null,
    reply_time: null,
    ...(options.administrator ? { hmac_token: inbox.hmacToken } : {}),
    webhook_url: inbox.webhookUrl,
    inbox_identifier: inbox.identifier,
    additional_attributes: inbox.additionalAttributes,
    provider: null,
  };
}

/** The raw Inbox row as `to_json` renders it (contacts#create's `contact_inbox.inbox`). */
export function inboxRowJson(inbox: Inbox) {
  return {
    id: inbox.id,
    channel_id: inbox.channelId,
    account_id: inbox.accountId,
    name: inbox.name,
    created_at: isoTime(inbox.createdAt),
    updated_at: isoTime(inbox.createdAt),
    channel_type: 'Channel::Api',
    enable_auto_assignment: inbox.enableAutoAssignment,
    greeting_enabled: inbox.greetingEnabled,
    greeting_message: inbox.greetingMessage,
    email_address: null,
    working_hours_enabled: false,
    out_of_office_message: null,
    timezone: 'UTC',
    enable_email_collect: true,
    csat_survey_enabled: false,
    allow_messages_after_resolved: inbox.allowMessagesAfterResolved,
    auto_assignment_config: {},
    lock_to_single_conversation: inbox.lockToSingleConversation,
    portal_id: null,
    sender_name_type: 'friendly',
    business_name: null,
  };
}
