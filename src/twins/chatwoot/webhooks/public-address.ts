import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses SafeFetch (gem ssrf_filter, 4.14.0+) will not connect to: private, loopback, link-local, and the other
 * special-purpose ranges of RFC 6890 (chatwoot-3.10-4.x.md §4.2). Our own list, written from the RFCs.
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP literal is a public unicast address; an IPv4-mapped IPv6 address is judged by its IPv4 part. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return isPublicAddress(mapped[1]!);
  const family = isIP(bare);
  if (family === 0) return false;
  return !NON_PUBLIC.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

export type ResolveAddresses = (host: string) => Promise<string[]>;

/** Every address the host resolves to (an IP literal resolves to itself), as the resolver the fetch uses would. */
export const resolveAddresses: ResolveAddresses = async (host) => {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) !== 0) return [bare];
  return (await lookup(bare, { all: true })).map((entry) => entry.address);
};

/**
 * SafeFetch's check, judged by where the host resolves to, not by how the URL spells it: undefined when the target
 * has a public address, else upstream's error text (measured: "Hostname '127.0.0.1' has no public ip addresses", §M 5).
 */
export async function privateTargetRefusal(url: URL, resolve: ResolveAddresses = resolveAddresses): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = await resolve(host);
  return addresses.some(isPublicAddress) ? undefined : `Hostname '${host}' has no public ip addresses`;
}
