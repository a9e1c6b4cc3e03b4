import { request } from 'undici';
import type { Redactor } from '../../common/redact.ts';
import { ConfigError, ErrorCodes, ExitCodes, HarnessError, InfrastructureError, UsageError } from '../../errors/index.ts';
import { CHATWOOT_VERSIONS, type ChatwootVersion } from '../../model/axes.ts';
import { isChatwootVersion } from '../../model/chatwoot-profiles.ts';
import { PLATFORM_TOKEN_ENV } from './attach-credentials.ts';

export { PLATFORM_TOKEN_ENV };

/** A running Chatwoot the suites run against (`--chatwoot-url`), checked: it answers, its token is a PlatformApp's, its version has a profile. */
export interface AttachedChatwoot {
  /** Base URL without a trailing slash, as this machine reaches it (no credentials, no query). */
  url: string;
  /** The access token of a PlatformApp of that server. Secret. */
  platformToken: string;
  /** What `GET /api` said. */
  reportedVersion: string;
  /** The profile the cells run under: the reported version, or `--as-version`. */
  profile: ChatwootVersion;
  /** True when `--as-version` chose the profile (a fork's version string, a release without a profile). */
  asVersion: boolean;
  /** `--advertise-host`: the address put into the URLs the attached Chatwoot calls back (webhooks); undefined: 127.0.0.1. */
  advertiseHost: string | undefined;
}

export interface AttachRequest {
  chatwootUrl: string;
  asVersion?: string | undefined;
  advertiseHost?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** The token as resolveAttachCredentials found it (env, then --config); without it, the env's. */
  platformToken?: string | undefined;
  /** Where a token is looked for, for messages (`EVOCHAT_CHATWOOT_PLATFORM_TOKEN or platformToken in creds.json`). */
  tokenSource?: string;
  redactor: Redactor;
  /** Per request (GET /api, the token check). */
  timeoutMs?: number;
}

/** One line that says what the attached Chatwoot is, for every report ("attached: Chatwoot 3.8.0 at https://…"). */
export function attachedLabel(attached: Pick<AttachedChatwoot, 'url' | 'reportedVersion' | 'profile' | 'asVersion'>): string {
  const mapped = attached.asVersion ? ` (run as profile ${attached.profile}, --as-version)` : '';
  return `attached: Chatwoot ${attached.reportedVersion} at ${attached.url}${mapped}`;
}

/** The URL as given, checked: http(s), a host, no user name or password in it (exit 2, the credentials never echoed). */
export function checkAttachUrl(raw: string, flag = '--chatwoot-url', secretGoes = `the PlatformApp token goes in ${PLATFORM_TOKEN_ENV}`): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(`${flag}: expected an http(s) URL such as https://chat.example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag}: expected an http(s) URL, got ${url.protocol}//`);
  if (url.username !== '' || url.password !== '') {
    throw new HarnessError(
      ErrorCodes.attachUrlCredentials,
      ExitCodes.usage,
      `${flag}: the URL carries credentials (user${url.password ? ' and password' : ''} before @)`,
      {
        hint: `give the URL without them (${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}); ${secretGoes}`,
      },
    );
  }
  if (url.search !== '' || url.hash !== '') throw new UsageError(`${flag}: give the base URL without a query or fragment`);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** `--advertise-host`: a host name or IP literal, nothing else (it goes into URLs). */
export function checkAdvertiseHost(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const host = raw.trim();
  if (!/^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?)$/.test(host)) {
    throw new UsageError(`--advertise-host: expected a host name or IP address of this machine as the attached Chatwoot reaches it, e.g. 10.0.0.5`);
  }
  return host;
}

/** The profile a reported version runs under: exact, or `--as-version` (which must name a profile). */
export function chooseProfile(reported: string, asVersion: string | undefined): { profile: ChatwootVersion; asVersion: boolean } {
  const known = CHATWOOT_VERSIONS.join(', ');
  if (asVersion !== undefined) {
    if (!isChatwootVersion(asVersion)) {
      throw new HarnessError(ErrorCodes.attachUnknownVersion, ExitCodes.usage, `--as-version ${asVersion.slice(0, 40)}: no such profile (known: ${known})`);
    }
    return { profile: asVersion, asVersion: asVersion !== reported };
  }
  if (isChatwootVersion(reported)) return { profile: reported, asVersion: false };
  throw new HarnessError(
    ErrorCodes.attachUnknownVersion,
    ExitCodes.usage,
    `the attached Chatwoot says it is version ${reported.slice(0, 60)}, which matches no profile`,
    {
      details: { reported, known: [...CHATWOOT_VERSIONS] },
      hint: `map it onto the profile it behaves like with --as-version <one of ${known}>; the reports then say so`,
    },
  );
}

