import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../common/wait-for.ts';
import { contentOf, http, KIT_API_KEY, startKit, type Kit } from './test-support/evolution-test-kit.ts';
import { botWebhook } from './test-support/call-sequence-flows.ts';

/** The Evolution HTTP surface (evolution-api-1.7.md §2) over real HTTP. */
const kits: Kit[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((kit) => kit.close()));
});
async function kit(options: Parameters<typeof startKit>[0]): Promise<Kit> {
  const started = await startKit(options);
  kits.push(started);
  return started;
}
const globalKey = { apikey: KIT_API_KEY };

describe('root, unknown routes and path quirks (§2.1)', () => {
  it.each(['1.7.4', '1.7.5'] as const)('GET / answers the welcome JSON of %s', async (version) => {
    const k = await kit({ version });
    const answer = await k.api('GET', '/');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      status: 200,
      message: 'Welcome to the Evolution API, it is working!',
      version,
      swagger: `${k.twin.url}/docs`,
      manager: `${k.twin.url}/manager`,
      documentation: 'https://doc.evolution-api.com',
    });
  });

  it('answers unknown routes with the Express-style 404 body', async () => {
    const k = await kit({ version: '1.7.5' });
    const answer = await k.api('GET', '/x?y=1');
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ status: 404, error: 'Not Found', response: { message: ['Cannot GET /x?y=1'] } });
  });

  it('404s POST //chatwoot/webhook/x at once, routes /chatwoot//webhook/x and a trailing slash after the pause ([ran])', async () => {
    const k = await kit({ version: '1.7.4' });
    const doubled = await k.api('POST', '//chatwoot/webhook/x', {});
    expect(doubled.status).toBe(404);
    expect(doubled.text).toBe('{"status":404,"error":"Not Found","response":{"message":["Cannot POST //chatwoot/webhook/x"]}}');
    for (const path of ['/chatwoot//webhook/x', '/chatwoot/webhook/x/']) {
      const started = Date.now();
      const answer = await k.api('POST', path, botWebhook('status'));
      expect(answer.status).toBe(200);
      // No provider for "x": upstream answers null, after the 500 ms pause.
      expect(answer.text).toBe('null');
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    }
  });

  it('rejects a malformed JSON body with 400 before routing, like Express body-parser', async () => {
    const k = await kit({ version: '1.7.5' });
    for (const path of ['/nowhere', '/instance/create']) {
      const bad = await http('POST', `${k.twin.url}${path}`, { rawBody: '{"instanceName":' });
      expect(bad.status).toBe(400);
      expect(bad.json).toMatchObject({ status: 400, error: 'Internal Server Error', response: { message: expect.any(String) } });
    }
    expect((await http('POST', `${k.twin.url}/nowhere`, { rawBody: '' })).status).toBe(404);
  });
});

describe('guards and authentication (§2.2)', () => {
  it('checks instance existence before auth, then the apikey', async () => {
    const k = await kit({ version: '1.7.4' });
    const missing = await k.api('GET', '/instance/connectionState/ghost');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ status: 404, error: 'Not Found', response: { message: ['The "ghost" instance does not exist'] } });

    const noKey = await k.api('POST', '/instance/create', { instanceName: 'a' });
    expect(noKey.status).toBe(403);
    expect(noKey.json).toEqual({ status: 403, error: 'Forbidden', response: { message: ['Missing global api key', 'The global api key must be set'] } });

    const wrongKey = await k.api('POST', '/instance/create', { instanceName: 'a' }, { apikey: 'nope' });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.text).toBe('{"status":401,"error":"Unauthorized","response":{"message":"Unauthorized"}}');

    const created = await k.api('POST', '/instance/create', { instanceName: 'a', token: 'A-KEY' }, globalKey);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ hash: { apikey: 'A-KEY' } });
    await k.api('POST', '/instance/create', { instanceName: 'b' }, globalKey);

    const inUse = await k.api('POST', '/instance/create', { instanceName: 'a' });
    expect(inUse.status).toBe(403);
    expect(inUse.json).toEqual({ status: 403, error: 'Forbidden', response: { message: ['This name "a" is already in use.'] } });

    expect((await k.api('GET', '/instance/connectionState/a', undefined, { apikey: 'A-KEY' })).json).toEqual({
      instance: { instanceName: 'a', state: 'close' },
    });
    expect((await k.api('GET', '/instance/connectionState/b', undefined, { apikey: 'A-KEY' })).status).toBe(401);
    expect((await k.api('GET', '/instance/fetchInstances', undefined, { apikey: 'A-KEY' })).status).toBe(401);
    expect((await k.api('GET', '/instance/fetchInstances')).status).toBe(403);
  });

  it('answers schema errors with the doubly nested message array', async () => {
    const k = await kit({ version: '1.7.5' });
    const answer = await k.api('POST', '/instance/create', { instanceName: 42 }, globalKey);
    // The name guard runs first and fails on a non-string name like upstream's path.join.
    expect(answer.status).toBe(500);
    const typed = await k.api('POST', '/instance/create', { instanceName: 'n', qrcode: 'yes' }, globalKey);
    expect(typed.status).toBe(400);
    expect(typed.json).toEqual({
      status: 400,
      error: 'Bad Request',
      response: { message: [['qrcode is not of a type(s) boolean', 'qrcode is not one of enum values: true,false']] },
    });
  });
});

