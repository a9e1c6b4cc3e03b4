import type { Hono } from 'hono';
import type { TwinDeps, TwinEnv } from '../twin-context.ts';
import { authenticateUser } from '../http/auth.ts';
import { userJson } from '../presenters/user-json.ts';

/** `GET /api/v1/profile`: not account-scoped; bot tokens get 401 (chatwoot-3.7-3.9.md §3.1). */
export function registerProfileRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  app.get('/api/v1/profile', (c) => {
    const user = authenticateUser(c, deps, 'profiles#show');
    return c.json(userJson(deps.state, user));
  });
}
