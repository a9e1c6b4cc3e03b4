import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { stopKitDatabase } from './test-support/kit-database.ts';
import { waitFor } from '../../common/wait-for.ts';
import { evolutionVersionsOf } from '../../model/evolution-profiles.ts';
import { camelCaseCreateBody, KIT_API_KEY, snakeCaseCreateBody, startKit, type Kit } from './test-support/evolution-test-kit.ts';
import { botWebhook } from './test-support/call-sequence-flows.ts';

/** The Evolution 2.x HTTP surface (evolution-api-2.x.md §1.6, §M) over real HTTP, per 2.x version. */
const kits: Kit[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((kit) => kit.close()));
});
afterAll(stopKitDatabase);
async function kit(options: Parameters<typeof startKit>[0]): Promise<Kit> {
  const started = await startKit(options);
  kits.push(started);
  return started;
}
const globalKey = { apikey: KIT_API_KEY };
const GEN2 = evolutionVersionsOf('2');

describe.each(GEN2)('Evolution twin %s', (version) => {
  it('GET / names the version and clientName; 2.3.x adds whatsappWebVersion (the offline fallback, §M.2)', async () => {
    const k = await kit({ version });
    const answer = await k.api('GET', '/');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      status: 200,
      message: 'Welcome to the Evolution API, it is working!',
      version,
      clientName: 'evolution_exchange',
      manager: `${k.twin.url}/manager`,
      documentation: 'https://doc.evolution-api.com',
      ...(version === '2.3.6' ? { whatsappWebVersion: '2.3000.1027934701' } : {}),
    });
  });

  it('answers a missing apikey with 401, after the 403 of a name in use (§1.6)', async () => {
    const k = await kit({ version });
    const noKey = await k.api('POST', '/instance/create', { instanceName: 'a', integration: 'WHATSAPP-BAILEYS' });
    expect(noKey.status).toBe(401);
    expect(noKey.text).toBe('{"status":401,"error":"Unauthorized","response":{"message":"Unauthorized"}}');
    expect((await k.api('POST', '/instance/create', { instanceName: 'a', integration: 'WHATSAPP-BAILEYS' }, globalKey)).status).toBe(201);
    const inUse = await k.api('POST', '/instance/create', { instanceName: 'a', integration: 'WHATSAPP-BAILEYS' });
    expect(inUse.status).toBe(403);
    expect(inUse.json).toEqual({ status: 403, error: 'Forbidden', response: { message: ['This name "a" is already in use.'] } });
  });

  it('requires integration: 400 "Invalid integration" (2.1.2+, §0.4)', async () => {
    const k = await kit({ version });
    const answer = await k.api('POST', '/instance/create', { instanceName: 'noint' }, globalKey);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ status: 400, error: 'Bad Request', response: { message: ['Invalid integration'] } });
    expect(k.logText()).toContain('ERROR [InstanceController] [string] Invalid integration');
  });

  it('creates with camelCase fields: 201 at once, hash a string, camelCase chatwoot block, bootstrap after the answer', async () => {
    const k = await kit({ version });
    const answer = await k.createWithChatwoot('shop');
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({
      instance: { instanceName: 'shop', integration: 'WHATSAPP-BAILEYS', status: 'close', webhookWaBusiness: null, accessTokenWaBusiness: '' },
      hash: expect.any(String),
      chatwoot: {
        enabled: true,
        accountId: '1',
        url: k.recorder.url,
        signMsg: true,
        nameInbox: 'shop',
        webhookUrl: 'http://127.0.0.1:8080/chatwoot/webhook/shop',
      },
    });
    await k.waitForMessage((content) => content === 'init', 'the init message');
    expect(k.recorder.calls().some((call) => call.path.endsWith('/conversations/filter'))).toBe(false);
  });

  it('ignores 1.7-style snake_case Chatwoot fields: 201 without Chatwoot, no Chatwoot traffic (§0.4)', async () => {
    const k = await kit({ version });
    const snake = await k.api('POST', '/instance/create', { ...snakeCaseCreateBody('snake', k.recorder.url), integration: 'WHATSAPP-BAILEYS' }, globalKey);
    expect(snake.status).toBe(201);
    expect(snake.json).not.toHaveProperty('chatwoot');
    // Positive control on the same twin: a camelCase instance created after it bootstraps; the snake one never does.
    expect((await k.createWithChatwoot('camel')).status).toBe(201);
    await k.waitForMessage((content) => content === 'init', 'the camelCase instance init');
    expect(k.recorder.calls().some((call) => call.body.toString('utf8').includes('snake'))).toBe(false);
    const find = await k.api('GET', '/chatwoot/find/snake', undefined, globalKey);
    expect(find.json).toEqual({ enabled: false, url: '', accountId: '', token: '', signMsg: false, nameInbox: '', webhook_url: '' });
  });

  it('rejects a numeric chatwootAccountId like the schema (a string is required, §0.4)', async () => {
    const k = await kit({ version });
    const answer = await k.api('POST', '/instance/create', { ...camelCaseCreateBody('num', k.recorder.url), chatwootAccountId: 1 }, globalKey);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ status: 400, error: 'Bad Request', response: { message: [['chatwootAccountId is not of a type(s) string']] } });
  });

  it('routes //chatwoot/webhook/x to the handler, unlike 1.7 (§1.5 [lib-ran])', async () => {
    const k = await kit({ version });
    const started = Date.now();
    const answer = await k.api('POST', '//chatwoot/webhook/x', botWebhook('status'));
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('null');
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('deletes after answering: connectionState 200 without a state, a re-create 403, then 404 (§M.1)', async () => {
    // A wide window so the checks inside it never race the machine's load; the default is random in 70–190 ms.
    const k = await kit({ version, env: { TWIN_DELETION_DELAY_MS: '400' } });
    expect((await k.api('POST', '/instance/create', { instanceName: 'gone', integration: 'WHATSAPP-BAILEYS' }, globalKey)).status).toBe(201);
    const deleted = await k.api('DELETE', '/instance/delete/gone', undefined, globalKey);
    const deletedAt = Date.now();
    expect(deleted.json).toEqual({ status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } });
    const still = await k.api('GET', '/instance/connectionState/gone', undefined, globalKey);
    expect(still.status).toBe(200);
    expect(still.text).toBe('{"instance":{"instanceName":"gone"}}');
    const again = await k.api('POST', '/instance/create', { instanceName: 'gone', integration: 'WHATSAPP-BAILEYS' }, globalKey);
    expect(again.status).toBe(403);
    await waitFor(async () => (await k.api('GET', '/instance/connectionState/gone', undefined, globalKey)).status === 404, {
      timeoutMs: 5000,
      intervalMs: 5,
      description: 'the 404 after the deletion',
    });
    expect(Date.now() - deletedAt).toBeGreaterThanOrEqual(390);
    expect(k.logText()).toContain('WARN [WAMonitoringService] [string] Instance "gone" - REMOVED');
    expect((await k.api('POST', '/instance/create', { instanceName: 'gone', integration: 'WHATSAPP-BAILEYS' }, globalKey)).status).toBe(201);
  });
});

