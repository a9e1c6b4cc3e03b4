import type { Hono } from 'hono';
import type { TwinContext, TwinDeps, TwinEnv } from '../twin-context.ts';
import type { Account, Role, User } from '../twin-state.ts';
import { headOk, HttpProblem, railsPublicError, ValidationErrors } from '../http/http-problem.ts';
import { idParam, stringParam } from '../http/request-params.ts';
import { isAvailableLocale } from '../locales.ts';
import { isoTime } from '../presenters/time-format.ts';
import { isValidEmail, passwordErrors } from '../services/account-builder.ts';
import { stringColumnErrors } from '../services/column-length.ts';

const unauthorized = (error: string) => new HttpProblem(401, { error });

/**
 * PlatformController: the token of a PlatformApp in `api_access_token` (chatwoot-3.7-3.9.md §6 B), else 401
 * "Invalid access_token"; a row the app did not create is 401 "Non permissible resource". The twin's one
 * PlatformApp is the one TWIN_PLATFORM_TOKEN presets (upstream: a super admin creates it, or `rails runner`).
 */
function authenticatePlatform(c: TwinContext, deps: TwinDeps): void {
  const token = c.req.header('api_access_token') ?? c.req.header('api-access-token');
  if (deps.config.platformToken === undefined || token !== deps.config.platformToken) throw unauthorized('Invalid access_token');
}

function permissible(deps: TwinDeps, kind: 'account' | 'user', id: number | undefined): number {
  if (id === undefined) throw railsPublicError(404);
  const exists = kind === 'account' ? deps.state.accounts.has(id) : deps.state.users.has(id);
  if (!exists) throw new HttpProblem(404, { error: 'Resource could not be found' });
  if (!deps.state.platformResources.has(`${kind}:${id}`)) throw unauthorized('Non permissible resource');
  return id;
}

/** `platform/api/v1/models/_account.json.jbuilder`; fields beyond id/name/locale are Unverified. */
function platformAccountJson(account: Account) {
  return { id: account.id, name: account.name, locale: account.locale, domain: account.domain, support_email: account.supportEmail, status: account.status };
}

/** `platform/api/v1/models/_user.json.jbuilder`: the confirmed user with its `access_token` (§6 B); other fields Unverified. */
function platformUserJson(deps: TwinDeps, user: User) {
  return {
    id: user.id,
    name: user.name,
    display_name: user.displayName,
    email: user.email,
    uid: user.email,
    confirmed: user.confirmed,
    custom_attributes: {},
    access_token: user.accessToken,
    created_at: isoTime(user.createdAt),
    accounts: deps.state.accountsOf(user.id).map((row) => ({ id: row.accountId, role: row.role })),
  };
}

/**
 * The Platform API (`/platform/api/v1`, every profile; measured provisioning working tokens on 3.8.0 and 4.14.2,
 * chatwoot-3.10-4.x.md issue notes): accounts create/show/delete, users create (confirmed, with `access_token`),
 * account_users create. What the harness bootstraps every cell's account with, on twin and real image alike.
 */
