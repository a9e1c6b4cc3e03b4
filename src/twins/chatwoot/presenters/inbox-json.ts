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

/** The widget's embed snippet (Channel::WebWidget#web_widget_script), with FRONTEND_URL as BASE_URL. */
function webWidgetScript(frontendUrl: string, websiteToken: string): string {
  return `
    <script>
      (function(d,t) {
        var BASE_URL="${frontendUrl}";
        var g=d.createElement(t),s=d.getElementsByTagName(t)[0];
        g.src=BASE_URL+"/packs/js/sdk.js";
        g.defer = true;
        g.async = true;
        s.parentNode.insertBefore(g,s);
        g.onload=function(){
          window.chatwootSDK.run({
            websiteToken: '${websiteToken}',
            baseUrl: BASE_URL
          })
        }
      })(document,"script");
    </script>
    `;
}

/** Channel::WebWidget's default pre-chat form (measured). */
const PRE_CHAT_FORM_OPTIONS = {
  pre_chat_message: 'Share your queries or comments here.',
  pre_chat_fields: [
    { field_type: 'standard', label: 'Email Id', name: 'emailAddress', type: 'email', required: true, enabled: false },
    { field_type: 'standard', label: 'Full name', name: 'fullName', type: 'text', required: false, enabled: false },
    { field_type: 'standard', label: 'Phone number', name: 'phoneNumber', type: 'text', required: false, enabled: false },
  ],
};

export interface InboxJsonOptions {
  administrator: boolean;
  /** FRONTEND_URL, for the web widget's script. */
  frontendUrl: string;
}

/**
 * `api/v1/models/_inbox.json.jbuilder` (chatwoot-3.7-3.9.md §3.2): the common keys, the web-widget
 * keys (null for other channels), the widget-only and API-only blocks, the Twilio keys (null) and
 * `provider` — in the template's order (measured on 3.8.0 for both channels).
 */
export function inboxJson(inbox: Inbox, options: InboxJsonOptions) {
  const widget = inbox.widget;
  return {
    id: inbox.id,
    avatar_url: '',
    channel_id: inbox.channelId,
    name: inbox.name,
    channel_type: inbox.channelType,
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
    widget_color: widget?.widgetColor ?? null,
    website_url: widget?.websiteUrl ?? null,
    hmac_mandatory: inbox.hmacMandatory,
    welcome_title: widget?.welcomeTitle ?? null,
    welcome_tagline: widget?.welcomeTagline ?? null,
    web_widget_script: widget ? webWidgetScript(options.frontendUrl, widget.websiteToken) : null,
    website_token: widget?.websiteToken ?? null,
    selected_feature_flags: widget ? ['attachments', 'emoji_picker', 'end_conversation'] : null,
    reply_time: widget?.replyTime ?? null,
    ...(widget
      ? {
          ...(options.administrator ? { hmac_token: inbox.hmacToken } : {}),
          pre_chat_form_enabled: widget.preChatFormEnabled,
          pre_chat_form_options: PRE_CHAT_FORM_OPTIONS,
          continuity_via_email: widget.continuityViaEmail,
        }
      : {}),
    messaging_service_sid: null,
    phone_number: null,
    ...(inbox.channelType === 'Channel::Api'
      ? {
          ...(options.administrator ? { hmac_token: inbox.hmacToken } : {}),
          // 4.13.0+: the webhook signing secret, to admins only (chatwoot-3.10-4.x.md §3).
          ...(options.administrator && inbox.secret !== null ? { secret: inbox.secret } : {}),
          webhook_url: inbox.webhookUrl,
          inbox_identifier: inbox.identifier,
          additional_attributes: inbox.additionalAttributes,
        }
      : {}),
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
    channel_type: inbox.channelType,
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
