import type { Hono } from 'hono';
import type { TwinDeps, TwinEnv } from '../twin-context.ts';
import { notFound } from '../http/http-problem.ts';
import { idParam } from '../http/request-params.ts';

/** Public API (no token): the read receipt Evolution sends (chatwoot-3.7-3.9.md §3.1). */
export function registerPublicRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  app.post('/public/api/v1/inboxes/:inboxIdentifier/contacts/:sourceId/conversations/:displayId/update_last_seen', (c) => {
    const inbox = [...deps.state.inboxes.values()].find((row) => row.identifier === c.req.param('inboxIdentifier'));
    if (!inbox) throw notFound();
    const contactInbox = [...deps.state.contactInboxes.values()].find((row) => row.inboxId === inbox.id && row.sourceId === c.req.param('sourceId'));
    if (!contactInbox) throw notFound();
    const displayId = idParam(c.req.param('displayId'));
    const conversation = deps.state.conversationsOf(inbox.accountId).find((row) => row.contactInboxId === contactInbox.id && row.displayId === displayId);
    if (!conversation) throw notFound();
    conversation.contactLastSeenAt = deps.now();
    return c.body(null, 200);
  });
}
