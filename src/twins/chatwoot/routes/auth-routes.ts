import type { Hono } from 'hono';
import type { TwinContext, TwinDeps, TwinEnv } from '../twin-context.ts';
import { HttpProblem } from '../http/http-problem.ts';
import { requestLocale } from '../http/auth.ts';
import { isBlank, isPlainObject, stringParam } from '../http/request-params.ts';
import { accountException, buildAccount } from '../services/account-builder.ts';
import { signupUserJson, userJson } from '../presenters/user-json.ts';
import type { User } from '../twin-state.ts';

function redirect(c: TwinContext, location: string): Response {
  const absolute = /^https?:\/\//.test(location) ? location : `${new URL(c.req.url).origin}${location}`;
  return new Response(null, { status: 302, headers: { location: absolute, 'content-type': 'text/html; charset=utf-8' } });
}

function deviseAuthHeaders(deps: TwinDeps, user: User): Record<string, string> {
  return {
    'access-token': deps.random.token(),
    'token-type': 'Bearer',
    client: deps.random.token(),
    expiry: String(Math.floor(deps.now() / 1000) + 60 * 60 * 24 * 60),
    uid: user.email,
  };
}

const ONBOARDING_FORM = `<!DOCTYPE html><html><head><title>Chatwoot onboarding</title></head><body>
<form action="/installation/onboarding" method="post">
<input name="user[name]"><input name="user[company]"><input name="user[email]"><input name="user[password]" type="password">
<button type="submit">Finish Setup</button></form></body></html>`;

/**
 * Bootstrap over HTTP (chatwoot-3.7-3.9.md §6 C, D): installation onboarding, devise_token_auth
 * sign-in, and the account signup API.
 */
export function registerAuthRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  app.get('/installation/onboarding', (c) => (deps.state.onboardingPending ? c.html(ONBOARDING_FORM) : redirect(c, '/')));

  // Works once, while the seed's onboarding flag exists; always answers 302 to `/` (errors go to the flash).
  app.post('/installation/onboarding', (c) => {
    if (!deps.state.onboardingPending) return redirect(c, '/');
    const params = c.get('params');
    const user = isPlainObject(params.user) ? params.user : {};
    try {
      buildAccount(deps, {
        accountName: stringParam(user, 'company'),
        userFullName: stringParam(user, 'name'),
        email: stringParam(user, 'email'),
        password: stringParam(user, 'password'),
        locale: requestLocale(c, deps),
        superAdmin: true,
        confirmed: true,
      });
      deps.state.onboardingPending = false;
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      deps.log.info(`Onboarding failed: ${error.message}`, c.get('requestId'));
    }
    return redirect(c, '/');
  });

  app.post('/auth/sign_in', (c) => {
    const params = c.get('params');
    const email = (stringParam(params, 'email') ?? '').trim().toLowerCase();
    const password = stringParam(params, 'password') ?? '';
    const user = deps.state.userByEmail(email);
    if (!user || user.password !== password) {
      return c.json({ success: false, errors: ['Invalid login credentials. Please try again.'] }, 401);
    }
    if (!user.confirmed) {
      return c.json(
        {
          success: false,
          errors: [
            `A confirmation email was sent to your account at '${user.email}'. You must follow the instructions in the email before your account can be activated`,
          ],
        },
        401,
      );
    }
    return c.json({ data: userJson(deps.state, user) }, 200, deviseAuthHeaders(deps, user));
  });

  // profile.getSignIn — 3.7.0: devise_token_auth's 405 (body: its render_new_error, Inference); 3.8.0+:
  // redirect to the login page (Corrections, PR #9022) — on the FRONTEND_URL host (Inference).
  app.get('/auth/sign_in', (c) => {
    if (deps.config.profile.getSignIn === 'method-not-allowed') {
      return c.json({ success: false, errors: ['Use POST /sign_in to sign in. GET is not supported.'] }, 405);
    }
    return redirect(c, `${deps.config.frontendUrl}/app/login?error=access-denied`);
  });

  /**
   * Signup (§6 D, accounts_controller.rb#create): 404 (RoutingError) when ENABLE_ACCOUNT_SIGNUP is
   * false; 403 `{"message"}` when both names are missing (ensure_account_name: one of them is enough)
   * or for AccountBuilder's email checks; 422 for record validations. The account locale is the
   * request locale (`?locale` or a `locale` param, else DEFAULT_LOCALE; §2.4). The answer is
   * `accounts/create.json.jbuilder` with the devise-token-auth headers (measured on 3.7.0–3.9.0). From 4.13.0 (signup
   * verification, PR #13858) the answer is only `{"email"}`, no session, unless CW_API_ONLY_SERVER=true or the
   * installation config says `api_only` (measured on 4.14.2, chatwoot-3.10-4.x.md §M 2); the account is still created (Inference).
   */
  app.post('/api/v1/accounts', (c) => {
    if (deps.config.accountSignup === 'false') {
      deps.log.fatal('ActionController::RoutingError (Not Found):', c.get('requestId'));
      throw new HttpProblem(404, { status: 404, error: 'Not Found' }, 'application/json; charset=UTF-8');
    }
    const params = c.get('params');
    if (isBlank(params.account_name) && isBlank(params.user_full_name)) {
      throw accountException('Invalid, please check the signup paramters and try again');
    }
    const { user, account } = buildAccount(deps, {
      accountName: stringParam(params, 'account_name'),
      userFullName: stringParam(params, 'user_full_name'),
      email: stringParam(params, 'email'),
      password: stringParam(params, 'password'),
      locale: requestLocale(c, deps),
      superAdmin: false,
      confirmed: false,
    });
    const { config } = deps;
    if (config.profile.signupAnswer === 'email-unless-api-only-server' && !config.apiOnlyServer && config.accountSignup !== 'api_only') {
      return c.json({ email: user.email });
    }
    return c.json({ data: signupUserJson(deps.state, user, account.id) }, 200, deviseAuthHeaders(deps, user));
  });
}
