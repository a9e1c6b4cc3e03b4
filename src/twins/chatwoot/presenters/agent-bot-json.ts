import type { AgentBot } from '../twin-state.ts';
import { isoTime } from './time-format.ts';

/** The `_agent_bot.json.jbuilder` partial's fields before `access_token`, which its two callers render differently. */
function agentBotFields(bot: AgentBot) {
  return {
    id: bot.id,
    name: bot.name,
    description: bot.description,
    outgoing_url: bot.outgoingUrl,
    bot_type: 'webhook',
    bot_config: {},
    account_id: bot.accountId,
  };
}

/** `api/v1/models/_agent_bot.json.jbuilder` through AgentBotPresenter: the token only for the bot's own account. */
export function agentBotJson(bot: AgentBot, currentAccountId: number) {
  return {
    ...agentBotFields(bot),
    ...(bot.accountId === currentAccountId ? { access_token: bot.accessToken } : {}),
  };
}

/** `inboxes/agent_bot.json.jbuilder` renders the partial without the presenter: `access_token` is the raw row (measured). */
export function agentBotInboxJson(bot: AgentBot) {
  return {
    ...agentBotFields(bot),
    access_token: {
      id: bot.accessTokenId,
      owner_type: 'AgentBot',
      owner_id: bot.id,
      token: bot.accessToken,
      created_at: isoTime(bot.createdAt),
      updated_at: isoTime(bot.createdAt),
    },
  };
}
