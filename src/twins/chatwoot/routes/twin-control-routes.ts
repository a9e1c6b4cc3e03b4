import type { Hono } from 'hono';
import type { TwinDeps, TwinEnv } from '../twin-context.ts';
import type { Role, User } from '../twin-state.ts';
import { authenticateAccount, requireAdministrator } from '../http/auth.ts';
import { HttpProblem, ValidationErrors } from '../http/http-problem.ts';
import { idParam, stringParam } from '../http/request-params.ts';
import { isValidEmail } from '../services/account-builder.ts';
import { findInbox } from '../services/inbox-lookup.ts';
import { createAgentBot } from '../services/agent-bot-service.ts';

/**
 * Twin-only routes under /__twin/ (no upstream counterpart; documented in README). They need an
 * administrator token of the account, like the upstream admin APIs they stand in for: creating an
 * agent with a usable token (upstream: invite + confirm + sign in), an agent bot connected to
 * inboxes (upstream: agent_bots + set_agent_bot), and suspending an account (super admin).
 */
export function registerTwinControlRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  app.post('/__twin/accounts/:accountId/agents', (c) => {
    const access = authenticateAccount(c, deps, '__twin#agents');
    requireAdministrator(access);
    const params = c.get('params');
    const email = (stringParam(params, 'email') ?? '').trim().toLowerCase();
    const name = stringParam(params, 'name') ?? '';
    const role: Role = stringParam(params, 'role') === 'administrator' ? 'administrator' : 'agent';
    const errors = new ValidationErrors();
    if (name.trim() === '') errors.add('name', "Name can't be blank");
    if (!isValidEmail(email)) errors.add('email', 'Email is invalid');
    else if (deps.state.userByEmail(email)) errors.add('email', 'Email has already been taken');
    errors.throwIfAny();
    const now = deps.now();
    const user: User = {
      id: deps.state.nextId('user'),
      name,
      displayName: null,
      email,
      password: stringParam(params, 'password') ?? deps.random.token(),
      type: null,
      confirmed: true,
      accessToken: deps.random.token(),
      pubsubToken: deps.random.token(),
      availability: 'online',
      createdAt: now,
    };
    deps.state.users.set(user.id, user);
    deps.state.accountUsers.push({ accountId: access.account.id, userId: user.id, role, createdAt: now });
    return c.json({ id: user.id, name: user.name, email: user.email, role, access_token: user.accessToken });
  });

  app.post('/__twin/accounts/:accountId/agent_bots', (c) => {
    const access = authenticateAccount(c, deps, '__twin#agent_bots');
    requireAdministrator(access);
    const params = c.get('params');
    const inboxes = (Array.isArray(params.inbox_ids) ? params.inbox_ids : []).map((id) => findInbox(deps, access, id));
    const bot = createAgentBot(deps, access.account.id, { name: stringParam(params, 'name') ?? 'Bot', description: null, outgoingUrl: null });
    for (const inbox of inboxes) inbox.agentBotId = bot.id;
    return c.json({ id: bot.id, name: bot.name, access_token: bot.accessToken, inbox_ids: inboxes.map((inbox) => inbox.id) });
  });

  app.post('/__twin/accounts/:accountId/status', (c) => {
    const access = authenticateAccount(c, deps, '__twin#status');
    requireAdministrator(access);
    const status = stringParam(c.get('params'), 'status');
    if (status !== 'active' && status !== 'suspended') throw new HttpProblem(422, { error: 'status must be active or suspended' });
    access.account.status = status;
    return c.json({ id: access.account.id, status });
  });

  app.post('/__twin/accounts/:accountId/conversations/:displayId/labels', (c) => {
    const access = authenticateAccount(c, deps, '__twin#labels');
    const displayId = idParam(c.req.param('displayId'));
    const conversation = displayId === undefined ? undefined : deps.state.conversationByDisplayId(access.account.id, displayId);
    if (!conversation) throw new HttpProblem(404, { error: 'Resource could not be found' });
    const labels = c.get('params').labels;
    conversation.labels = Array.isArray(labels) ? labels.map(String) : [];
    return c.json({ payload: conversation.labels });
  });
}
