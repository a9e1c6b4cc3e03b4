import type { AgentBot, TwinState, User } from '../twin-state.ts';
import { isoTime } from './time-format.ts';

/** `api/v1/models/_user.json.jbuilder` (profile, sign-in, signup; chatwoot-3.7-3.9.md §3.2). */
export function userJson(state: TwinState, user: User, activeAccountId?: number) {
  const memberships = state.accountsOf(user.id);
  const active = memberships.find((row) => row.accountId === activeAccountId) ?? memberships[0];
  return {
    access_token: user.accessToken,
    account_id: active?.accountId ?? null,
    available_name: user.displayName ?? user.name,
    avatar_url: '',
    confirmed: user.confirmed,
    display_name: user.displayName,
    message_signature: null,
    email: user.email,
    id: user.id,
    inviter_id: null,
    name: user.name,
    provider: 'email',
    pubsub_token: user.pubsubToken,
    role: active?.role ?? null,
    ui_settings: {},
    uid: user.email,
    type: user.type,
    accounts: memberships.map((row) => {
      const account = state.accounts.get(row.accountId);
      return {
        id: row.accountId,
        name: account?.name ?? '',
        status: account?.status ?? 'active',
        active_at: isoTime(row.createdAt),
        role: row.role,
        availability: user.availability,
        // OnlineStatusTracker: no dashboard socket is ever connected to the twin (measured 'offline').
        availability_status: 'offline',
        auto_offline: true,
      };
    }),
  };
}

/**
 * `accounts/create.json.jbuilder` (signup): a smaller user than the profile's, and its `accounts[]`
 * carry `locale` (measured on 3.7.0–3.9.0). `active_at` is null until the dashboard is opened.
 */
export function signupUserJson(state: TwinState, user: User, accountId: number) {
  const membership = state.membership(accountId, user.id);
  return {
    id: user.id,
    provider: 'email',
    uid: user.email,
    name: user.name,
    display_name: user.displayName,
    email: user.email,
    account_id: accountId,
    created_at: isoTime(user.createdAt),
    pubsub_token: user.pubsubToken,
    role: membership?.role ?? null,
    inviter_id: null,
    confirmed: user.confirmed,
    avatar_url: '',
    access_token: user.accessToken,
    accounts: state.accountsOf(user.id).map((row) => {
      const account = state.accounts.get(row.accountId);
      return { id: row.accountId, name: account?.name ?? '', active_at: null, role: row.role, locale: account?.locale ?? 'en' };
    }),
  };
}

/** User#push_event_data. */
export function userPushData(user: User) {
  return {
    id: user.id,
    name: user.name,
    available_name: user.displayName ?? user.name,
    avatar_url: '',
    type: 'user',
    availability_status: 'offline',
    thumbnail: '',
  };
}

/** User#webhook_data. */
export function userWebhookData(user: User) {
  return { id: user.id, name: user.name, email: user.email, type: 'user' };
}

export function agentBotPushData(bot: AgentBot) {
  return { id: bot.id, name: bot.name, avatar_url: '', type: 'agent_bot' };
}

export function agentBotWebhookData(bot: AgentBot) {
  return { id: bot.id, name: bot.name, type: 'agent_bot' };
}
