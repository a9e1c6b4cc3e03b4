import type { Hono } from 'hono';
import type { TwinContext, TwinDeps, TwinEnv } from '../twin-context.ts';
import { authenticateAccount } from '../http/auth.ts';
import { headOk } from '../http/http-problem.ts';
import { isPlainObject, stringParam } from '../http/request-params.ts';
import { findConversation } from '../services/conversation-service.ts';

/**
 * `…/conversations/{id}/draft_messages` (Conversations::DraftMessagesController), only where the
 * profile has the route (3.9.0+; elsewhere Rails' routing 404). The draft lives in Redis upstream,
 * here in a map by conversation id: GET → `{has_draft:false}` or `{has_draft:true,message}`,
 * PATCH/PUT store `draft_message.message` ('' when absent), DELETE removes; both head :ok.
 */
export function registerDraftMessageRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  if (!deps.config.profile.draftMessages) return;
  const path = '/api/v1/accounts/:accountId/conversations/:displayId/draft_messages';
  const drafts = new Map<number, string>();

  app.get(path, (c) => {
    const access = authenticateAccount(c, deps, 'draft_messages#show');
    const conversation = findConversation(deps, access, c.req.param('displayId'));
    const draft = drafts.get(conversation.id);
    return c.json(draft === undefined ? { has_draft: false } : { has_draft: true, message: draft });
  });

  const update = (c: TwinContext) => {
    const access = authenticateAccount(c, deps, 'draft_messages#update');
    const conversation = findConversation(deps, access, c.req.param('displayId'));
    const draftParam = c.get('params').draft_message;
    drafts.set(conversation.id, (isPlainObject(draftParam) ? stringParam(draftParam, 'message') : undefined) ?? '');
    return headOk();
  };
  app.patch(path, update);
  app.put(path, update);

  app.delete(path, (c) => {
    const access = authenticateAccount(c, deps, 'draft_messages#destroy');
    const conversation = findConversation(deps, access, c.req.param('displayId'));
    drafts.delete(conversation.id);
    return headOk();
  });
}
