import { describe, expect, it } from 'vitest';
import { rackClientIp } from './rack-ip.ts';

describe('rackClientIp (Rack::Request#ip)', () => {
  it('is the peer when there is no forwarded header or the peer is not a trusted proxy', () => {
    expect(rackClientIp('127.0.0.1', undefined)).toBe('127.0.0.1');
    expect(rackClientIp('::ffff:127.0.0.1', '')).toBe('127.0.0.1');
    expect(rackClientIp('8.8.8.8', '1.2.3.4')).toBe('8.8.8.8');
  });

  it('looks through a trusted peer: the last untrusted forwarded address, else the first one', () => {
    expect(rackClientIp('127.0.0.1', '1.2.3.4, 10.0.0.2')).toBe('1.2.3.4');
    expect(rackClientIp('127.0.0.1', '5.6.7.8, 1.2.3.4')).toBe('1.2.3.4');
    expect(rackClientIp('127.0.0.1', '10.39.2.1')).toBe('10.39.2.1');
  });
});
