/**
 * Route matching with Express 4's default semantics, which Evolution 1.7 runs on:
 * case-insensitive, an optional trailing slash, sub-routers mounted under a prefix
 * (`router.use('/chatwoot', …)`) and URL-decoded `:params`.
 *
 * The mount rule is what makes `/chatwoot//webhook/x` route normally while `//chatwoot/webhook/x`
 * is a 404 (evolution-api-1.7.md, "Verified by running" [ran]): a mount prefix matches
 * `^/chatwoot/?(?=/|$)`, so it swallows at most one extra slash, and the rest is matched as-is.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface RouteDefinition<H> {
  method: HttpMethod;
  /** Express-style path with `:name` params, e.g. `/webhook/:instanceName`. */
  path: string;
  handler: H;
}

export type RouteLookup<H> = { kind: 'matched'; handler: H; params: Record<string, string> } | { kind: 'bad-param'; message: string } | { kind: 'none' };

interface CompiledRoute<H> {
  method: HttpMethod;
  pattern: RegExp;
  paramNames: string[];
  handler: H;
}

interface Mount<H> {
  /** Undefined for routes registered at the root. */
  prefix: RegExp | undefined;
  routes: CompiledRoute<H>[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compilePath(path: string): { pattern: RegExp; paramNames: string[] } {
  const paramNames: string[] = [];
  // path-to-regexp 0.1: a trailing '/' of the route itself becomes the optional one.
  const source = path
    .replace(/\/$/, '')
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        paramNames.push(segment.slice(1));
        return '([^\\/]+?)';
      }
      return escapeRegExp(segment);
    })
    .join('\\/');
  return { pattern: new RegExp(`^${source}\\/?$`, 'i'), paramNames };
}

export class ExpressPathRouter<H> {
  private readonly mounts: Mount<H>[] = [];

  /**
   * Routes of a sub-router mounted at `prefix` (e.g. '/instance'). `extraLeadingSlash`: the sub-router hangs under
   * `router.use('', …)` of an `app.use('/', router)`, as 2.x mounts its integrations, which also routes
   * `//chatwoot/webhook/x` (evolution-api-2.x.md §1.5 [lib-ran]).
   */
  mount(prefix: string, routes: RouteDefinition<H>[], options: { extraLeadingSlash?: boolean } = {}): this {
    const lead = options.extraLeadingSlash ? '\\/?' : '';
    this.mounts.push({
      prefix: new RegExp(`^${lead}${escapeRegExp(prefix)}\\/?(?=\\/|$)`, 'i'),
      routes: routes.map((route) => ({ method: route.method, handler: route.handler, ...compilePath(route.path) })),
    });
    return this;
  }

  /** Routes on the root router (e.g. `GET /`). */
  root(routes: RouteDefinition<H>[]): this {
    this.mounts.push({
      prefix: undefined,
      routes: routes.map((route) => ({ method: route.method, handler: route.handler, ...compilePath(route.path) })),
    });
    return this;
  }

  /** `pathname` is the raw (still percent-encoded) path, without the query. */
  lookup(method: string, pathname: string): RouteLookup<H> {
    const wanted = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    for (const mount of this.mounts) {
      let rest = pathname;
      if (mount.prefix) {
        const prefixMatch = mount.prefix.exec(pathname);
        if (!prefixMatch) continue;
        rest = pathname.slice(prefixMatch[0].length);
        if (!rest.startsWith('/')) rest = `/${rest}`;
      }
      for (const route of mount.routes) {
        if (route.method !== wanted) continue;
        const match = route.pattern.exec(rest);
        if (!match) continue;
        const params: Record<string, string> = {};
        for (const [index, name] of route.paramNames.entries()) {
          const raw = match[index + 1] ?? '';
          try {
            params[name] = decodeURIComponent(raw);
          } catch {
            return { kind: 'bad-param', message: `Failed to decode param '${raw}'` };
          }
        }
        return { kind: 'matched', handler: route.handler, params };
      }
    }
    return { kind: 'none' };
  }
}
