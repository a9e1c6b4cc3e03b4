import { describe, expect, it } from 'vitest';
import { isPublicAddress, privateTargetRefusal } from './public-address.ts';

describe('the SafeFetch private-target check (chatwoot-3.10-4.x.md §4.2)', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.18.0.5', '192.168.1.10', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::5', '::ffff:10.0.0.1'])(
    '%s is not public',
    (address) => expect(isPublicAddress(address)).toBe(false),
  );

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.4.4'])('%s is public', (address) =>
    expect(isPublicAddress(address)).toBe(true),
  );

  it('judges a host by the addresses it resolves to, not by its name (no network: the resolver is given)', async () => {
    const resolver = (table: Record<string, string[]>) => (host: string) => Promise.resolve(table[host] ?? []);
    const lan = resolver({ 'evolution.internal': ['172.18.0.7'], 'n8n.local': ['192.168.0.9', 'fd00::9'], 'mixed.example': ['10.0.0.1', '8.8.8.8'] });
    expect(await privateTargetRefusal(new URL('http://evolution.internal:8080/chatwoot/webhook/x'), lan)).toBe(
      "Hostname 'evolution.internal' has no public ip addresses",
    );
    expect(await privateTargetRefusal(new URL('http://n8n.local/hook'), lan)).toBe("Hostname 'n8n.local' has no public ip addresses");
    expect(await privateTargetRefusal(new URL('http://mixed.example/hook'), lan)).toBeUndefined();
    // An IP literal resolves to itself, the form measured upstream (§M 5).
    expect(await privateTargetRefusal(new URL('http://127.0.0.1:8080/x'))).toBe("Hostname '127.0.0.1' has no public ip addresses");
    expect(await privateTargetRefusal(new URL('http://[::1]:8080/x'))).toBe("Hostname '::1' has no public ip addresses");
  });
});
