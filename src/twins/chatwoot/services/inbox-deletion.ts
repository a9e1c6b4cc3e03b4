import type { TwinDeps } from '../twin-context.ts';
import type { Inbox } from '../twin-state.ts';

/**
 * DeleteObjectJob destroying an inbox with its dependents (conversations and their messages, contact
 * inboxes). Upstream runs it in Sidekiq; the twin runs it before answering, so a client never sees
 * the inbox after the 200 (upstream: soon after).
 */
export function deleteInbox(deps: TwinDeps, inbox: Inbox): void {
  const { state } = deps;
  for (const conversation of [...state.conversations.values()]) {
    if (conversation.inboxId !== inbox.id) continue;
    for (const message of state.messagesOf(conversation.id)) state.messages.delete(message.id);
    state.conversations.delete(conversation.id);
  }
  for (const row of [...state.contactInboxes.values()]) if (row.inboxId === inbox.id) state.contactInboxes.delete(row.id);
  state.inboxes.delete(inbox.id);
}
