import { describe, expect, it } from 'vitest';
import { ExpressPathRouter } from './express-path-router.ts';

const router = new ExpressPathRouter<string>()
  .root([{ method: 'GET', path: '/', handler: 'welcome' }])
  .mount('/chatwoot', [
    { method: 'POST', path: '/webhook/:instanceName', handler: 'webhook' },
    { method: 'GET', path: '/find/:instanceName', handler: 'find' },
  ])
  .mount('/instance', [{ method: 'POST', path: '/create', handler: 'create' }]);

describe('ExpressPathRouter (Express 4 matching)', () => {
  it('routes a trailing slash and one extra slash after the mount prefix, but not a leading double slash ([ran])', () => {
    expect(router.lookup('POST', '/chatwoot/webhook/x')).toEqual({ kind: 'matched', handler: 'webhook', params: { instanceName: 'x' } });
    expect(router.lookup('POST', '/chatwoot/webhook/x/')).toMatchObject({ kind: 'matched', handler: 'webhook' });
    expect(router.lookup('POST', '/chatwoot//webhook/x')).toMatchObject({ kind: 'matched', handler: 'webhook' });
    expect(router.lookup('POST', '//chatwoot/webhook/x')).toEqual({ kind: 'none' });
    expect(router.lookup('POST', '/chatwoot///webhook/x')).toEqual({ kind: 'none' });
  });

  it('is case-insensitive, maps HEAD to GET and checks the method', () => {
    expect(router.lookup('POST', '/Instance/CREATE')).toMatchObject({ kind: 'matched', handler: 'create' });
    expect(router.lookup('HEAD', '/')).toMatchObject({ kind: 'matched', handler: 'welcome' });
    expect(router.lookup('GET', '/instance/create')).toEqual({ kind: 'none' });
    expect(router.lookup('GET', '//')).toEqual({ kind: 'none' });
  });

  it('does not match a prefix that is only the start of a word', () => {
    expect(router.lookup('POST', '/chatwootx/webhook/x')).toEqual({ kind: 'none' });
  });

  it('URL-decodes params and reports undecodable ones', () => {
    expect(router.lookup('GET', '/chatwoot/find/my%20shop')).toMatchObject({ params: { instanceName: 'my shop' } });
    expect(router.lookup('GET', '/chatwoot/find/%E0%A4%A')).toEqual({ kind: 'bad-param', message: "Failed to decode param '%E0%A4%A'" });
  });
});
