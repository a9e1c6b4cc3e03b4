import { describe, expect, it } from 'vitest';
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