export function registerPlatformRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  const base = '/platform/api/v1';

  app.post(`${base}/accounts`, (c) => {
    authenticatePlatform(c, deps);
    const params = c.get('params');
    const name = stringParam(params, 'name') ?? '';
    const locale = stringParam(params, 'locale') ?? 'en';
    // Rails enum assignment of an unknown locale raises ArgumentError: 500 (as accounts#update, measured).
    if (!isAvailableLocale(locale)) throw railsPublicError(500);
    const errors = new ValidationErrors();
    stringColumnErrors(errors, [['name', 'Name', name]]);
    errors.throwIfAny();
    const account: Account = {
      id: deps.state.nextId('account'),
      name,
      locale,
      status: 'active',
      createdAt: deps.now(),
      nextDisplayId: 1,
      autoResolveDuration: null,
      domain: null,
      supportEmail: null,
      customAttributes: {},
    };
    deps.state.accounts.set(account.id, account);
    deps.state.platformResources.add(`account:${account.id}`);
    return c.json(platformAccountJson(account));
  });

  app.get(`${base}/accounts/:accountId`, (c) => {
    authenticatePlatform(c, deps);
    const id = permissible(deps, 'account', idParam(c.req.param('accountId')));
    return c.json(platformAccountJson(deps.state.accounts.get(id)!));
  });

  // DeleteObjectJob runs later upstream; the twin removes the account and its memberships at once (Inference: head :ok).
  app.delete(`${base}/accounts/:accountId`, (c) => {
    authenticatePlatform(c, deps);
    const id = permissible(deps, 'account', idParam(c.req.param('accountId')));
    deps.state.accounts.delete(id);
    deps.state.platformResources.delete(`account:${id}`);
    for (let i = deps.state.accountUsers.length - 1; i >= 0; i--) if (deps.state.accountUsers[i]!.accountId === id) deps.state.accountUsers.splice(i, 1);
    return headOk();
  });

  app.post(`${base}/users`, (c) => {
    authenticatePlatform(c, deps);
    const params = c.get('params');
    const email = (stringParam(params, 'email') ?? '').trim().toLowerCase();
    const name = stringParam(params, 'name') ?? '';
    const password = stringParam(params, 'password');
    const errors = new ValidationErrors();
    stringColumnErrors(errors, [
      ['name', 'Name', name],
      ['email', 'Email', email],
    ]);
    if (name.trim() === '') errors.add('name', "Name can't be blank");
    if (!isValidEmail(email)) errors.add('email', 'Email is invalid');
    else if (deps.state.userByEmail(email)) errors.add('email', 'Email has already been taken');
    passwordErrors(password, undefined, errors);
    errors.throwIfAny();
    const user: User = {
      id: deps.state.nextId('user'),
      name,
      displayName: null,
      email,
      password: password ?? '',
      type: null,
      // users#create calls skip_confirmation!: the token works at once (§6 B).
      confirmed: true,
      accessToken: deps.random.token(),
      pubsubToken: deps.random.token(),
      availability: 'online',
      createdAt: deps.now(),
    };
    deps.state.users.set(user.id, user);
    deps.state.platformResources.add(`user:${user.id}`);
    return c.json(platformUserJson(deps, user));
  });

  // Inference (routes.rb `platform … resources :users, only: [:create, :show, :update, :destroy]`, not in the sheets).
  app.get(`${base}/users/:userId`, (c) => {
    authenticatePlatform(c, deps);
    const id = permissible(deps, 'user', idParam(c.req.param('userId')));
    return c.json(platformUserJson(deps, deps.state.users.get(id)!));
  });

  // The user and its memberships go at once; upstream a DeleteObjectJob does it later (Inference, as above).
  app.delete(`${base}/users/:userId`, (c) => {
    authenticatePlatform(c, deps);
    const id = permissible(deps, 'user', idParam(c.req.param('userId')));
    deps.state.users.delete(id);
    deps.state.platformResources.delete(`user:${id}`);
    for (let i = deps.state.accountUsers.length - 1; i >= 0; i--) if (deps.state.accountUsers[i]!.userId === id) deps.state.accountUsers.splice(i, 1);
    return headOk();
  });

  app.post(`${base}/accounts/:accountId/account_users`, (c) => {
    authenticatePlatform(c, deps);
    const accountId = permissible(deps, 'account', idParam(c.req.param('accountId')));
    const params = c.get('params');
    const userId = idParam(params.user_id);
    const user = userId === undefined ? undefined : deps.state.users.get(userId);
    if (!user) throw new HttpProblem(404, { error: 'Resource could not be found' });
    const roleParam = stringParam(params, 'role') ?? 'agent';
    if (roleParam !== 'agent' && roleParam !== 'administrator') throw new HttpProblem(422, { error: `'${roleParam}' is not a valid role` });
    const role: Role = roleParam;
    const existing = deps.state.membership(accountId, user.id);
    if (existing) existing.role = role;
    else deps.state.accountUsers.push({ accountId, userId: user.id, role, createdAt: deps.now() });
    return c.json({ account_id: accountId, user_id: user.id, role });
  });
}
