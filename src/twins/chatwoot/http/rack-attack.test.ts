import { describe, expect, it } from 'vitest';
import { chatwootThrottleRules, RackAttack, type ThrottleRequest } from './rack-attack.ts';

const search = (accountId: number): ThrottleRequest => ({
  method: 'GET',
  path: `/api/v1/accounts/${accountId}/contacts/search`,
  ip: '127.0.0.1',
  email: () => undefined,
});

describe('RackAttack', () => {
  it('counts per fixed window aligned to the period, per discriminator', () => {
    let now = Date.UTC(2024, 4, 15, 10, 0, 30);
    const rack = new RackAttack(chatwootThrottleRules({ requestsPerMinutePerIp: 3000, contactSearchPerMinute: 2 }), () => now);
    expect([rack.throttled(search(1)), rack.throttled(search(1)), rack.throttled(search(1))]).toEqual([false, false, true]);
    expect(rack.throttled(search(2))).toBe(false);
    // The window is floor(now / 60 s): 30 s later a new minute starts, not 60 s after the first request.
    now += 30_000;
    expect(rack.throttled(search(1))).toBe(false);
  });

  it('throttles sign-in by IP (5 per 5 minutes) and by email (10 per 15 minutes)', () => {
    let now = Date.UTC(2024, 4, 15, 10, 0, 0);
    const rack = new RackAttack(chatwootThrottleRules({ requestsPerMinutePerIp: 3000, contactSearchPerMinute: 5 }), () => now);
    const signIn = (ip: string, email: string): ThrottleRequest => ({ method: 'POST', path: '/auth/sign_in', ip, email: () => email });
    const fromOneIp = Array.from({ length: 6 }, (_, i) => rack.throttled(signIn('10.0.0.1', `u${i}@x.test`)));
    expect(fromOneIp).toEqual([false, false, false, false, false, true]);
    now += 5 * 60_000;
    const oneEmail = Array.from({ length: 11 }, (_, i) => rack.throttled(signIn(`10.0.1.${i}`, ' Same@X.test ')));
    expect(oneEmail.slice(0, 10).every((throttled) => !throttled)).toBe(true);
    expect(oneEmail[10]).toBe(true);
  });

  it('applies the global per-IP limit to every request', () => {
    const rack = new RackAttack(chatwootThrottleRules({ requestsPerMinutePerIp: 2, contactSearchPerMinute: 100 }), () => 0);
    const any = { method: 'GET', path: '/api', ip: '1.2.3.4', email: () => undefined };
    expect([rack.throttled(any), rack.throttled(any), rack.throttled(any)]).toEqual([false, false, true]);
  });
});
