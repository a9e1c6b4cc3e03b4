import type { TwinDeps } from '../twin-context.ts';
import { MESSAGE_TYPES, type Conversation, type ConversationStatus, type Message } from '../twin-state.ts';
import { textsFor } from '../locales.ts';

/** Who made a change: Current.user's name (a user or an agent bot); none for system changes. */
export interface Actor {
  name: string | null;
}

/**
 * Conversations::ActivityMessageJob's message (ActivityMessageHandler): `message_type` activity (2),
 * no sender, the text in the account's locale. It moves `last_activity_at` (Message#set_conversation_activity)
 * and fires message_created, which never reaches the API-inbox webhook (§4). Upstream creates it from
 * a Sidekiq job right after the change; the twin creates it before answering.
 */
export function createActivityMessage(deps: TwinDeps, conversation: Conversation, content: string): Message {
  const now = deps.now();
  const message: Message = {
    id: deps.state.nextId('message'),
    accountId: conversation.accountId,
    inboxId: conversation.inboxId,
    conversationId: conversation.id,
    content,
    messageType: MESSAGE_TYPES.activity,
    contentType: 'text',
    contentAttributes: {},
    private: false,
    status: 'sent',
    sourceId: null,
    sender: null,
    externalSourceIds: {},
    additionalAttributes: {},
    echoId: null,
    attachments: [],
    createdAt: now,
    updatedAt: now,
  };
  deps.state.messages.set(message.id, message);
  conversation.lastActivityAt = now;
  deps.events.messageCreated(message);
  return message;
}

function texts(deps: TwinDeps, conversation: Conversation) {
  return textsFor(deps.state.accounts.get(conversation.accountId)?.locale ?? 'en');
}

/** `status_change_activity`: "Conversation was marked resolved by <user>" and the like; nothing without a user. */
export function statusActivity(deps: TwinDeps, conversation: Conversation, status: ConversationStatus, actor: Actor | undefined): void {
  if (!actor?.name) return;
  createActivityMessage(deps, conversation, texts(deps, conversation).activity.status[status](actor.name));
}

/** PriorityActivityMessageHandler: added / updated / removed. */
export function priorityActivity(deps: TwinDeps, conversation: Conversation, previous: string | null, current: string | null, actor: Actor | undefined): void {
  if (previous === current || !actor?.name) return;
  const t = texts(deps, conversation).activity;
  const content =
    previous !== null && current !== null
      ? t.priorityUpdated(actor.name, previous, current)
      : current !== null
        ? t.priorityAdded(actor.name, current)
        : t.priorityRemoved(actor.name);
  createActivityMessage(deps, conversation, content);
}

/** `create_assignee_change_activity`: self-assigned, assigned to someone, or unassigned. */
export function assigneeActivity(deps: TwinDeps, conversation: Conversation, actor: Actor & { userId?: number }, assigneeName: string | null): void {
  if (!actor.name) return;
  const t = texts(deps, conversation).activity;
  const content =
    conversation.assigneeId === null
      ? t.unassigned(actor.name)
      : actor.userId === conversation.assigneeId
        ? t.selfAssigned(actor.name)
        : t.assigned(assigneeName ?? '', actor.name);
  createActivityMessage(deps, conversation, content);
}
