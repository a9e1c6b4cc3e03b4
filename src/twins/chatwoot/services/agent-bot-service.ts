import type { TwinDeps } from '../twin-context.ts';
import type { AgentBot } from '../twin-state.ts';

export interface AgentBotFields {
  name: string | null;
  description: string | null;
  outgoingUrl: string | null;
}

/** `Current.account.agent_bots.create!`: no required field; the bot gets its own access token (has_secure_token). */
export function createAgentBot(deps: TwinDeps, accountId: number, fields: AgentBotFields): AgentBot {
  const bot: AgentBot = {
    id: deps.state.nextId('agentBot'),
    name: fields.name,
    description: fields.description,
    outgoingUrl: fields.outgoingUrl,
    accountId,
    accessToken: deps.random.token(),
    accessTokenId: deps.state.nextId('accessToken'),
    createdAt: deps.now(),
  };
  deps.state.agentBots.set(bot.id, bot);
  return bot;
}
