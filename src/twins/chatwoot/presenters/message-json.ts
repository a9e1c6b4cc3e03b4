import { MESSAGE_TYPE_NAMES, type Conversation, type Message, type SenderRef } from '../twin-state.ts';
import type { PresentContext } from './present-context.ts';
import { attachmentPushData } from './attachment-json.ts';
import { contactPushData, contactWebhookData } from './contact-json.ts';
import { agentBotPushData, agentBotWebhookData, userPushData, userWebhookData } from './user-json.ts';
import { isoTime, unixSeconds } from './time-format.ts';

export function senderPushData(ctx: PresentContext, sender: SenderRef) {
  if (!sender) return null;
  if (sender.type === 'Contact') {
    const contact = ctx.state.contacts.get(sender.id);
    return contact ? contactPushData(contact) : null;
  }
  if (sender.type === 'User') {
    const user = ctx.state.users.get(sender.id);
    return user ? userPushData(user) : null;
  }
  const bot = ctx.state.agentBots.get(sender.id);
  return bot ? agentBotPushData(bot) : null;
}

function senderWebhookData(ctx: PresentContext, sender: SenderRef) {
  if (!sender) return null;
  if (sender.type === 'Contact') {
    const contact = ctx.state.contacts.get(sender.id);
    return contact ? contactWebhookData(ctx, contact) : null;
  }
  if (sender.type === 'User') {
    const user = ctx.state.users.get(sender.id);
    return user ? userWebhookData(user) : null;
  }
  const bot = ctx.state.agentBots.get(sender.id);
  return bot ? agentBotWebhookData(bot) : null;
}

function conversationOf(ctx: PresentContext, message: Message): Conversation {
  const conversation = ctx.state.conversations.get(message.conversationId);
  if (!conversation) throw new Error(`message ${message.id} has no conversation`);
  return conversation;
}

/** `api/v1/models/_message.json.jbuilder`: integer message_type, unix created_at (chatwoot-3.7-3.9.md §3.2). */
export function messageJson(ctx: PresentContext, message: Message) {
  const conversation = conversationOf(ctx, message);
  return {
    id: message.id,
    content: message.content,
    inbox_id: message.inboxId,
    ...(message.echoId ? { echo_id: message.echoId } : {}),
    conversation_id: conversation.displayId,
    message_type: message.messageType,
    content_type: message.contentType,
    status: message.status,
    content_attributes: message.contentAttributes,
    created_at: unixSeconds(message.createdAt),
    private: message.private,
    source_id: message.sourceId,
    sender: senderPushData(ctx, message.sender),
    ...(message.attachments.length > 0 ? { attachments: message.attachments.map((a) => attachmentPushData(ctx, a)) } : {}),
  };
}

/** Message#push_event_data: the DB columns plus conversation, sender, attachments (§3.2). */
export function messagePushData(ctx: PresentContext, message: Message) {
  const conversation = conversationOf(ctx, message);
  const contactInbox = ctx.state.contactInboxes.get(conversation.contactInboxId);
  return {
    id: message.id,
    content: message.content,
    account_id: message.accountId,
    inbox_id: message.inboxId,
    conversation_id: conversation.displayId,
    message_type: message.messageType,
    created_at: unixSeconds(message.createdAt),
    updated_at: isoTime(message.updatedAt),
    private: message.private,
    status: message.status,
    source_id: message.sourceId,
    content_type: message.contentType,
    content_attributes: message.contentAttributes,
    sender_type: message.sender?.type ?? null,
    sender_id: message.sender?.id ?? null,
    external_source_ids: message.externalSourceIds,
    additional_attributes: message.additionalAttributes,
    processed_message_content: message.content,
    sentiment: {},
    conversation: {
      assignee_id: conversation.assigneeId,
      unread_count: unreadCount(ctx, conversation),
      last_activity_at: unixSeconds(conversation.lastActivityAt),
      contact_inbox: { source_id: contactInbox?.sourceId ?? null },
    },
    ...(message.sender ? { sender: senderPushData(ctx, message.sender) } : {}),
    ...(message.attachments.length > 0 ? { attachments: message.attachments.map((a) => attachmentPushData(ctx, a)) } : {}),
    ...(message.echoId ? { echo_id: message.echoId } : {}),
  };
}

/** Incoming messages newer than the agent's last visit. */
export function unreadCount(ctx: PresentContext, conversation: Conversation): number {
  const seen = conversation.agentLastSeenAt ?? 0;
  return ctx.state.messagesOf(conversation.id).filter((m) => m.messageType === 0 && m.createdAt > seen).length;
}

/**
 * Message#webhook_data: string message_type and ISO created_at at the top level (§4), with the
 * conversation push data; `conversationData` is rendered by the caller to avoid a module cycle.
 */
export function messageWebhookData(ctx: PresentContext, message: Message, conversationData: unknown) {
  const account = ctx.state.accounts.get(message.accountId);
  const inbox = ctx.state.inboxes.get(message.inboxId);
  return {
    account: { id: message.accountId, name: account?.name ?? '' },
    additional_attributes: message.additionalAttributes,
    content_attributes: message.contentAttributes,
    content_type: message.contentType,
    content: message.content,
    conversation: conversationData,
    created_at: isoTime(message.createdAt),
    id: message.id,
    inbox: { id: message.inboxId, name: inbox?.name ?? '' },
    message_type: MESSAGE_TYPE_NAMES[message.messageType] ?? 'incoming',
    private: message.private,
    sender: senderWebhookData(ctx, message.sender),
    source_id: message.sourceId,
    ...(message.attachments.length > 0 ? { attachments: message.attachments.map((a) => attachmentPushData(ctx, a)) } : {}),
  };
}
