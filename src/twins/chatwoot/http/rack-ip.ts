/** Rack 2.2's trusted proxies (`Rack::Request#trusted_proxy?`): loopback, private ranges, unix sockets. */
const TRUSTED_PROXY = /^127\.0\.0\.1$|^(10|172\.(1[6-9]|2[0-9]|30|31)|192\.168)\.|^::1$|^fd[0-9a-f]{2}:.+|^localhost$|^unix$|^unix:/i;

const split = (header: string | null | undefined) =>
  (header ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

/** Node reports IPv4 peers of a dual-stack socket as `::ffff:a.b.c.d`; Rack sees `a.b.c.d`. */
const unmapped = (address: string) => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');

/**
 * `Rack::Request#ip`, which rack-attack keys its throttles by: a trusted peer (a proxy on loopback or
 * a private network) is looked through via X-Forwarded-For, whose last untrusted entry wins, or its
 * first when every entry is trusted (measured: signups from 127.0.0.1 with different forwarded
 * addresses are throttled separately).
 */
export function rackClientIp(remoteAddress: string, forwardedFor: string | null | undefined): string {
  const remote = unmapped(remoteAddress);
  if (!TRUSTED_PROXY.test(remote)) return remote;
  const forwarded = split(forwardedFor).map(unmapped);
  if (forwarded.length === 0) return remote;
  const untrusted = forwarded.filter((address) => !TRUSTED_PROXY.test(address));
  return untrusted.at(-1) ?? forwarded[0]!;
}
