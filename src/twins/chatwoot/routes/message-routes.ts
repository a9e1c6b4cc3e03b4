import type { Hono } from 'hono';
import type { TwinDeps, TwinEnv } from '../twin-context.ts';
import type { Message } from '../twin-state.ts';
import { authenticateAccount } from '../http/auth.ts';
import { notFound, railsPublicError } from '../http/http-problem.ts';
import { castBoolean, idParam } from '../http/request-params.ts';
import { messageJson } from '../presenters/message-json.ts';
import { isoTime } from '../presenters/time-format.ts';
import { userPushData } from '../presenters/user-json.ts';
import { contactPushData } from '../presenters/contact-json.ts';
import { findConversation } from '../services/conversation-service.ts';
import { createMessage, deleteMessage, StorageFailure } from '../services/message-service.ts';

/** MessageFinder windows (chatwoot-3.7-3.9.md §3.1). */
function window(messages: Message[], before: number | undefined, after: number | undefined): Message[] {
  const sorted = [...messages].sort((a, b) => a.id - b.id);
  if (before !== undefined && after !== undefined) return sorted.filter((m) => m.id > after && m.id < before).slice(-1000);
  if (after !== undefined) return sorted.filter((m) => m.id > after).slice(0, 100);
  if (before !== undefined) return sorted.filter((m) => m.id < before).slice(-20);
  return sorted.slice(-20);
}

export function registerMessageRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  const base = '/api/v1/accounts/:accountId/conversations/:displayId/messages';

  app.post(base, async (c) => {
    const access = authenticateAccount(c, deps, 'messages#create');
    const conversation = findConversation(deps, access, c.req.param('displayId'));
    try {
      const message = await createMessage(deps, access, conversation, c.get('params'));
      return c.json(messageJson(deps.present, message));
    } catch (error) {
      if (!(error instanceof StorageFailure)) throw error;
      deps.log.error(`ActiveStorage upload failed (${error.message}); message not created`, c.get('requestId'));
      throw railsPublicError(500);
    }
  });

  app.get(base, (c) => {
    const access = authenticateAccount(c, deps, 'messages#index');
    const conversation = findConversation(deps, access, c.req.param('displayId'));
    const params = c.get('params');
    let messages = deps.state.messagesOf(conversation.id);
    if (castBoolean(params.filter_internal_messages)) messages = messages.filter((m) => !m.private);
    const contact = deps.state.contacts.get(conversation.contactId);
    const assignee = conversation.assigneeId === null ? undefined : deps.state.users.get(conversation.assigneeId);
    return c.json({
      meta: {
        labels: conversation.labels,
        additional_attributes: conversation.additionalAttributes,
        // `@conversation.contact.push_event_data` (messages/index.json.jbuilder): carries `type: "contact"`.
        contact: contact ? contactPushData(contact) : null,
        ...(assignee ? { assignee: userPushData(assignee) } : {}),
        agent_last_seen_at: isoTime(conversation.agentLastSeenAt),
        assignee_last_seen_at: isoTime(conversation.assigneeLastSeenAt),
      },
      payload: window(messages, idParam(params.before), idParam(params.after)).map((m) => messageJson(deps.present, m)),
    });
  });

  app.delete(`${base}/:messageId`, async (c) => {
    const access = authenticateAccount(c, deps, 'messages#destroy');
    const conversation = findConversation(deps, access, c.req.param('displayId'));
    const id = idParam(c.req.param('messageId'));
    const message = id === undefined ? undefined : deps.state.messages.get(id);
    if (!message || message.conversationId !== conversation.id) throw notFound();
    await deleteMessage(deps, message);
    return c.json(messageJson(deps.present, message));
  });
}
