import { describe, expect, it } from 'vitest';
import { isUrl } from './is-url.ts';

describe('isUrl (validator.js isURL as Evolution calls it)', () => {
  it.each([
    'http://chatwoot:3000',
    'http://127.0.0.1:3000/',
    'https://chat.example.com/path?x=1',
    'chatwoot.example.com',
    'http://localhost',
    'http://[::1]:3000',
  ])('accepts %s with require_tld:false', (url) => {
    expect(isUrl(url, { requireTld: false })).toBe(true);
  });

  it.each([
    '',
    'not a url',
    'ws://chatwoot:3000',
    '//chatwoot:3000',
    'http://',
    'http://chatwoot:0',
    'http://chatwoot:99999',
    'http://-bad-.com',
    'mailto:a@b.c',
  ])('rejects %j', (url) => {
    expect(isUrl(url, { requireTld: false })).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(isUrl(42, { requireTld: false })).toBe(false);
    expect(isUrl(undefined, { requireTld: false })).toBe(false);
  });

  it('with the default require_tld, TLD-less hosts fail but IPs and real domains pass (§3d media URLs)', () => {
    expect(isUrl('http://chatwoot:3000/rails/active_storage/x.png', { requireTld: true })).toBe(false);
    expect(isUrl('http://localhost:3000/x.png', { requireTld: true })).toBe(false);
    expect(isUrl('http://127.0.0.1:3000/x.png', { requireTld: true })).toBe(true);
    expect(isUrl('https://chat.example.com/x.png', { requireTld: true })).toBe(true);
  });
});
