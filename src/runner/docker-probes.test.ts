import { describe, expect, it } from 'vitest';
import { shortRegistryError } from './docker-probes.ts';

describe('shortRegistryError', () => {
  it('keeps the host and the reason of a DNS failure, not the resolver address', () => {
    expect(
      shortRegistryError(
        '(HTTP code 500) server error - Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host ',
      ),
    ).toBe('registry-1.docker.io: no such host');
  });
  it('shortens anything else to one line', () => {
    expect(shortRegistryError('manifest unknown\nmore')).toBe('manifest unknown');
    expect(shortRegistryError('x'.repeat(300))).toHaveLength(120);
  });
});
