import { describe, expect, it } from 'vitest';
import { SECRET_HEADERS } from './credential-keys.ts';
import { createRedactor, REDACTED } from './redact.ts';

describe('redactor', () => {
  it('redacts registered secrets anywhere in text', () => {
    const redact = createRedactor(['tok-123456']);
    expect(redact.text('url?x=1 body {"token":"tok-123456"}')).toBe(`url?x=1 body {"token":"${REDACTED}"}`);
  });
  it('redacts secret headers whatever their spelling, keeps others', () => {
    const redact = createRedactor();
    expect(redact.headers({ 'Api-Access-Token': 'abc', apikey: 'k', Authorization: 'Bearer x', accept: 'application/json' })).toEqual({
      'Api-Access-Token': REDACTED,
      apikey: REDACTED,
      Authorization: REDACTED,
      accept: 'application/json',
    });
  });
  it('redacts presigned URL signatures', () => {
    const redact = createRedactor();
    expect(redact.text('http://s3/b/k?X-Amz-Credential=AK%2F1&X-Amz-Signature=abcd&X-Amz-Expires=300')).toBe(
      `http://s3/b/k?X-Amz-Credential=${REDACTED}&X-Amz-Signature=${REDACTED}&X-Amz-Expires=300`,
    );
  });
  it('keeps an empty secret header visibly empty (a dropped token is evidence)', () => {
    expect(createRedactor().headers({ api_access_token: '' })).toEqual({ api_access_token: '' });
  });
});

describe('redactor: headers', () => {
  it.each(SECRET_HEADERS.map((header) => header.name))('%s is always redacted, whatever its spelling', (name) => {
    const redact = createRedactor();
    const upper = name.toUpperCase().replace(/_/g, '-');
    expect(redact.headers({ [name]: 'value-1', [upper]: 'value-2' })).toEqual({ [name]: REDACTED, [upper]: REDACTED });
  });

  it('keeps the devise headers that are not secrets (uid is the e-mail, expiry and token-type are public)', () => {
    const redact = createRedactor();
    const devise = { 'access-token': 'tok-abcdef', client: 'client-abcdef', uid: 'a@b.test', expiry: '1700000000', 'token-type': 'Bearer' };
    expect(redact.headers(devise)).toEqual({ 'access-token': REDACTED, client: REDACTED, uid: 'a@b.test', expiry: '1700000000', 'token-type': 'Bearer' });
  });

  it('registers the token a secret header carries, so it is redacted elsewhere too', () => {
    const redact = createRedactor();
    redact.learnHeaders({ authorization: 'Bearer cw-token-abcdef', apikey: 'F68FC1E6-B0BC', 'set-cookie': '_session=not-registered' });
    expect(redact.text('sent cw-token-abcdef with F68FC1E6-B0BC; _session=not-registered')).toBe(`sent ${REDACTED} with ${REDACTED}; _session=not-registered`);
  });
});

describe('redactor: values', () => {
  it('redacts a registered secret also as it appears in JSON and in a URL', () => {
    const password = 'Evo#a1"b\\c d';
    const redact = createRedactor([password]);
    expect(redact.text(JSON.stringify({ note: password }))).toBe(`{"note":"${REDACTED}"}`);
    expect(redact.text(`/x?q=${encodeURIComponent(password)}`)).toBe(`/x?q=${REDACTED}`);
    expect(redact.text(`q=${new URLSearchParams({ p: password }).toString().slice(2)}`)).toBe(`q=${REDACTED}`);
  });

  it('since(version) applies only what was registered after that version, to text redacted before', () => {
    const redact = createRedactor(['first-secret']);
    const before = redact.text('first-secret then second-secret');
    const version = redact.version;
    redact.add('second-secret');
    expect(redact.version).toBeGreaterThan(version);
    expect(redact.since(version, before)).toBe(`${REDACTED} then ${REDACTED}`);
    expect(redact.since(redact.version, 'second-secret')).toBe('second-secret');
  });

  it('finds hundreds of secrets in one pass, longest first', () => {
    const secrets = Array.from({ length: 500 }, (_, i) => `tok${String(i).padStart(4, '0')}-${'x'.repeat(i % 7)}`);
    const redact = createRedactor(secrets);
    const text = secrets.map((secret, i) => `${i}:${secret};`).join('');
    expect(redact.text(text)).toBe(secrets.map((_, i) => `${i}:${REDACTED};`).join(''));
  });
});
