import type { Hono } from 'hono';
import type { TwinContext, TwinDeps, TwinEnv } from '../twin-context.ts';
import { authenticateAccount, requireAdministrator } from '../http/auth.ts';
import { headOk, notFound, ValidationErrors } from '../http/http-problem.ts';
import { idParam, stringParam, type Params } from '../http/request-params.ts';
import { agentBotJson } from '../presenters/agent-bot-json.ts';
import { createAgentBot } from '../services/agent-bot-service.ts';
import { stringColumnErrors } from '../services/column-length.ts';
import type { AgentBot } from '../twin-state.ts';

function fieldErrors(params: Params): void {
  const errors = new ValidationErrors();
  stringColumnErrors(errors, [
    ['name', 'Name', stringParam(params, 'name')],
    ['outgoing_url', 'Outgoing url', stringParam(params, 'outgoing_url')],
  ]);
  errors.throwIfAny();
}

/**
 * `…/agent_bots` (Api::V1::Accounts::AgentBotsController): create answers the bot with its own
 * `access_token`, which then authenticates like a user token but only on BOT_ACCESSIBLE_ENDPOINTS
 * and only in accounts where the bot is connected to an inbox (set_agent_bot; §2.2).
 */
export function registerAgentBotRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  const base = '/api/v1/accounts/:accountId/agent_bots';
  const find = (c: TwinContext, accountId: number): AgentBot => {
    const id = idParam(c.req.param('botId'));
    const bot = id === undefined ? undefined : deps.state.agentBots.get(id);
    if (!bot || bot.accountId !== accountId) throw notFound();
    return bot;
  };

  app.get(base, (c) => {
    const access = authenticateAccount(c, deps, 'agent_bots#index');
    const bots = [...deps.state.agentBots.values()].filter((bot) => bot.accountId === access.account.id);
    return c.json(bots.map((bot) => agentBotJson(bot, access.account.id)));
  });

  app.post(base, (c) => {
    const access = authenticateAccount(c, deps, 'agent_bots#create');
    requireAdministrator(access);
    const params = c.get('params');
    fieldErrors(params);
    const bot = createAgentBot(deps, access.account.id, {
      name: stringParam(params, 'name') ?? null,
      description: stringParam(params, 'description') ?? null,
      outgoingUrl: stringParam(params, 'outgoing_url') ?? null,
    });
    return c.json(agentBotJson(bot, access.account.id));
  });

  app.get(`${base}/:botId`, (c) => {
    const access = authenticateAccount(c, deps, 'agent_bots#show');
    return c.json(agentBotJson(find(c, access.account.id), access.account.id));
  });

  const update = (c: TwinContext) => {
    const access = authenticateAccount(c, deps, 'agent_bots#update');
    requireAdministrator(access);
    const bot = find(c, access.account.id);
    const params = c.get('params');
    fieldErrors(params);
    const has = (key: string) => Object.prototype.hasOwnProperty.call(params, key);
    if (has('name')) bot.name = stringParam(params, 'name') ?? null;
    if (has('description')) bot.description = stringParam(params, 'description') ?? null;
    if (has('outgoing_url')) bot.outgoingUrl = stringParam(params, 'outgoing_url') ?? null;
    return c.json(agentBotJson(bot, access.account.id));
  };
  app.patch(`${base}/:botId`, update);
  app.put(`${base}/:botId`, update);

  app.delete(`${base}/:botId`, (c) => {
    const access = authenticateAccount(c, deps, 'agent_bots#destroy');
    requireAdministrator(access);
    const bot = find(c, access.account.id);
    for (const inbox of deps.state.inboxes.values()) if (inbox.agentBotId === bot.id) inbox.agentBotId = null;
    deps.state.agentBots.delete(bot.id);
    return headOk();
  });
}