describe('POST /instance/create with Chatwoot (§2.3, §3a)', () => {
  it('answers 201 before the first Chatwoot call finishes, without `integration` when not sent', async () => {
    const k = await kit({ version: '1.7.5', recorder: { hold: /\/inboxes$/ } });
    const answer = await k.createWithChatwoot('shop');
    expect(answer.status).toBe(201);
    // GET inboxes is held unanswered by the recorder: the 201 did not wait for the bootstrap.
    const held = await waitFor(() => k.recorder.calls()[0], { timeoutMs: 5000, description: 'the held GET inboxes' });
    expect(`${held.method} ${held.path} ${held.status}`).toBe('GET /api/v1/accounts/1/inboxes 0');
    expect(k.recorder.calls()).toHaveLength(1);
    const body = answer.json as { instance: object; hash: { apikey: string }; qrcode?: unknown; chatwoot: object };
    expect(body.instance).toEqual({
      instanceName: 'shop',
      instanceId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      webhook_wa_business: null,
      access_token_wa_business: '',
      status: 'created',
    });
    expect('integration' in body.instance).toBe(false);
    expect(body.hash.apikey).toMatch(/^[0-9A-F-]{36}$/);
    expect(body.qrcode).toBeUndefined();
    expect(body.chatwoot).toEqual({
      enabled: true,
      account_id: '1',
      token: 'kit-token',
      url: k.recorder.url,
      sign_msg: true,
      reopen_conversation: true,
      conversation_pending: false,
      merge_brazil_contacts: false,
      import_contacts: true,
      import_messages: true,
      days_limit_import_messages: 60,
      name_inbox: 'shop',
      webhook_url: 'http://127.0.0.1:8080/chatwoot/webhook/shop',
    });
    k.recorder.release();
    await k.waitForMessage((content) => content === 'init', 'the init message');
  });

  it('keeps SERVER_URL verbatim in webhook_url (a trailing slash gives //chatwoot)', async () => {
    const k = await kit({ version: '1.7.4', env: { SERVER_URL: 'http://evolution:8080/' } });
    const answer = await k.createWithChatwoot('my shop');
    expect((answer.json as { chatwoot: { webhook_url: string } }).chatwoot.webhook_url).toBe('http://evolution:8080//chatwoot/webhook/my%20shop');
    expect('merge_brazil_contacts' in (answer.json as { chatwoot: object }).chatwoot).toBe(false);
    await k.waitForMessage((content) => content === 'init', 'the init message');
    expect(k.recorder.calls()[1]?.json).toEqual({
      name: 'my shop',
      channel: { type: 'api', webhook_url: 'http://evolution:8080//chatwoot/webhook/my%20shop' },
    });
  });

  it('leaves a half-created instance when a required Chatwoot boolean is missing', async () => {
    const k = await kit({ version: '1.7.4' });
    const answer = await k.createWithChatwoot('half', { chatwoot_conversation_pending: undefined });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ status: 400, error: 'Bad Request', response: { message: ['conversation_pending is required'] } });
    const again = await k.createWithChatwoot('half');
    expect(again.status).toBe(403);
    const list = (await k.api('GET', '/instance/fetchInstances', undefined, globalKey)).json as Array<{ instance: { instanceName: string } }>;
    expect(list.map((entry) => entry.instance.instanceName)).toEqual(['half']);
    expect(k.recorder.calls()).toEqual([]);
  });

  it('checks chatwoot_url with isURL(require_tld:false)', async () => {
    const k = await kit({ version: '1.7.5' });
    const bad = await k.createWithChatwoot('bad', { chatwoot_url: 'not a url' });
    expect(bad.json).toEqual({ status: 400, error: 'Bad Request', response: { message: ['Invalid "url" property in chatwoot'] } });
  });

  it('logs a rejected bootstrap as unhandledRejection and keeps serving (§3f [ran])', async () => {
    const k = await kit({
      version: '1.7.4',
      recorder: { overrides: [{ method: 'GET', path: /\/inboxes$/, status: 401, body: { error: 'Invalid Access Token' } }] },
    });
    expect((await k.createWithChatwoot('denied')).status).toBe(201);
    await waitFor(() => k.logText().includes('ERROR [unhandledRejection] [object]'), { timeoutMs: 5000, description: 'the unhandledRejection log' });
    const text = k.logText();
    expect(text).toContain('ApiError: Unauthorized');
    expect(text).toContain('status: 401');
    expect(k.recorder.calls().map((call) => `${call.method} ${call.path}`)).toEqual(['GET /api/v1/accounts/1/inboxes']);
    expect((await k.api('GET', '/')).status).toBe(200);
  });

  it('behaves the same with CHATWOOT_ENABLED=false: 1.7.x has no such switch (§1.4)', async () => {
    const runs = [];
    for (const env of [{}, { CHATWOOT_ENABLED: 'false' }] as Array<Record<string, string>>) {
      const k = await kit({ version: '1.7.5', env });
      const answer = await k.createWithChatwoot('shop');
      await k.waitForMessage((content) => content === 'init', 'the init message');
      const body = answer.json as { chatwoot: object };
      runs.push({
        status: answer.status,
        chatwoot: { ...body.chatwoot, url: 'x' },
        calls: k.recorder.calls().map((call) => `${call.method} ${call.path}`),
        set: (await k.api('POST', '/chatwoot/set/shop', { enabled: false }, globalKey)).status,
        webhook: (await k.webhook('shop', botWebhook('status'))).json,
      });
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]!.status).toBe(201);
  });
});

