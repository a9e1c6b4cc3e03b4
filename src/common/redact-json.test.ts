import { describe, expect, it } from 'vitest';
import { CREDENTIAL_KEYS } from './credential-keys.ts';
import { createRedactor, REDACTED } from './redact.ts';
import { credentialsInBody, credentialValues, redactCredentialFields } from './redact-json.ts';

/**
 * The credentials the harness meets on the wire (issue 10, finding 6; upstream notes), written out here so a key
 * dropped from CREDENTIAL_KEYS fails a test instead of silently passing the per-key loop below.
 */
const REQUIRED_KEYS = [
  'access_token',
  'api_access_token',
  'token',
  'chatwoot_token',
  'password',
  'password_confirmation',
  'hmac_token',
  'pubsub_token',
  'inbox_identifier',
  'secret',
  'apikey',
  'hash',
  'accessKey',
  'secretKey',
  'accessKeyId',
  'secretAccessKey',
  'STORAGE_ACCESS_KEY_ID',
  'STORAGE_SECRET_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'MINIO_ROOT_PASSWORD',
  'SECRET_KEY_BASE',
  'AUTHENTICATION_API_KEY',
];

/** Keys that look close but are evidence, not credentials. */
const NOT_CREDENTIALS = ['token_type', 'source_id', 'identifier', 'uid', 'email', 'webhook_url', 'hmac_verified', 'access_token_expires', 'message_signature'];

describe.each([...new Set([...REQUIRED_KEYS, ...CREDENTIAL_KEYS.map((key) => key.name)])])('credential key %s', (key) => {
  const value = `v4lue-of-${key.toLowerCase()}-0123`;

  it('is replaced at any depth in a JSON body, and registered so it is redacted by value elsewhere', () => {
    const redactor = createRedactor();
    const body = JSON.stringify({ payload: [{ nested: { [key]: value, name: 'kept' } }] });
    redactor.learn(body, 'application/json');
    expect(redactor.text(body)).toBe(JSON.stringify({ payload: [{ nested: { [key]: REDACTED, name: 'kept' } }] }));
    expect(redactor.text(`GET /public/api/v1/inboxes/${value}/contacts`)).toBe(`GET /public/api/v1/inboxes/${REDACTED}/contacts`);
  });

  it.each([key.toUpperCase(), key.toLowerCase().replace(/_/g, '-'), key.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())])(
    'matches the spelling %s (case, `_` and `-` alike)',
    (spelling) => {
      expect(redactCredentialFields(`{"${spelling}": "${value}"}`)).toBe(`{"${spelling}": "${REDACTED}"}`);
    },
  );

  it('is replaced in free text that carries JSON or a printed object (a log line, a message)', () => {
    const seen: string[] = [];
    const redactor = createRedactor();
    expect(redactCredentialFields(`ERROR body {"${key}":"${value}"} and { ${key}: '${value}' }`, (found) => seen.push(found))).toBe(
      `ERROR body {"${key}":"${REDACTED}"} and { ${key}: '${REDACTED}' }`,
    );
    expect(seen).toEqual([value, value]);
    // text() registers what it found: the same value later, without its key, is redacted too.
    redactor.text(`{"${key}":"${value}"}`);
    expect(redactor.text(`later: ${value}`)).toBe(`later: ${REDACTED}`);
  });

  it('is replaced in a query string and an urlencoded form', () => {
    const redactor = createRedactor();
    expect(redactor.text(`/path?a=1&${key}=${value}&b=2`)).toBe(`/path?a=1&${key}=${REDACTED}&b=2`);
    expect(credentialsInBody(`user%5B${key}%5D=${value}&x=1`, 'application/x-www-form-urlencoded')).toEqual([value]);
  });
});

describe('credential keys: what stays', () => {
  it.each(NOT_CREDENTIALS)('%s is evidence and is kept', (key) => {
    const text = `{"${key}":"some-value-123456"}`;
    expect(redactCredentialFields(text)).toBe(text);
    expect(credentialValues(JSON.parse(text))).toEqual([]);
  });

  it('keeps an empty or null credential visibly empty (a token sent blank is evidence)', () => {
    const text = '{"token":"","api_access_token":null,"secret":null}';
    expect(redactCredentialFields(text)).toBe(text);
  });
});

describe('JSON shapes', () => {
  it('Evolution 1.7 /instance/create: hash.apikey and the chatwoot token', () => {
    const answer = {
      instance: { instanceName: 'ia-bot', status: 'created', access_token_wa_business: '' },
      hash: { apikey: 'F68FC1E6-B0BC-427F-B7F9-154EF88BB161' },
      chatwoot: { enabled: true, account_id: '1', token: 'cw-user-token-24chars000', url: 'http://cw' },
    };
    expect(credentialValues(answer).sort()).toEqual(['F68FC1E6-B0BC-427F-B7F9-154EF88BB161', 'cw-user-token-24chars000']);
    const redactor = createRedactor();
    const text = JSON.stringify(answer, null, 2);
    redactor.learn(text);
    const redacted = redactor.text(text);
    expect(redacted).not.toContain('F68FC1E6');
    expect(redacted).not.toContain('cw-user-token');
    expect(JSON.parse(redacted)).toMatchObject({ hash: { apikey: REDACTED }, chatwoot: { token: REDACTED, url: 'http://cw' } });
  });

  it('Evolution 2.x: hash is the key itself; every leaf under a credential object is one', () => {
    expect(credentialValues({ hash: 'ABCDEF-123456' })).toEqual(['ABCDEF-123456']);
    expect(credentialValues({ secret: { a: 'x-leaf-1234', b: ['y-leaf-5678'] } }).sort()).toEqual(['x-leaf-1234', 'y-leaf-5678']);
  });

  it('a number under a credential key becomes a JSON string, so the body stays valid JSON', () => {
    expect(redactCredentialFields('{"token": 123456789, "id": 5}')).toBe(`{"token": "${REDACTED}", "id": 5}`);
  });

  it('JSON inside a JSON string (a body recorded inside a message) is redacted too', () => {
    const inner = JSON.stringify({ pubsub_token: 'Rh3QwZjjMJ3rLRAnwR2PFAmG' });
    const outer = JSON.stringify({ message: inner });
    const redacted = redactCredentialFields(outer);
    expect(redacted).not.toContain('Rh3QwZjjMJ3rLRAnwR2PFAmG');
    expect(JSON.parse(JSON.parse(redacted).message)).toEqual({ pubsub_token: REDACTED });
  });

  it('a truncated (unparsable) body is still redacted by key', () => {
    const truncated = '{"payload":[{"hmac_token":"Xo9pL2mN3bV4cX5zA6sD7fG8","inbox_identifier":"Qw';
    expect(credentialsInBody(truncated)).toEqual([]);
    expect(redactCredentialFields(truncated)).toBe(`{"payload":[{"hmac_token":"${REDACTED}","inbox_identifier":"Qw`);
  });

  it('a deeply nested body does not overflow the walk', () => {
    let deep: unknown = { token: 'deep-token-123456' };
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(credentialValues(deep)).toEqual(['deep-token-123456']);
  });

  it('short or placeholder values are replaced by key but never registered by value', () => {
    const redactor = createRedactor();
    redactor.text('{"token":"true","password":"abc"}');
    expect(redactor.version).toBe(0);
    expect(redactor.text('true abc')).toBe('true abc');
  });
});
