import type { TwinContext, TwinDeps } from '../twin-context.ts';
import type { Account, AgentBot, Role, User } from '../twin-state.ts';
import { isAvailableLocale, textsFor } from '../locales.ts';
import { HttpProblem, notAuthorizedAction, notFound } from './http-problem.ts';
import { idParam, stringParam } from './request-params.ts';

export type Principal = { kind: 'user'; user: User } | { kind: 'bot'; bot: AgentBot };

export interface AccountAccess {
  principal: Principal;
  account: Account;
  /** The user's role in the account; undefined for bots. */
  role: Role | undefined;
}

/**
 * Controller actions agent-bot tokens may call (BOT_ACCESSIBLE_ENDPOINTS, chatwoot-3.7-3.9.md §2.2).
 * Everything else answers 401 "Access to this endpoint is not authorized for bots".
 */
const BOT_ACCESSIBLE_ENDPOINTS = new Set([
  'conversations#toggle_status',
  'conversations#toggle_priority',
  'conversations#create',
  'conversations#update',
  'messages#create',
  'assignments#create',
]);

/**
 * The token from header `api_access_token`: Rack turns both `api_access_token` and
 * `Api-Access-Token` into HTTP_API_ACCESS_TOKEN, so names match case-insensitively with `_` and `-`
 * alike. `Authorization: Bearer` is never read (§2.1).
 */
export function readAccessToken(headers: Headers): string | undefined {
  let token: string | undefined;
  headers.forEach((value, name) => {
    if (token === undefined && name.toLowerCase().replace(/_/g, '-') === 'api-access-token') token = value;
  });
  return token;
}

/** switch_locale (§2.4): params[:locale], else DEFAULT_LOCALE, else en. Unknown locales fall back. */
export function requestLocale(c: TwinContext, deps: TwinDeps): string {
  const requested = stringParam(c.get('params'), 'locale');
  if (requested !== undefined && isAvailableLocale(requested)) return requested;
  return isAvailableLocale(deps.config.defaultLocale) ? deps.config.defaultLocale : 'en';
}

/** devise_token_auth's authenticate error (§2.3): note `errors` is an array. */
function unauthenticated(c: TwinContext, deps: TwinDeps): HttpProblem {
  return new HttpProblem(401, { errors: [textsFor(requestLocale(c, deps)).unauthenticated] });
}

/** Api::BaseController's token authentication plus the bot whitelist. */
export function authenticate(c: TwinContext, deps: TwinDeps, endpoint: string): Principal {
  const token = readAccessToken(c.req.raw.headers);
  if (token === undefined || token.trim() === '') throw unauthenticated(c, deps);
  const user = deps.state.userByToken(token);
  if (user) return { kind: 'user', user };
  const bot = deps.state.botByToken(token);
  if (!bot) throw new HttpProblem(401, { error: 'Invalid Access Token' });
  if (!BOT_ACCESSIBLE_ENDPOINTS.has(endpoint)) throw new HttpProblem(401, { error: 'Access to this endpoint is not authorized for bots' });
  return { kind: 'bot', bot };
}

/** Same, for endpoints only users may call (profile, sign-in-scoped pages). */
export function authenticateUser(c: TwinContext, deps: TwinDeps, endpoint: string): User {
  const principal = authenticate(c, deps, endpoint);
  if (principal.kind !== 'user') throw new HttpProblem(401, { error: 'Access to this endpoint is not authorized for bots' });
  return principal.user;
}

/**
 * Api::V1::Accounts::BaseController: authenticate, then Account.find (404), then suspended, then
 * membership (401, never 403) — §2.3.
 */
export function authenticateAccount(c: TwinContext, deps: TwinDeps, endpoint: string): AccountAccess {
  const principal = authenticate(c, deps, endpoint);
  const accountId = idParam(c.req.param('accountId'));
  const account = accountId === undefined ? undefined : deps.state.accounts.get(accountId);
  if (!account) throw notFound();
  if (account.status === 'suspended') throw new HttpProblem(401, { error: 'Account is suspended' });
  if (principal.kind === 'user') {
    const membership = deps.state.membership(account.id, principal.user.id);
    if (!membership) throw new HttpProblem(401, { error: 'You are not authorized to access this account' });
    return { principal, account, role: membership.role };
  }
  const botInAccount = deps.state.inboxesOf(account.id).some((inbox) => inbox.agentBotId === principal.bot.id);
  if (!botInAccount) throw new HttpProblem(401, { error: 'Bot is not authorized to access this account' });
  return { principal, account, role: undefined };
}

export function requireAdministrator(access: AccountAccess): void {
  if (access.role !== 'administrator') throw notAuthorizedAction();
}

/** Inboxes the caller may see: administrators and bots all, agents only their assigned ones (InboxPolicy::Scope). */
export function visibleInboxIds(deps: TwinDeps, access: AccountAccess): Set<number> {
  const inboxes = deps.state.inboxesOf(access.account.id);
  if (access.role === 'agent' && access.principal.kind === 'user') {
    const userId = access.principal.user.id;
    return new Set(inboxes.filter((inbox) => inbox.memberIds.has(userId)).map((inbox) => inbox.id));
  }
  return new Set(inboxes.map((inbox) => inbox.id));
}

export function actingUserId(access: AccountAccess): number | undefined {
  return access.principal.kind === 'user' ? access.principal.user.id : undefined;
}
