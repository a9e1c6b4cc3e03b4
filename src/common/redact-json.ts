import { isCredentialKey, isSecretQueryKey } from './credential-keys.ts';

export const REDACTED = '[REDACTED]';

/** Learned values shorter than this are replaced where their key is, but not registered for value redaction. */
const MIN_LEARNED_LENGTH = 6;
const NOT_SECRETS = new Set(['true', 'false', 'null', 'undefined', 'redacted']);

/** Whether a value found under a credential key is worth redacting everywhere else too. */
export function isLearnable(value: string): boolean {
  return value.length >= MIN_LEARNED_LENGTH && !value.includes(REDACTED) && !NOT_SECRETS.has(value.toLowerCase());
}

/**
 * Every string (and number) under a credential key, at any depth; under a credential key holding an object
 * or array (Evolution 1.7's `hash: {apikey}`), every leaf. Iterative: a hostile body may nest deeply.
 */
export function credentialValues(root: unknown): string[] {
  const found: string[] = [];
  const stack: Array<{ value: unknown; secret: boolean }> = [{ value: root, secret: false }];
  while (stack.length > 0) {
    const { value, secret } = stack.pop()!;
    if (typeof value === 'string' || typeof value === 'number') {
      if (secret && value !== '') found.push(String(value));
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, secret });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) stack.push({ value: item, secret: secret || isCredentialKey(key) });
    }
  }
  return found;
}

function looksLikeJson(text: string): boolean {
  const first = /\S/.exec(text)?.[0];
  return first === '{' || first === '[';
}

/**
 * The credential values in a body: JSON is parsed once and walked; an urlencoded form is read by key.
 * Anything else (or a truncated body) yields nothing here; key redaction of the text still applies.
 */
export function credentialsInBody(body: string, contentType = ''): string[] {
  if (body === '') return [];
  if (looksLikeJson(body)) {
    try {
      return credentialValues(JSON.parse(body));
    } catch {
      return [];
    }
  }
  if (/application\/x-www-form-urlencoded/i.test(contentType)) {
    const found: string[] = [];
    for (const [key, value] of new URLSearchParams(body)) if (isSecretQueryKey(key)) found.push(value);
    return found;
  }
  return [];
}

function decodeJsonString(literal: string): string {
  try {
    return JSON.parse(`"${literal}"`) as string;
  } catch {
    return literal;
  }
}

/**
 * `"key": "value"` and `"key": 123` in JSON, also when the JSON is itself inside a JSON string (`\"key\":\"v\"`).
 * Group 1: the backslashes before each quote; 2: the key; 3: a string value; 4: a number value.
 */
const QUOTED_PAIR = /(\\*)"([A-Za-z_$][\w$.-]{0,80})\1"\s*:\s*(?:\1"((?:[^"\\]|\\.)*?)\1"|(-?\d+(?:\.\d+)?)(?![\w.]))/g;
/** `key: 'value'` / `'key': 'value'` as util.inspect and JavaScript print objects. */
const SINGLE_QUOTED_PAIR = /(?<![\w$'"])'?([A-Za-z_$][\w$-]{0,80})'?\s*:\s*'((?:[^'\\\n]|\\.)*)'/g;

/**
 * Replaces the values of credential keys in free text (a body, a log line, a message) wherever they look like
 * JSON or a printed object, and hands every replaced value to `onValue` so it can be redacted elsewhere too.
 * An empty value stays visibly empty: a token sent blank is evidence.
 */
export function redactCredentialFields(text: string, onValue: (value: string) => void = () => {}): string {
  if (!text.includes(':')) return text;
  let output = text;
  if (output.includes('"')) {
    output = output.replace(QUOTED_PAIR, (match: string, slashes: string, key: string, str: string | undefined, num: string | undefined) => {
      const head = () => match.slice(0, match.length - str!.length - slashes.length - 1);
      if (!isCredentialKey(key)) {
        // A string holding JSON of its own (a body inside a message): its pairs were consumed with it.
        if (str === undefined || !str.includes('\\"')) return match;
        return `${head()}${redactCredentialFields(str, onValue)}${slashes}"`;
      }
      if (str !== undefined) {
        if (str === '' || str === REDACTED) return match;
        onValue(decodeJsonString(slashes === '' ? str : decodeJsonString(str)));
        return `${head()}${REDACTED}${slashes}"`;
      }
      onValue(num!);
      return `${match.slice(0, match.length - num!.length)}${slashes}"${REDACTED}${slashes}"`;
    });
  }
  if (output.includes("'")) {
    output = output.replace(SINGLE_QUOTED_PAIR, (match: string, key: string, value: string) => {
      if (!isCredentialKey(key) || value === '' || value === REDACTED) return match;
      onValue(value.replace(/\\(.)/g, '$1'));
      return `${match.slice(0, match.length - value.length - 1)}${REDACTED}'`;
    });
  }
  return output;
}
