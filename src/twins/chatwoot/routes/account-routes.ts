import type { Hono } from 'hono';
import type { TwinContext, TwinDeps, TwinEnv } from '../twin-context.ts';
import type { Account, User } from '../twin-state.ts';
import { authenticateUser } from '../http/auth.ts';
import { notAuthorizedAction, notFound, railsPublicError, ValidationErrors } from '../http/http-problem.ts';
import { idParam, stringParam, type Params } from '../http/request-params.ts';
import { isAvailableLocale } from '../locales.ts';
import { accountJson, accountShowJson } from '../presenters/account-json.ts';
import { stringColumnErrors } from '../services/column-length.ts';
import { jsString } from '../../js-string.ts';

/**
 * AccountsController#fetch_account: `current_user.accounts.find(params[:id])`, so a non-member gets
 * 404, not 401 (Corrections: accounts_controller_spec).
 */
function memberAccount(c: TwinContext, deps: TwinDeps, user: User): Account {
  const accountId = idParam(c.req.param('accountId'));
  const account = accountId === undefined ? undefined : deps.state.accounts.get(accountId);
  if (!account || !deps.state.membership(account.id, user.id)) throw notFound();
  return account;
}

/** `account_params.slice(:name, :locale, :domain, :support_email, :auto_resolve_duration)` plus the merged custom attributes. */
function applyAccountParams(account: Account, params: Params): void {
  const has = (key: string) => Object.prototype.hasOwnProperty.call(params, key);
  const locale = stringParam(params, 'locale');
  // Rails enum assignment of an unknown locale raises ArgumentError ("'xx' is not a valid locale"): 500 (measured).
  if (has('locale') && (locale === undefined || !isAvailableLocale(locale))) throw railsPublicError(500);
  const name = has('name') ? (stringParam(params, 'name') ?? '') : account.name;
  const domain = has('domain') ? (stringParam(params, 'domain') ?? null) : account.domain;
  const supportEmail = has('support_email') ? (stringParam(params, 'support_email') ?? null) : account.supportEmail;
  const errors = new ValidationErrors();
  stringColumnErrors(errors, [
    ['name', 'Name', name],
    ['domain', 'Domain', domain],
    ['support_email', 'Support email', supportEmail],
  ]);
  errors.throwIfAny();
  account.name = name;
  account.domain = domain;
  account.supportEmail = supportEmail;
  if (locale !== undefined) account.locale = locale;
  if (has('auto_resolve_duration')) {
    const duration = Number.parseInt(jsString(params.auto_resolve_duration ?? ''), 10);
    account.autoResolveDuration = Number.isFinite(duration) ? duration : null;
  }
  for (const key of ['industry', 'company_size', 'timezone']) {
    if (has(key)) account.customAttributes = { ...account.customAttributes, [key]: params[key] ?? null };
  }
}

/** `GET`/`PATCH`/`PUT /api/v1/accounts/{id}` (accounts_controller.rb, `_account.json.jbuilder`). */
export function registerAccountRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  app.get('/api/v1/accounts/:accountId', (c) => {
    const user = authenticateUser(c, deps, 'accounts#show');
    return c.json(accountShowJson(memberAccount(c, deps, user), deps.config.profile));
  });

  // AccountPolicy#update?: administrators only; a later filter 422 follows the new locale (§2.4).
  const update = (c: TwinContext) => {
    const user = authenticateUser(c, deps, 'accounts#update');
    const account = memberAccount(c, deps, user);
    if (deps.state.membership(account.id, user.id)?.role !== 'administrator') throw notAuthorizedAction();
    applyAccountParams(account, c.get('params'));
    return c.json(accountJson(account));
  };
  app.patch('/api/v1/accounts/:accountId', update);
  app.put('/api/v1/accounts/:accountId', update);
}
