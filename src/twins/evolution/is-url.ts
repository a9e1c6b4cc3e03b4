import { isIP } from 'node:net';

export interface IsUrlOptions {
  /** validator.js `require_tld`; Evolution passes false for Chatwoot and webhook URLs (§2.3). */
  requireTld: boolean;
}

const PROTOCOLS = ['http', 'https', 'ftp'];

function isHostname(host: string, requireTld: boolean): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  const labels = name.split('.');
  if (requireTld) {
    const tld = labels[labels.length - 1] ?? '';
    if (labels.length < 2 || !/^([a-z\u00a1-\uffff]{2,}|xn[a-z0-9-]{2,})$/i.test(tld) || /\s/.test(tld)) return false;
  }
  return labels.every(
    (label) =>
      label.length > 0 &&
      label.length <= 63 &&
      /^[a-z_\u00a1-\uffff0-9-]+$/i.test(label) &&
      !label.startsWith('-') &&
      !label.endsWith('-') &&
      !label.includes('_'),
  );
}

/**
 * The URL check Evolution uses (validator.js `isURL` with default options apart from `require_tld`):
 * protocol optional but, when present, one of http/https/ftp; host a hostname or an IP; optional
 * port 1-65535. So `http://chatwoot:3000` passes with `requireTld:false` and fails with the default.
 */
export function isUrl(input: unknown, options: IsUrlOptions): boolean {
  if (typeof input !== 'string' || input.length === 0 || input.length >= 2083) return false;
  if (/[\s<>]/.test(input) || input.toLowerCase().startsWith('mailto:')) return false;
  let rest = input.split('#')[0]!.split('?')[0]!;
  const protocolSplit = rest.split('://');
  if (protocolSplit.length > 1) {
    const protocol = protocolSplit.shift()!.toLowerCase();
    if (!PROTOCOLS.includes(protocol)) return false;
    rest = protocolSplit.join('://');
  } else if (rest.startsWith('//')) {
    return false;
  }
  if (rest === '') return false;
  const hostAndAuth = rest.split('/')[0]!;
  if (hostAndAuth === '') return false;
  const at = hostAndAuth.lastIndexOf('@');
  const hostPort = at >= 0 ? hostAndAuth.slice(at + 1) : hostAndAuth;
  if (at >= 0 && hostAndAuth.slice(0, at).split(':').length > 2) return false;
  let host = hostPort;
  let port: string | undefined;
  const ipv6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort);
  if (ipv6) {
    host = ipv6[1]!;
    port = ipv6[2];
    if (isIP(host) !== 6) return false;
  } else {
    const colon = hostPort.lastIndexOf(':');
    if (colon >= 0) {
      host = hostPort.slice(0, colon);
      port = hostPort.slice(colon + 1);
      if (port === '') return false;
    }
  }
  if (port !== undefined) {
    if (!/^\d+$/.test(port)) return false;
    const value = Number(port);
    if (value <= 0 || value > 65535) return false;
  }
  if (host === '') return false;
  if (isIP(host) !== 0) return true;
  return isHostname(host, options.requireTld);
}
