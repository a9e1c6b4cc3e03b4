import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { call, createInbox, seedConversation, signup, startTestTwin, type Account, type TestTwin } from './test-support/chatwoot-test-kit.ts';

const EN_401 = { errors: ['You need to sign in or sign up before continuing.'] };
const PT_401 = { errors: ['Você precisa entrar ou se cadastrar antes de continuar.'] };

describe('authentication rows of §2.3 (identical in all versions)', () => {
  let t: TestTwin;
  let admin: Account;
  let other: Account;
  let seeded: Awaited<ReturnType<typeof seedConversation>>;
  let agentToken: string;
  let agentId: number;

  beforeAll(async () => {
    t = await startTestTwin('3.8.0', { DEFAULT_LOCALE: 'en' });
    seeded = await seedConversation(t.url);
    admin = seeded.account;
    other = await signup(t.url);
    const agent = await call(t.url, 'POST', `/__twin/accounts/${admin.accountId}/agents`, {
      token: admin.token,
      json: { name: 'Agent', email: 'agent@acme.test' },
    });
    expect(agent.status).toBe(200);
    agentToken = agent.json.access_token;
    agentId = agent.json.id;
  });
  afterAll(() => t.twin.close());

  const inboxes = () => `/api/v1/accounts/${admin.accountId}/inboxes`;

  it('no header or a blank one → devise 401 with an errors array', async () => {
    expect(await call(t.url, 'GET', inboxes())).toMatchObject({ status: 401, json: EN_401 });
    expect(await call(t.url, 'GET', inboxes(), { headers: { api_access_token: '   ' } })).toMatchObject({ status: 401, json: EN_401 });
  });

  it('renders the devise 401 in ?locale', async () => {
    expect(await call(t.url, 'GET', `${inboxes()}?locale=pt_BR`)).toMatchObject({ status: 401, json: PT_401 });
  });

  it('ignores Authorization: Bearer', async () => {
    const answer = await call(t.url, 'GET', inboxes(), { headers: { authorization: `Bearer ${admin.token}` } });
    expect(answer).toMatchObject({ status: 401, json: EN_401 });
  });

  it('reads the header case-insensitively with _ and - alike', async () => {
    for (const name of ['api_access_token', 'Api-Access-Token', 'API_ACCESS_TOKEN', 'api-access_token']) {
      const answer = await call(t.url, 'GET', inboxes(), { headers: { [name]: admin.token } });
      expect(answer.status, name).toBe(200);
    }
  });

  it('unknown token → 401 Invalid Access Token', async () => {
    expect(await call(t.url, 'GET', inboxes(), { token: 'not-a-token' })).toMatchObject({ status: 401, json: { error: 'Invalid Access Token' } });
  });

  it('valid token of another account → 401 not authorized to access this account', async () => {
    expect(await call(t.url, 'GET', inboxes(), { token: other.token })).toMatchObject({
      status: 401,
      json: { error: 'You are not authorized to access this account' },
    });
  });

  it('unknown account → 404 Resource could not be found (after authentication)', async () => {
    expect(await call(t.url, 'GET', '/api/v1/accounts/999/inboxes', { token: admin.token })).toMatchObject({
      status: 404,
      json: { error: 'Resource could not be found' },
    });
    expect((await call(t.url, 'GET', '/api/v1/accounts/999/inboxes')).status).toBe(401);
  });

  it('unknown record → 404', async () => {
    expect(await call(t.url, 'GET', `/api/v1/accounts/${admin.accountId}/conversations/999`, { token: admin.token })).toMatchObject({
      status: 404,
      json: { error: 'Resource could not be found' },
    });
  });

  it('a non-admin creating an inbox → 401 not authorized to do this action; agents see only assigned inboxes', async () => {
    const create = await call(t.url, 'POST', `${inboxes()}/`, { token: agentToken, json: { name: 'x', channel: { type: 'api' } } });
    expect(create).toMatchObject({ status: 401, json: { error: 'You are not authorized to do this action' } });
    expect((await call(t.url, 'GET', inboxes(), { token: agentToken })).json.payload).toEqual([]);
    const conversation = `/api/v1/accounts/${admin.accountId}/conversations/${seeded.conversation.id}`;
    expect(await call(t.url, 'GET', conversation, { token: agentToken })).toMatchObject({
      status: 401,
      json: { error: 'You are not authorized to do this action' },
    });
    const members = await call(t.url, 'POST', `/api/v1/accounts/${admin.accountId}/inbox_members`, {
      token: admin.token,
      json: { inbox_id: seeded.inbox.id, user_ids: [agentId] },
    });
    expect(members.status).toBe(200);
    expect((await call(t.url, 'GET', inboxes(), { token: agentToken })).json.payload).toHaveLength(1);
    expect((await call(t.url, 'GET', conversation, { token: agentToken })).status).toBe(200);
    // Agents never see hmac_token.
    expect((await call(t.url, 'GET', inboxes(), { token: agentToken })).json.payload[0].hmac_token).toBeUndefined();
    expect((await call(t.url, 'GET', inboxes(), { token: admin.token })).json.payload[0].hmac_token).toMatch(/\w+/);
  });

  it('agent bots reach only the whitelisted endpoints of accounts they serve', async () => {
    const bot = await call(t.url, 'POST', `/__twin/accounts/${admin.accountId}/agent_bots`, {
      token: admin.token,
      json: { name: 'Bot', inbox_ids: [seeded.inbox.id] },
    });
    const botToken = bot.json.access_token;
    const base = `/api/v1/accounts/${admin.accountId}`;
    const denied = { status: 401, json: { error: 'Access to this endpoint is not authorized for bots' } };
    expect(await call(t.url, 'GET', `${base}/inboxes`, { token: botToken })).toMatchObject(denied);
    expect(await call(t.url, 'POST', `${base}/contacts/filter`, { token: botToken, json: { payload: [] } })).toMatchObject(denied);
    expect(await call(t.url, 'GET', `${base}/conversations/${seeded.conversation.id}`, { token: botToken })).toMatchObject(denied);
    expect(await call(t.url, 'GET', '/api/v1/profile', { token: botToken })).toMatchObject(denied);
    const message = await call(t.url, 'POST', `${base}/conversations/${seeded.conversation.id}/messages`, {
      token: botToken,
      json: { content: 'from bot' },
    });
    expect(message.status).toBe(200);
    expect(message.json.sender).toMatchObject({ type: 'agent_bot', name: 'Bot' });
    expect(
      await call(t.url, 'POST', `/api/v1/accounts/${other.accountId}/conversations/1/messages`, { token: botToken, json: { content: 'x' } }),
    ).toMatchObject({
      status: 401,
      json: { error: 'Bot is not authorized to access this account' },
    });
  });

  it('suspended account → 401 Account is suspended', async () => {
    const extra = await signup(t.url);
    await call(t.url, 'POST', `/__twin/accounts/${extra.accountId}/status`, { token: extra.token, json: { status: 'suspended' } });
    expect(await call(t.url, 'GET', `/api/v1/accounts/${extra.accountId}/inboxes`, { token: extra.token })).toMatchObject({
      status: 401,
      json: { error: 'Account is suspended' },
    });
  });

  it('GET /api/v1/accounts/{id}: members see the account with its locale, others get 404 (not 401)', async () => {
    const own = await call(t.url, 'GET', `/api/v1/accounts/${admin.accountId}`, { token: admin.token });
    expect(own).toMatchObject({ status: 200, json: { id: admin.accountId, locale: 'en' } });
    expect(await call(t.url, 'GET', `/api/v1/accounts/${admin.accountId}`, { token: other.token })).toMatchObject({
      status: 404,
      json: { error: 'Resource could not be found' },
    });
  });

  it('GET /api/v1/profile returns the user with its token', async () => {
    const answer = await call(t.url, 'GET', '/api/v1/profile', { token: admin.token });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ access_token: admin.token, account_id: admin.accountId, role: 'administrator', id: admin.userId });
  });
});

