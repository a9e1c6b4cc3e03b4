/**
 * Fixed-window throttles as rack-attack counts them: the cache key holds `floor(now / period)`, so a
 * window starts at a multiple of the period, not at the first request.
 */
export interface ThrottleRequest {
  method: string;
  /** Normalised path without a format extension. */
  path: string;
  ip: string;
  /** Only read for the email-keyed sign-in throttle. */
  email: () => string | undefined;
}

export interface ThrottleRule {
  name: string;
  limit: number;
  periodSeconds: number;
  discriminator(request: ThrottleRequest): string | undefined;
}

export class RackAttack {
  private readonly rules: ThrottleRule[];
  private readonly now: () => number;
  private readonly counters = new Map<string, number>();
  private lastPrunedWindow = 0;

  constructor(rules: ThrottleRule[], now: () => number) {
    this.rules = rules;
    this.now = now;
  }

  /** Counts the request against each matching rule in order; true when one is exceeded (rack-attack stops at the first). */
  throttled(request: ThrottleRequest): boolean {
    const nowSeconds = Math.floor(this.now() / 1000);
    this.prune(nowSeconds);
    for (const rule of this.rules) {
      const discriminator = rule.discriminator(request);
      if (discriminator === undefined || discriminator === '') continue;
      const window = Math.floor(nowSeconds / rule.periodSeconds);
      const key = `${rule.name}:${window}:${rule.periodSeconds}:${discriminator}`;
      const count = (this.counters.get(key) ?? 0) + 1;
      this.counters.set(key, count);
      if (count > rule.limit) return true;
    }
    return false;
  }

  private prune(nowSeconds: number): void {
    if (nowSeconds - this.lastPrunedWindow < 60) return;
    this.lastPrunedWindow = nowSeconds;
    for (const key of this.counters.keys()) {
      const [, window, period] = key.split(':');
      if ((Number(window) + 1) * Number(period) < nowSeconds) this.counters.delete(key);
    }
  }
}

export interface ChatwootThrottleSettings {
  requestsPerMinutePerIp: number;
  contactSearchPerMinute: number;
}

const CONTACT_SEARCH_PATH = /^\/api\/v1\/accounts\/(\d+)\/contacts\/search$/;

/** Chatwoot's rack-attack rules that an API client can hit (chatwoot-3.7-3.9.md §3.1, §5, §6 C/D). */
export function chatwootThrottleRules(settings: ChatwootThrottleSettings): ThrottleRule[] {
  const post = (request: ThrottleRequest, path: string) => request.method === 'POST' && request.path === path;
  return [
    { name: 'req/ip', limit: settings.requestsPerMinutePerIp, periodSeconds: 60, discriminator: (r) => r.ip },
    { name: 'login/ip', limit: 5, periodSeconds: 300, discriminator: (r) => (post(r, '/auth/sign_in') ? r.ip : undefined) },
    {
      name: 'login/email',
      limit: 10,
      periodSeconds: 900,
      discriminator: (r) => (post(r, '/auth/sign_in') ? (r.email() ?? '').toLowerCase().replace(/\s+/g, '') : undefined),
    },
    { name: 'accounts/ip', limit: 5, periodSeconds: 1800, discriminator: (r) => (post(r, '/api/v1/accounts') ? r.ip : undefined) },
    {
      name: '/api/v1/accounts/:account_id/contacts/search',
      limit: settings.contactSearchPerMinute,
      periodSeconds: 60,
      discriminator: (r) => CONTACT_SEARCH_PATH.exec(r.path)?.[1],
    },
  ];
}