describe.each(GEN2)('Evolution twin %s with CHATWOOT_ENABLED not exactly "true" (§1.2)', (version) => {
  it.each([undefined, 'false', 'True'])('CHATWOOT_ENABLED=%s: create 400, webhook 400 at once, set/find 400, no Chatwoot traffic', async (value) => {
    const k = await kit({ version, env: { CHATWOOT_ENABLED: value } });
    const create = await k.createWithChatwoot('off');
    expect(create.status).toBe(400);
    expect(create.json).toEqual({ status: 400, error: 'Bad Request', response: { message: ['Chatwoot is not enabled'] } });
    expect(k.logText()).toContain('ERROR [InstanceController] [string] Chatwoot is not enabled');
    // 2.1.0+ removes the half-made instance after the answer: gone once its row is (§M.1).
    await waitFor(async () => (await k.api('GET', '/instance/connectionState/off', undefined, globalKey)).status === 404, {
      timeoutMs: 5000,
      intervalMs: 10,
      description: 'the half-made instance removed',
    });

    const started = Date.now();
    const webhook = await k.webhook('off', botWebhook('status'));
    expect(webhook.status).toBe(400);
    expect(webhook.json).toEqual({ status: 400, error: 'Bad Request', response: { message: ['Chatwoot is disabled'] } });
    expect(Date.now() - started).toBeLessThan(450);

    expect((await k.api('POST', '/instance/create', { instanceName: 'plain', integration: 'WHATSAPP-BAILEYS' }, globalKey)).status).toBe(201);
    const set = await k.api(
      'POST',
      '/chatwoot/set/plain',
      { enabled: true, accountId: '1', token: 't', url: k.recorder.url, signMsg: false, reopenConversation: true, conversationPending: false },
      globalKey,
    );
    expect(set.status).toBe(400);
    expect(set.json).toEqual({ status: 400, error: 'Bad Request', response: { message: ['Chatwoot is disabled'] } });
    expect((await k.api('GET', '/chatwoot/find/plain', undefined, globalKey)).json).toMatchObject({ response: { message: ['Chatwoot is disabled'] } });
    expect(k.recorder.calls()).toEqual([]);
  });
});

describe('Evolution twin 2.x bootstrap switches', () => {
  it('CHATWOOT_BOT_CONTACT=false stops after the inbox (2.1.0+, §4a)', async () => {
    const k = await kit({ version: '2.2.3', env: { CHATWOOT_BOT_CONTACT: 'false' } });
    expect((await k.createWithChatwoot('nobot')).status).toBe(201);
    await waitFor(() => k.logText().includes('Chatwoot bot contact is disabled'), { timeoutMs: 5000, intervalMs: 10, description: 'the bot contact log' });
    expect(k.recorder.calls().map((call) => `${call.method} ${call.path}`)).toEqual(['GET /api/v1/accounts/1/inboxes', 'POST /api/v1/accounts/1/inboxes/']);
  });

  it('names the bot contact after chatwootOrganization and chatwootLogo (§4a step 4)', async () => {
    const k = await kit({ version: '2.3.6' });
    expect((await k.createWithChatwoot('org', { chatwootOrganization: 'Acme', chatwootLogo: 'https://acme.test/logo.png' })).status).toBe(201);
    await k.waitForMessage((content) => content === 'init', 'the init message');
    const created = k.recorder.calls().find((call) => call.method === 'POST' && call.path === '/api/v1/accounts/1/contacts');
    expect(created?.json).toEqual({ inbox_id: 7, name: 'Acme', avatar_url: 'https://acme.test/logo.png', phone_number: '+123456' });
  });

  it('chatwootAutoCreate=false keeps the link without a bootstrap (2.1.1+)', async () => {
    const k = await kit({ version: '2.1.2' });
    expect((await k.createWithChatwoot('manual', { chatwootAutoCreate: false })).status).toBe(201);
    const find = await k.api('GET', '/chatwoot/find/manual', undefined, globalKey);
    expect(find.json).toMatchObject({ enabled: true, accountId: '1', nameInbox: 'manual', webhook_url: 'http://127.0.0.1:8080/chatwoot/webhook/manual' });
    expect(k.recorder.calls()).toEqual([]);
  });
});
