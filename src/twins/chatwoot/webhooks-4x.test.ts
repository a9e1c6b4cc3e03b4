import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../common/wait-for.ts';
import type { ChatwootVersion } from '../../model/axes.ts';
import { call, seedConversation, startRecorder, startTestTwin, type Recorder, type TestTwin } from './test-support/chatwoot-test-kit.ts';

type Seeded = Awaited<ReturnType<typeof seedConversation>>;

/** What chatwoot-3.10-4.x.md §9 says each profile does with an API-inbox webhook to a loopback receiver. */
const SHEET: Record<
  string,
  {
    delivery: boolean;
    signed: boolean;
    normalized: boolean;
    loopback: 'delivered' | 'refused' | 'refused-unless-opt-out';
    health: boolean;
    symbolNames: boolean;
  }
> = {
  '3.9.0': { delivery: false, signed: false, normalized: false, loopback: 'delivered', health: false, symbolNames: false },
  '3.16.0': { delivery: false, signed: false, normalized: false, loopback: 'delivered', health: false, symbolNames: false },
  '4.0.4': { delivery: false, signed: false, normalized: false, loopback: 'delivered', health: false, symbolNames: false },
  '4.12.1': { delivery: true, signed: false, normalized: false, loopback: 'delivered', health: true, symbolNames: true },
  '4.13.0': { delivery: true, signed: true, normalized: true, loopback: 'delivered', health: true, symbolNames: true },
  '4.14.0': { delivery: true, signed: true, normalized: true, loopback: 'refused', health: true, symbolNames: true },
  '4.14.2': { delivery: true, signed: true, normalized: true, loopback: 'refused-unless-opt-out', health: true, symbolNames: true },
  '4.15.1': { delivery: true, signed: true, normalized: true, loopback: 'refused-unless-opt-out', health: true, symbolNames: true },
};
const OPT_OUT = { SAFE_FETCH_ALLOW_PRIVATE_NETWORK: 'true' };

const messagesPath = (seeded: Seeded) => `/api/v1/accounts/${seeded.account.accountId}/conversations/${seeded.conversation.id}/messages`;

async function postMessage(t: TestTwin, seeded: Seeded, content: string) {
  const answer = await call(t.url, 'POST', messagesPath(seeded), { token: seeded.account.token, json: { content, message_type: 'outgoing' } });
  expect(answer.status).toBe(200);
  return answer.json as { id: number; content: string };
}

async function messageOf(t: TestTwin, seeded: Seeded, id: number) {
  const list = await call(t.url, 'GET', messagesPath(seeded), { token: seeded.account.token });
  return (list.json.payload as { id: number; status: string; content_attributes: { external_error?: string } }[]).find((m) => m.id === id);
}

const failedWith = (t: TestTwin, seeded: Seeded, id: number) =>
  waitFor(
    async () => ((await messageOf(t, seeded, id))?.status === 'failed' ? (await messageOf(t, seeded, id))!.content_attributes.external_error : undefined),
    {
      timeoutMs: 10_000,
      description: `message ${id} marked failed`,
    },
  );

