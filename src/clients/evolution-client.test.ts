import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySink } from '../common/log-sink.ts';
import { startTwin } from '../twins/start-twin.ts';
import type { StartedTwin } from '../model/twin-types.ts';
import { EvolutionClient } from './evolution-client.ts';
import { ApiResponseError } from './http-client.ts';
import { WhatsappSimClient } from './whatsapp-sim-client.ts';

describe('Evolution and WhatsApp-sim clients against the Evolution twin 1.7.5', () => {
  let twin: StartedTwin;
  let evolution: EvolutionClient;

  beforeAll(async () => {
    twin = await startTwin('evolution', {
      env: { TWIN_VERSION: '1.7.5', AUTHENTICATION_API_KEY: 'evo-test-key', TWIN_QR_REFRESH_MS: '1000' },
      port: 0,
      log: createMemorySink(),
    });
    evolution = new EvolutionClient({ baseUrl: twin.url, apiKey: 'evo-test-key' });
  });
  afterAll(() => twin?.close());

  it('reads the root and creates an instance', async () => {
    expect(await evolution.root()).toMatchObject({ status: 200, version: '1.7.5' });
    const created = await evolution.createInstance('client-test');
    expect(created.instance).toMatchObject({ instanceName: 'client-test', status: 'created' });
    expect(await evolution.connectionState('client-test')).toBe('close');
  });

  it('configures Chatwoot on an instance and accepts a Chatwoot webhook', async () => {
    const set = await evolution.setChatwoot('client-test', { accountId: 7, token: 'cw-token', url: 'http://127.0.0.1:9', autoCreate: false });
    expect(set).toMatchObject({ account_id: '7', webhook_url: expect.stringMatching(/\/chatwoot\/webhook\/client-test$/) });
    expect(await evolution.findChatwoot('client-test')).toMatchObject({ account_id: '7' });
    const webhook = await evolution.webhook('client-test', { event: 'message_created', private: true });
    expect(webhook.status).toBe(200);
  });

  it('raises a typed error for the apikey guard', async () => {
    const wrong = new EvolutionClient({ baseUrl: twin.url, apiKey: 'wrong-key' });
    const error = await wrong.connectionState('client-test').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiResponseError);
    expect((error as ApiResponseError).status).toBe(401);
  });

  it('reads the simulated WhatsApp of an instance', async () => {
    const whatsapp = new WhatsappSimClient(`${twin.url}/__twin/whatsapp`);
    expect(await whatsapp.instance('client-test')).toMatchObject({ instanceName: 'client-test', state: 'close' });
    expect(await whatsapp.qr('client-test')).toBeUndefined();
    expect((await whatsapp.scan('client-test')).status).toBe(409);
    expect(await whatsapp.sent('client-test')).toEqual([]);
  });
});
