import { isIP } from 'node:net';

/** Internal = an IP literal, a single-label name (a compose service) or a private suffix; else a public domain. */
export type AddressStyle = 'internal' | 'external';

export function addressStyle(url: string): AddressStyle | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
  if (isIP(host) !== 0) return 'internal';
  if (!host.includes('.')) return 'internal';
  if (/\.(local|internal|lan|docker|home|localdomain)$/i.test(host)) return 'internal';
  return 'external';
}

export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** The path of a URL exactly as written (WHATWG URL keeps a leading "//" in the pathname). */
export function pathOf(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** `http://h//chatwoot//webhook/x/` → `http://h/chatwoot/webhook/x/` (slashes collapsed in the path only). */
export function collapseSlashes(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname.replace(/\/{2,}/g, '/')}${parsed.search}`;
  } catch {
    return url;
  }
}
