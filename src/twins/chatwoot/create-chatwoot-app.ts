import { randomUUID } from 'node:crypto';
import { Hono, type Context, type Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { TwinDeps, TwinEnv } from './twin-context.ts';
import { HttpProblem, STATUS_PHRASES, railsPublicError } from './http/http-problem.ts';
import { chatwootThrottleRules, RackAttack } from './http/rack-attack.ts';
import { railsRequestTime } from './http/rails-log.ts';
import { rackClientIp } from './http/rack-ip.ts';
import { parseQuery, readBodyParams, stringParam, type Params } from './http/request-params.ts';
import { HEALTH_PATHS, registerHealthRoutes } from './routes/health-routes.ts';
import { registerAuthRoutes } from './routes/auth-routes.ts';
import { registerProfileRoutes } from './routes/profile-routes.ts';
import { registerInboxRoutes } from './routes/inbox-routes.ts';
import { registerContactRoutes } from './routes/contact-routes.ts';
import { registerConversationRoutes } from './routes/conversation-routes.ts';
import { registerMessageRoutes } from './routes/message-routes.ts';
import { registerPublicRoutes } from './routes/public-routes.ts';
import { registerActiveStorageRoutes } from './routes/active-storage-routes.ts';
import { registerTwinControlRoutes } from './routes/twin-control-routes.ts';
import { registerCustomAttributeRoutes } from './routes/custom-attribute-routes.ts';
import { registerAccountRoutes } from './routes/account-routes.ts';
import { registerAgentBotRoutes } from './routes/agent-bot-routes.ts';
import { registerPlatformRoutes } from './routes/platform-routes.ts';

/**
 * Rails' router squeezes repeated slashes and ignores a trailing one (chatwoot-3.7-3.9.md §3: the
 * SDK posts to `/inboxes/`); a `.json` format suffix routes like the bare path.
 */
export function normalisePath(rawPath: string): string {
  let path = rawPath.replace(/\/{2,}/g, '/');
  if (path.length > 1) path = path.replace(/\/+$/, '');
  return path.replace(/\.json$/, '') || '/';
}

function wantsJson(request: Request, path: string): boolean {
  const accept = request.headers.get('accept') ?? '';
  return path.startsWith('/api') || path.startsWith('/public/api') || accept.includes('json');
}

function renderProblem(problem: HttpProblem): Response {
  const body = typeof problem.body === 'string' ? problem.body : JSON.stringify(problem.body);
  return new Response(body, { status: problem.status, headers: { 'content-type': problem.contentType } });
}

/** The Chatwoot twin's HTTP surface: middleware in upstream's order, then the routes. */
export function createChatwootApp(deps: TwinDeps): Hono<TwinEnv> {
  const app = new Hono<TwinEnv>({ getPath: (request) => normalisePath(new URL(request.url).pathname) });
  const rackAttack = new RackAttack(
    chatwootThrottleRules({
      requestsPerMinutePerIp: deps.config.rackAttackLimitPerMinute,
      contactSearchPerMinute: deps.config.contactSearchLimitPerMinute,
    }),
    deps.now,
  );

  // Rails::Rack::Logger: "Started …" first, "Completed …" when the app answered.
  app.use('*', async (c: Context<TwinEnv>, next: Next) => {
    const started = deps.now();
    const requestId = randomUUID();
    let peer = '127.0.0.1';
    try {
      peer = getConnInfo(c).remote.address ?? peer;
    } catch {
      // not served by @hono/node-server (app.request in unit tests)
    }
    const ip = rackClientIp(peer, c.req.header('x-forwarded-for'));
    c.set('requestId', requestId);
    c.set('ip', ip);
    c.set('params', parseQuery(new URL(c.req.url).searchParams));
    const url = new URL(c.req.url);
    deps.log.info(`Started ${c.req.method} "${url.pathname}${url.search}" for ${ip} at ${railsRequestTime(started)}`, requestId);
    if (!HEALTH_PATHS.has(normalisePath(url.pathname))) deps.state.dataTouched = true;
    await next();
    // Rails renders JSON as `application/json; charset=utf-8`; only `head` answers (no body) keep the bare type.
    if (c.res.headers.get('content-type') === 'application/json' && c.res.body !== null) {
      c.res.headers.set('content-type', 'application/json; charset=utf-8');
    }
    if (c.get('throttled')) return;
    const status = c.res.status;
    deps.log.info(`Completed ${status} ${STATUS_PHRASES[status] ?? ''} in ${Math.max(0, deps.now() - started)}ms`, requestId);
  });

  app.use(
    '*',
    bodyLimit({
      maxSize: deps.config.maxBodyBytes,
      onError: () => renderProblem(railsPublicError(413)),
    }),
  );

  // Body params (400 on malformed JSON/multipart), merged over the query like Rails' params.
  app.use('*', async (c, next) => {
    const body = await readBodyParams(c.req.raw);
    c.set('params', { ...c.get('params'), ...body } as Params);
    await next();
  });

  // Rack::Attack, active in production unless ENABLE_RACK_ATTACK=false (chatwoot-3.7-3.9.md §3.1, §5).
  app.use('*', async (c, next) => {
    if (deps.config.rackAttack) {
      const throttled = rackAttack.throttled({
        method: c.req.method,
        path: normalisePath(new URL(c.req.url).pathname),
        ip: c.get('ip'),
        email: () => stringParam(c.get('params'), 'email'),
      });
      if (throttled) {
        // rack-attack's default responder: no Retry-After (Corrections), never reaches Rails (no "Completed").
        c.set('throttled', true);
        return new Response('Retry later\n', { status: 429, headers: { 'content-type': 'text/plain' } });
      }
    }
    await next();
  });

  registerHealthRoutes(app, deps);
  registerAuthRoutes(app, deps);
  registerProfileRoutes(app, deps);
  registerAccountRoutes(app, deps);
  registerInboxRoutes(app, deps);
  registerAgentBotRoutes(app, deps);
  registerContactRoutes(app, deps);
  registerConversationRoutes(app, deps);
  registerMessageRoutes(app, deps);
  registerCustomAttributeRoutes(app, deps);
  registerPublicRoutes(app, deps);
  registerActiveStorageRoutes(app, deps);
  registerTwinControlRoutes(app, deps);
  registerPlatformRoutes(app, deps);

  app.notFound((c) => {
    const path = normalisePath(new URL(c.req.url).pathname);
    deps.log.fatal(`ActionController::RoutingError (No route matches [${c.req.method}] "${new URL(c.req.url).pathname}"):`, c.get('requestId'));
    if (wantsJson(c.req.raw, path)) return renderProblem(railsPublicError(404));
    return c.html(
      "<!DOCTYPE html><html><head><title>The page you were looking for doesn't exist (404)</title></head><body><h1>The page you were looking for doesn't exist.</h1></body></html>",
      404,
    );
  });

  app.onError((error, c) => {
    if (error instanceof HttpProblem) return renderProblem(error);
    deps.log.error(`${error.name} (${error.message}):`, c.get('requestId'));
    return renderProblem(railsPublicError(500));
  });

  return app;
}