export async function getText(url: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; text: string }> {
  const response = await request(url, {
    method: 'GET',
    headers: { accept: 'application/json', 'user-agent': 'evochat-matrix-attach', ...headers },
    signal: AbortSignal.timeout(timeoutMs),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  return { status: response.statusCode, text: await response.body.text() };
}

/** Node's codes for a certificate that did not verify (tls / OpenSSL X509_V_ERR_* names). */
const TLS_VERIFY_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * A transport failure that is an https certificate which did not verify: one named error (exit 2) with the fix, never an
 * offer to skip the check. Undefined for any other failure.
 */
export function tlsVerifyError(error: unknown, url: string, what: string): HarnessError | undefined {
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.code !== undefined && TLS_VERIFY_CODES.has(err.code) ? err.code : err.cause?.code;
  if (code === undefined || !TLS_VERIFY_CODES.has(code)) return undefined;
  const detail = (err.code === code ? err.message : err.cause?.message) ?? code;
  return new HarnessError(ErrorCodes.attachTls, ExitCodes.usage, `${what} at ${url}: its TLS certificate did not verify (${code}: ${detail})`, {
    hint:
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? 'the certificate does not carry the host name of the URL: use the name it was issued for'
        : 'signed by a private CA? trust it for this run: NODE_EXTRA_CA_CERTS=/path/to/ca.pem npm run …',
  });
}

export function transportReason(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = err.code ?? err.cause?.code;
  return code ? `${code}` : (err.message ?? String(error));
}

/**
 * Checks an attached Chatwoot before anything is created on it: the URL (no credentials), the token (from the env),
 * `GET /api` (its version; chatwoot-3.7-3.9.md §5: no auth, always 200), the profile, and that the token is a
 * PlatformApp's: `GET /platform/api/v1/accounts/0` reads nothing (no account 0) and answers 404 to a PlatformApp
 * token, 401 "Invalid access_token" to anything else (§6 B), a user's access token included.
 */
export async function connectAttachedChatwoot(input: AttachRequest): Promise<AttachedChatwoot> {
  const url = checkAttachUrl(input.chatwootUrl);
  const advertiseHost = checkAdvertiseHost(input.advertiseHost);
  const platformToken = (input.platformToken ?? input.env[PLATFORM_TOKEN_ENV])?.trim();
  const tokenSource = input.tokenSource ?? PLATFORM_TOKEN_ENV;
  if (!platformToken) {
    throw new UsageError(`--chatwoot-url needs the attached Chatwoot's PlatformApp token in ${tokenSource}`, {
      hint: 'a super admin creates a Platform App (super admin → Applications → Platform Apps) and gives you its access token',
    });
  }
  input.redactor.add(platformToken);
  const timeoutMs = input.timeoutMs ?? 10_000;

  let api: { status: number; text: string };
  try {
    api = await getText(`${url}/api`, {}, timeoutMs);
  } catch (error) {
    const tls = tlsVerifyError(error, url, 'the attached Chatwoot');
    if (tls) throw tls;
    throw new InfrastructureError(
      ErrorCodes.attachUnreachable,
      `the attached Chatwoot at ${url} did not answer GET /api: ${transportReason(error, timeoutMs)}`,
      {
        hint: 'check the URL and that this machine reaches it (curl <url>/api)',
      },
    );
  }
  let reported: unknown;
  try {
    reported = (JSON.parse(api.text) as { version?: unknown }).version;
  } catch {
    reported = undefined;
  }
  if (api.status !== 200 || typeof reported !== 'string' || reported === '') {
    throw new InfrastructureError(
      ErrorCodes.attachUnreachable,
      `${url}/api answered ${api.status} without a Chatwoot version: is ${url} a Chatwoot (its base URL, not a page under it)?`,
    );
  }
  const { profile, asVersion } = chooseProfile(reported, input.asVersion);

  let check: { status: number; text: string };
  try {
    check = await getText(`${url}/platform/api/v1/accounts/0`, { api_access_token: platformToken }, timeoutMs);
  } catch (error) {
    throw new InfrastructureError(
      ErrorCodes.attachUnreachable,
      `the attached Chatwoot at ${url} did not answer the token check: ${transportReason(error, timeoutMs)}`,
    );
  }
  if (check.status === 401) {
    throw new ConfigError(`the attached Chatwoot at ${url} refused the token in ${tokenSource} (401 ${input.redactor.text(check.text).slice(0, 80)})`, [], {
      code: ErrorCodes.platformTokenRefused,
      hint: "it must be a PlatformApp's access token (a user's access token is refused); behind nginx, api_access_token needs `underscores_in_headers on`",
    });
  }
  if (check.status !== 404 && (check.status < 200 || check.status >= 300)) {
    throw new InfrastructureError(ErrorCodes.attachUnreachable, `the attached Chatwoot at ${url} answered the Platform API token check with ${check.status}`);
  }
  return { url, platformToken, reportedVersion: reported, profile, asVersion, advertiseHost };
}
