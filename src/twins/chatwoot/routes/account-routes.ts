import type { Hono } from 'hono';
import type { TwinDeps, TwinEnv } from '../twin-context.ts';
import { authenticateUser } from '../http/auth.ts';
import { notFound } from '../http/http-problem.ts';
import { idParam } from '../http/request-params.ts';
import { isoTime } from '../presenters/time-format.ts';

/**
 * `GET /api/v1/accounts/{id}`: AccountsController looks the account up among the user's own, so a
 * non-member gets 404, not 401 (Corrections: accounts_controller_spec).
 */
export function registerAccountRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  app.get('/api/v1/accounts/:accountId', (c) => {
    const user = authenticateUser(c, deps, 'accounts#show');
    const accountId = idParam(c.req.param('accountId'));
    const account = accountId === undefined ? undefined : deps.state.accounts.get(accountId);
    if (!account || !deps.state.membership(account.id, user.id)) throw notFound();
    return c.json({
      id: account.id,
      name: account.name,
      locale: account.locale,
      domain: null,
      support_email: null,
      status: account.status,
      features: {},
      auto_resolve_duration: null,
      custom_attributes: {},
      created_at: isoTime(account.createdAt),
      latest_chatwoot_version: deps.config.version,
    });
  });
}