describe('devise 401 language follows DEFAULT_LOCALE', () => {
  it('answers in Portuguese with DEFAULT_LOCALE=pt_BR and in English with ?locale=en', async () => {
    const t = await startTestTwin('3.7.0', { DEFAULT_LOCALE: 'pt_BR' });
    try {
      expect(await call(t.url, 'GET', '/api/v1/accounts/1/inboxes')).toMatchObject({ status: 401, json: PT_401 });
      expect(await call(t.url, 'GET', '/api/v1/accounts/1/inboxes?locale=en')).toMatchObject({ status: 401, json: EN_401 });
    } finally {
      await t.twin.close();
    }
  });
});

describe('routing and malformed requests', () => {
  let t: TestTwin;
  let admin: Account;
  beforeAll(async () => {
    t = await startTestTwin('3.9.0', { TWIN_MAX_BODY_BYTES: '4096' });
    admin = await signup(t.url);
  });
  afterAll(() => t.twin.close());

  it('collapses // and strips a trailing / like the Rails router', async () => {
    const inbox = await createInbox(t.url, admin, 'slashes');
    expect(inbox.name).toBe('slashes');
    expect((await call(t.url, 'GET', `//api/v1//accounts/${admin.accountId}/inboxes/`, { token: admin.token })).json.payload).toHaveLength(1);
  });

  it('answers unknown routes with Rails 404', async () => {
    expect(await call(t.url, 'GET', '/api/v1/nothing-here', { token: admin.token })).toMatchObject({ status: 404, json: { status: 404, error: 'Not Found' } });
    expect(t.log.lines().some((line) => line.includes('ActionController::RoutingError (No route matches [GET] "/api/v1/nothing-here")'))).toBe(true);
  });

  it('malformed JSON → 400, and nothing is created', async () => {
    const answer = await call(t.url, 'POST', `/api/v1/accounts/${admin.accountId}/contacts`, {
      token: admin.token,
      headers: { 'content-type': 'application/json' },
      body: '{"name": "x",',
    });
    expect(answer).toMatchObject({ status: 400, json: { status: 400, error: 'Bad Request' } });
    expect((await call(t.url, 'GET', `/api/v1/accounts/${admin.accountId}/contacts`, { token: admin.token })).json.meta.count).toBe(0);
  });

  it('an oversized body → 413 even when chunked without Content-Length', async () => {
    const big = Buffer.alloc(10_000, 'a');
    const answer = await request(`${t.url}/api/v1/accounts/${admin.accountId}/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', api_access_token: admin.token },
      body: Readable.from([Buffer.from('{"name":"'), big, Buffer.from('"}')]),
    });
    expect(answer.statusCode).toBe(413);
    await answer.body.dump();
  });

  it('a body in an unparsed content type is ignored like Rails does (inbox create then fails cleanly)', async () => {
    const answer = await call(t.url, 'POST', `/api/v1/accounts/${admin.accountId}/inboxes`, {
      token: admin.token,
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ name: 'x', channel: { type: 'api' } }),
    });
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ status: 500, error: 'Internal Server Error' });
    expect(
      (await call(t.url, 'GET', `/api/v1/accounts/${admin.accountId}/inboxes`, { token: admin.token })).json.payload.map((i: { name: string }) => i.name),
    ).not.toContain('x');
  });

  it('logs requests in Rails format', async () => {
    await call(t.url, 'GET', '/api');
    const lines = t.log.lines();
    expect(
      lines.some((line) =>
        /^I, \[\d{4}-\d\d-\d\dT[\d:.]+ #\d+\] {2}INFO -- : \[[0-9a-f-]+\] Started GET "\/api" for 127\.0\.0\.1 at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000$/.test(
          line,
        ),
      ),
    ).toBe(true);
    expect(lines.some((line) => / Completed 200 OK in \d+ms$/.test(line))).toBe(true);
    expect(lines.some((line) => / Completed 422 Unprocessable Entity in \d+ms$/.test(line) || / Completed 400 Bad Request in \d+ms$/.test(line))).toBe(true);
  });
});
