import type { Conversation, Message } from '../twin-state.ts';
import type { PresentContext } from './present-context.ts';
import { contactInboxRowJson, contactJson, contactPushData } from './contact-json.ts';
import { messagePushData, messageWebhookData, unreadCount } from './message-json.ts';
import { userPushData } from './user-json.ts';
import { isoTime, unixSeconds } from './time-format.ts';

const ACTIVITY = 2;

/** `nil.to_i`: REST renders missing times as 0. */
const toI = (epochMs: number | null) => (epochMs === null ? 0 : Math.floor(epochMs / 1000));

function orderedMessages(ctx: PresentContext, conversation: Conversation): Message[] {
  return ctx.state.messagesOf(conversation.id).sort((a, b) => a.id - b.id);
}

function assigneePushData(ctx: PresentContext, conversation: Conversation) {
  const assignee = conversation.assigneeId === null ? undefined : ctx.state.users.get(conversation.assigneeId);
  return assignee ? userPushData(assignee) : undefined;
}

/** `api/v1/conversations/partials/_conversation.json.jbuilder` (chatwoot-3.7-3.9.md §3.2). */
export function conversationJson(ctx: PresentContext, conversation: Conversation) {
  const contact = ctx.state.contacts.get(conversation.contactId);
  const contactInbox = ctx.state.contactInboxes.get(conversation.contactInboxId);
  const messages = orderedMessages(ctx, conversation);
  const last = messages.at(-1);
  const lastNonActivity = messages.filter((m) => m.messageType !== ACTIVITY).at(-1);
  const assignee = assigneePushData(ctx, conversation);
  const channel = ctx.state.inboxes.get(conversation.inboxId)?.channelType ?? null;
  return {
    meta: {
      // The contact partial, not its push data: no `type`, with availability_status and times (measured).
      sender: contact ? contactJson(contact) : null,
      channel,
      ...(assignee ? { assignee } : {}),
      hmac_verified: contactInbox?.hmacVerified ?? false,
    },
    id: conversation.displayId,
    messages: last ? [messagePushData(ctx, last)] : [],
    account_id: conversation.accountId,
    uuid: conversation.uuid,
    additional_attributes: conversation.additionalAttributes,
    agent_last_seen_at: toI(conversation.agentLastSeenAt),
    assignee_last_seen_at: toI(conversation.assigneeLastSeenAt),
    can_reply: true,
    contact_last_seen_at: toI(conversation.contactLastSeenAt),
    custom_attributes: conversation.customAttributes,
    inbox_id: conversation.inboxId,
    labels: conversation.labels,
    muted: conversation.muted,
    // Rendered raw, not as unix (Corrections: _conversation.json.jbuilder@f7580f86:44).
    snoozed_until: conversation.snoozedUntil,
    status: conversation.status,
    created_at: toI(conversation.createdAt),
    timestamp: toI(conversation.lastActivityAt),
    first_reply_created_at: toI(conversation.firstReplyCreatedAt),
    unread_count: unreadCount(ctx, conversation),
    last_non_activity_message: lastNonActivity ? messagePushData(ctx, lastNonActivity) : null,
    last_activity_at: toI(conversation.lastActivityAt),
    priority: conversation.priority,
    waiting_since: toI(conversation.waitingSince),
    sla_policy_id: null,
  };
}

/** Conversations::EventDataPresenter#push_data: what webhooks carry as `conversation` (§4). */
export function conversationWebhookData(ctx: PresentContext, conversation: Conversation) {
  const contact = ctx.state.contacts.get(conversation.contactId);
  const contactInbox = ctx.state.contactInboxes.get(conversation.contactInboxId);
  const lastChat = orderedMessages(ctx, conversation)
    .filter((m) => m.messageType !== ACTIVITY && !m.private)
    .at(-1);
  return {
    additional_attributes: conversation.additionalAttributes,
    can_reply: true,
    channel: ctx.state.inboxes.get(conversation.inboxId)?.channelType ?? null,
    contact_inbox: contactInbox ? contactInboxRowJson(contactInbox) : null,
    id: conversation.displayId,
    inbox_id: conversation.inboxId,
    messages: lastChat ? [messagePushData(ctx, lastChat)] : [],
    labels: conversation.labels,
    meta: {
      sender: contact ? contactPushData(contact) : null,
      assignee: assigneePushData(ctx, conversation) ?? null,
      team: null,
      hmac_verified: contactInbox?.hmacVerified ?? false,
    },
    status: conversation.status,
    custom_attributes: conversation.customAttributes,
    // Raw in webhook data; only waiting_since is converted (Corrections: event_data_presenter.rb).
    snoozed_until: conversation.snoozedUntil,
    unread_count: unreadCount(ctx, conversation),
    first_reply_created_at: isoTime(conversation.firstReplyCreatedAt),
    priority: conversation.priority,
    waiting_since: toI(conversation.waitingSince),
    agent_last_seen_at: toI(conversation.agentLastSeenAt),
    contact_last_seen_at: toI(conversation.contactLastSeenAt),
    timestamp: unixSeconds(conversation.lastActivityAt),
    created_at: unixSeconds(conversation.createdAt),
  };
}

export function messageEventPayload(ctx: PresentContext, message: Message, event: 'message_created' | 'message_updated') {
  const conversation = ctx.state.conversations.get(message.conversationId)!;
  return { ...messageWebhookData(ctx, message, conversationWebhookData(ctx, conversation)), event };
}
