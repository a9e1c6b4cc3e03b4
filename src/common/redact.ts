/** Header names whose values are always secrets, compared case-insensitively with `_` and `-` alike. */
const SECRET_HEADERS = ['api_access_token', 'apikey', 'authorization', 'cookie', 'set-cookie', 'x-amz-security-token'];
const SECRET_QUERY_KEYS = ['x-amz-signature', 'x-amz-credential', 'signature', 'awsaccesskeyid', 'token', 'apikey'];

export const REDACTED = '[REDACTED]';

function normaliseHeaderName(name: string): string {
  return name.toLowerCase().replace(/-/g, '_');
}

export function isSecretHeader(name: string): boolean {
  const normalised = normaliseHeaderName(name);
  return SECRET_HEADERS.some((secret) => normaliseHeaderName(secret) === normalised);
}

export interface Redactor {
  /** Replaces every known secret value and secret-looking query parameter in free text. */
  text(input: string): string;
  headers(headers: Record<string, string | string[] | undefined>): Record<string, string>;
  /** Adds a secret discovered at run time (a token returned by a bootstrap call, say). */
  add(secret: string | undefined): void;
}

/**
 * Redaction is by value (every registered secret, wherever it appears: bodies, URLs, logs) and by
 * position (secret headers, signed-URL query parameters), so a secret we did not register still
 * does not leak through a header.
 */
export function createRedactor(initialSecrets: Iterable<string | undefined> = []): Redactor {
  const secrets = new Set<string>();
  const add = (secret: string | undefined) => {
    if (secret && secret.length >= 4) secrets.add(secret);
  };
  for (const secret of initialSecrets) add(secret);

  const text = (input: string): string => {
    let output = input;
    for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
      output = output.split(secret).join(REDACTED);
    }
    return output.replace(/([?&])([^=&#\s"']+)=([^&#\s"']*)/g, (match, sep: string, key: string) =>
      SECRET_QUERY_KEYS.includes(key.toLowerCase()) ? `${sep}${key}=${REDACTED}` : match,
    );
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

  return { text, headers, add };
}