describe('/chatwoot/set and /chatwoot/find (§2.5)', () => {
  it('requires account_id as a string', async () => {
    const k = await kit({ version: '1.7.4' });
    await k.api('POST', '/instance/create', { instanceName: 'cw' }, globalKey);
    const answer = await k.api(
      'POST',
      '/chatwoot/set/cw',
      { enabled: true, account_id: 1, token: 't', url: k.recorder.url, sign_msg: false, reopen_conversation: true, conversation_pending: false },
      globalKey,
    );
    expect(answer.json).toEqual({ status: 400, error: 'Bad Request', response: { message: [['account_id is not of a type(s) string']] } });
  });

  it('awaits the bootstrap, mirrors Chatwoot errors, and has saved the config first', async () => {
    const k = await kit({
      version: '1.7.5',
      recorder: { overrides: [{ method: 'GET', path: /\/inboxes$/, status: 401, body: { error: 'Invalid Access Token' } }] },
    });
    await k.api('POST', '/instance/create', { instanceName: 'cw' }, globalKey);
    const body = {
      enabled: true,
      account_id: '1',
      token: 'bad',
      url: k.recorder.url,
      sign_msg: false,
      reopen_conversation: true,
      conversation_pending: false,
      auto_create: true,
    };
    const answer = await k.api('POST', '/chatwoot/set/cw', body, globalKey);
    expect(answer.status).toBe(401);
    expect(answer.text).toBe('{"status":401,"error":"Internal Server Error","response":{"message":"Unauthorized"}}');
    const found = await k.api('GET', '/chatwoot/find/cw', undefined, globalKey);
    expect(found.json).toMatchObject({
      enabled: true,
      account_id: '1',
      token: 'bad',
      sign_delimiter: null,
      webhook_url: 'http://127.0.0.1:8080/chatwoot/webhook/cw',
    });
  });

  it('echoes the saved config with webhook_url on success', async () => {
    const k = await kit({ version: '1.7.4' });
    await k.api('POST', '/instance/create', { instanceName: 'cw' }, globalKey);
    expect((await k.api('GET', '/chatwoot/find/cw', undefined, globalKey)).json).toEqual({
      enabled: false,
      url: '',
      account_id: '',
      token: '',
      sign_msg: false,
      name_inbox: '',
      webhook_url: '',
    });
    const body = {
      enabled: true,
      account_id: '1',
      token: 't',
      url: k.recorder.url,
      sign_msg: false,
      reopen_conversation: true,
      conversation_pending: false,
      auto_create: true,
    };
    const answer = await k.api('POST', '/chatwoot/set/cw', body, globalKey);
    expect(answer.status).toBe(201);
    expect(answer.json).toEqual({ ...body, sign_delimiter: null, name_inbox: 'cw', webhook_url: 'http://127.0.0.1:8080/chatwoot/webhook/cw' });
    // Awaited: the bootstrap is complete when the answer arrives.
    expect(k.messagePosts().map(contentOf)).toEqual(['init']);
  });
});

describe('fetchInstances (§2.4)', () => {
  it.each([
    ['true', true],
    ['false', false],
  ])('AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES=%s exposes apikey and the Chatwoot config with its token: %s', async (value, exposed) => {
    const k = await kit({ version: '1.7.5', env: { AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES: value } });
    await k.createWithChatwoot('shop', { token: 'SHOP-KEY' });
    const one = (await k.api('GET', '/instance/fetchInstances?instanceName=shop', undefined, globalKey)).json as { instance: Record<string, unknown> };
    expect(one.instance.instanceName).toBe('shop');
    expect(one.instance.status).toBe('close');
    if (exposed) {
      expect(one.instance.apikey).toBe('SHOP-KEY');
      expect(one.instance.chatwoot).toMatchObject({ enabled: true, token: 'kit-token', webhook_url: 'http://127.0.0.1:8080/chatwoot/webhook/shop' });
      expect(one.instance.serverUrl).toBe('http://127.0.0.1:8080');
    } else {
      expect(one.instance).toEqual({ instanceName: 'shop', instanceId: expect.any(String), status: 'close' });
    }
    expect((await k.api('GET', '/instance/fetchInstances?instanceName=nope', undefined, globalKey)).status).toBe(404);
  });
});
