import { isSecretHeader, isSecretQueryKey } from './credential-keys.ts';
import { credentialsInBody, isLearnable, REDACTED, redactCredentialFields } from './redact-json.ts';
import { LiteralMatcher } from './literal-matcher.ts';

export { isCredentialKey, isSecretHeader } from './credential-keys.ts';
export { REDACTED } from './redact-json.ts';

export interface Redactor {
  /** Redacts free text: credential keys in JSON-looking text, every registered secret, secret query parameters. */
  text(input: string): string;
  /** Secret headers become REDACTED (an empty one stays empty); the others are redacted as text. */
  headers(headers: Record<string, string | string[] | undefined>): Record<string, string>;
  /** Adds a secret discovered at run time (a token returned by a bootstrap call, say). */
  add(secret: string | undefined): void;
  /** Registers the credentials in a body (JSON or form, by key), so they are redacted wherever else they appear. */
  learn(body: string, contentType?: string): void;
  /** Registers the values of secret headers (a Bearer token, an `apikey`). */
  learnHeaders(headers: Record<string, string | string[] | undefined>): void;
  /** Grows with every registration: text redacted at version v needs only `since(v, text)` to be current. */
  readonly version: number;
  /** Replaces only the secrets registered since `version` (text already redacted at that version). */
  since(version: number, input: string): string;
}

/** Header values worth registering: the token after an auth scheme; never per-request signatures or cookies. */
const LEARNED_HEADERS = new Set(['apiaccesstoken', 'apikey', 'accesstoken', 'xapikey', 'authorization']);

function headerToken(name: string, value: string): string | undefined {
  const normalised = name.toLowerCase().replace(/[-_]/g, '');
  if (!LEARNED_HEADERS.has(normalised)) return undefined;
  if (normalised !== 'authorization') return value.trim();
  const bearer = /^\s*(?:Bearer|Token)\s+(\S+)\s*$/i.exec(value);
  return bearer?.[1];
}

/**
 * `key=value` in a URL, a form body or a log line (`…?a=1&token=x`, `password=x&…`, `token=x`).
 * Group 1: what precedes the key; 2: the key; 3: the value.
 */
const KEY_VALUE = /(^|[?&\s;])([^=&#\s"'?;]+)=([^&#\s"';]*)/g;

/**
 * Redaction by value (every registered secret, wherever it appears: bodies, URLs, logs), by key (credential keys
 * of JSON and forms, src/common/credential-keys.ts) and by position (secret headers, signed-URL query
 * parameters). A value found by key is registered too, so it is also redacted where no key marks it.
 */
export function createRedactor(initialSecrets: Iterable<string | undefined> = []): Redactor {
  const matcher = new LiteralMatcher();
  const add = (secret: string | undefined) => {
    if (!secret) return;
    matcher.add(secret);
    // The same secret as it appears inside a JSON string and in a URL.
    const json = JSON.stringify(secret).slice(1, -1);
    if (json !== secret) matcher.add(json);
    const url = encodeURIComponent(secret);
    if (url !== secret) matcher.add(url);
    const form = new URLSearchParams({ s: secret }).toString().slice(2);
    if (form !== url) matcher.add(form);
  };
  const learnValue = (value: string) => {
    if (isLearnable(value)) add(value);
  };
  for (const secret of initialSecrets) add(secret);

  const keyValues = (input: string): string =>
    input.includes('=')
      ? input.replace(KEY_VALUE, (match, before: string, key: string, value: string) => {
          if (value === '' || value === REDACTED || !isSecretQueryKey(safeDecode(key))) return match;
          learnValue(safeDecode(value));
          return `${before}${key}=${REDACTED}`;
        })
      : input;

  const text = (input: string): string => {
    if (input === '') return input;
    const byKey = keyValues(redactCredentialFields(input, learnValue));
    return matcher.replace(byKey, REDACTED);
  };

  const headers = (input: Record<string, string | string[] | undefined>): Record<string, string> => {
    const output: Record<string, string> = {};
    for (const [name, value] of Object.entries(input)) {
      if (value === undefined) continue;
      const joined = Array.isArray(value) ? value.join(', ') : value;
      output[name] = isSecretHeader(name) ? (joined === '' ? '' : REDACTED) : text(joined);
    }
    return output;
  };

  const learnHeaders = (input: Record<string, string | string[] | undefined>) => {
    for (const [name, value] of Object.entries(input)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) {
        const token = headerToken(name, one);
        if (token !== undefined && token.length > 0 && token !== REDACTED) add(token);
      }
    }
  };

  return {
    text,
    headers,
    add,
    learn(body, contentType) {
      for (const value of credentialsInBody(body, contentType)) learnValue(value);
    },
    learnHeaders,
    get version() {
      return matcher.size;
    },
    since: (version, input) => matcher.replace(input, REDACTED, version),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