describe.each(Object.keys(SHEET) as ChatwootVersion[])('API-inbox webhooks of %s (chatwoot-3.10-4.x.md §4)', (version) => {
  const sheet = SHEET[version]!;
  const deliversByDefault = sheet.loopback === 'delivered';
  let recorder: Recorder;
  let t: TestTwin;
  let seeded: Seeded;
  beforeAll(async () => {
    recorder = await startRecorder();
    // Where the sheet has the opt-out, run with it (as the harness does) so the other facts can be seen.
    t = await startTestTwin(version, sheet.loopback === 'refused-unless-opt-out' ? OPT_OUT : {});
    seeded = await seedConversation(t.url, recorder.url);
  });
  afterAll(async () => {
    await t.twin.close();
    await recorder.close();
  });

  it(`GET /health: ${sheet.health ? '200 {"status":"woot"} (4.11.0+)' : 'not routed'}`, async () => {
    const answer = await call(t.url, 'GET', '/health');
    if (sheet.health) expect(answer).toMatchObject({ status: 200, json: { status: 'woot' } });
    else expect(answer.status).toBe(404);
  });

  it.runIf(sheet.loopback !== 'refused')(
    `delivery id ${sheet.delivery ? 'on every webhook' : 'absent'}; signature ${sheet.signed ? 'that verifies with the inbox secret' : 'absent'}`,
    async () => {
      const inbox = await call(t.url, 'GET', `/api/v1/accounts/${seeded.account.accountId}/inboxes`, { token: seeded.account.token });
      const secret = (inbox.json.payload as { id: number; secret?: string }[]).find((i) => i.id === seeded.inbox.id)?.secret;
      expect(secret !== undefined, 'inbox JSON carries `secret` for an admin').toBe(sheet.signed);
      const before = recorder.requests.length;
      const sent = await postMessage(t, seeded, 'signed hello');
      const received = await waitFor(() => recorder.requests.slice(before).find((r) => r.body.event === 'message_created' && r.body.id === sent.id), {
        timeoutMs: 10_000,
        description: 'message_created',
      });
      const deliveryIds = recorder.requests.map((r) => r.headers['x-chatwoot-delivery']);
      if (sheet.delivery) {
        expect(received.headers['x-chatwoot-delivery']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(new Set(deliveryIds).size).toBe(deliveryIds.length);
      } else expect(received.headers['x-chatwoot-delivery']).toBeUndefined();
      if (!sheet.signed) {
        expect(received.headers['x-chatwoot-signature']).toBeUndefined();
        expect(received.headers['x-chatwoot-timestamp']).toBeUndefined();
        return;
      }
      const timestamp = String(received.headers['x-chatwoot-timestamp']);
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
      // As a receiver verifies it: HMAC-SHA256 of "<timestamp>.<raw body>" with the secret.
      const expected = createHmac('sha256', secret!).update(`${timestamp}.${received.raw}`).digest('hex');
      expect(received.headers['x-chatwoot-signature']).toBe(`sha256=${expected}`);
      const tampered = createHmac('sha256', secret!).update(`${timestamp}.${received.raw} `).digest('hex');
      expect(received.headers['x-chatwoot-signature']).not.toBe(`sha256=${tampered}`);
    },
  );

  it.runIf(sheet.loopback !== 'refused')(
    `webhook content ${sheet.normalized ? 'normalized (4.13.0+)' : 'as stored'}; the REST answer keeps it raw`,
    async () => {
      const before = recorder.requests.length;
      const raw = 'line one \\\nline two\n\n';
      const sent = await postMessage(t, seeded, raw);
      expect(sent.content).toBe(raw);
      const received = await waitFor(() => recorder.requests.slice(before).find((r) => r.body.event === 'message_created' && r.body.id === sent.id), {
        timeoutMs: 10_000,
        description: 'message_created',
      });
      const expected = sheet.normalized ? 'line one \nline two' : raw;
      expect(received.body.content).toBe(expected);
      expect(received.body.conversation.messages[0].content).toBe(expected);
    },
  );

  it(`a loopback target: ${sheet.loopback}`, async () => {
    const fresh = await startTestTwin(version);
    try {
      const target = await seedConversation(fresh.url, recorder.url.replace('127.0.0.1', 'localhost'));
      const before = recorder.requests.length;
      const sent = await postMessage(fresh, target, 'to a private address');
      if (deliversByDefault) {
        await waitFor(() => recorder.requests.slice(before).find((r) => r.body.id === sent.id), { timeoutMs: 10_000, description: 'delivery' });
        return;
      }
      // Judged by where the host resolves to: `localhost` is loopback (chatwoot-3.10-4.x.md §4.2, §M 5).
      expect(await failedWith(fresh, target, sent.id)).toBe("Hostname 'localhost' has no public ip addresses");
      await fresh.twin.webhooksIdle();
      expect(recorder.requests.slice(before), 'no request reached the receiver').toEqual([]);
      expect(fresh.log.lines().join('\n')).toContain('Invalid webhook URL http://localhost:');
    } finally {
      await fresh.twin.close();
    }
  });

  it.runIf(sheet.loopback !== 'delivered')(
    `SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true ${sheet.loopback === 'refused' ? 'does not exist on 4.14.0: still refused' : 'lifts the refusal (4.14.1+)'}`,
    async () => {
      const optedOut = await startTestTwin(version, OPT_OUT);
      try {
        const target = await seedConversation(optedOut.url, recorder.url);
        const before = recorder.requests.length;
        const sent = await postMessage(optedOut, target, 'opted out');
        if (sheet.loopback === 'refused') {
          expect(await failedWith(optedOut, target, sent.id)).toBe("Hostname '127.0.0.1' has no public ip addresses");
          return;
        }
        await waitFor(() => recorder.requests.slice(before).find((r) => r.body.id === sent.id), { timeoutMs: 10_000, description: 'delivery' });
        expect((await messageOf(optedOut, target, sent.id))?.status).not.toBe('failed');
      } finally {
        await optedOut.twin.close();
      }
    },
  );

  it(`API inbox names with symbols: ${sheet.symbolNames ? 'accepted from 4.3.0 (PR #11597)' : '422 until 4.3.0'}`, async () => {
    const answer = await call(t.url, 'POST', `/api/v1/accounts/${seeded.account.accountId}/inboxes/`, {
      token: seeded.account.token,
      json: { name: '@evolution!', channel: { type: 'api', webhook_url: '' } },
    });
    expect(answer.status).toBe(sheet.symbolNames ? 200 : 422);
  });
});
