import type { TwinDeps } from '../twin-context.ts';
import type { Inbox } from '../twin-state.ts';
import type { AccountAccess } from '../http/auth.ts';
import { notFound } from '../http/http-problem.ts';
import { idParam } from '../http/request-params.ts';

/** `Current.account.inboxes.find(id)`: 404 for an unknown id or another account's inbox. */
export function findInbox(deps: TwinDeps, access: AccountAccess, rawId: unknown): Inbox {
  const id = idParam(rawId);
  const inbox = id === undefined ? undefined : deps.state.inboxes.get(id);
  if (!inbox || inbox.accountId !== access.account.id) throw notFound();
  return inbox;
}
