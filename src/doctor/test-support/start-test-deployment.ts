import { createMemorySink } from '../../common/log-sink.ts';
import { createRedactor } from '../../common/redact.ts';
import { waitFor } from '../../common/wait-for.ts';
import { ChatwootClient, signupChatwootAccount } from '../../clients/chatwoot-client.ts';
import { EvolutionClient } from '../../clients/evolution-client.ts';
import { createRecordingProxy, type RecordingProxy } from '../../evidence/recording-proxy.ts';
import { evolutionGeneration, type ChatwootVersion, type EvolutionVersion } from '../../model/axes.ts';
import { BOT_CONTACT_PHONE } from '../../model/bot-contact.ts';
import type { Exchange } from '../../model/result-schema.ts';
import { startChatwootTwin } from '../../twins/chatwoot/start-chatwoot-twin.ts';
import { startEvolutionTwin } from '../../twins/evolution/start-evolution-twin.ts';
import { kitDatabaseEnv } from '../../twins/evolution/test-support/kit-database.ts';
import { startHeaderDroppingProxy, type HeaderDroppingProxy } from './header-dropping-proxy.ts';

export interface TestDeploymentOptions {
  chatwoot: ChatwootVersion;
  evolution: EvolutionVersion;
  /** Evolution's SERVER_URL ends with '/' (the webhook-double-slash fault). */
  trailingSlashServerUrl?: boolean;
  /** An nginx-like proxy that drops underscore headers sits in front of Chatwoot, for Evolution and the operator. */
  dropUnderscoreHeaders?: boolean;
  /** Create this instance with Chatwoot enabled (and wait for its bot conversation unless the headers are dropped). */
  instance?: string;
  /** More Chatwoot env (e.g. SAFE_FETCH_ALLOW_PRIVATE_NETWORK). */
  chatwootEnv?: Record<string, string>;
  /**
   * 2.x only: CHATWOOT_ENABLED (default `true`; undefined leaves the image's `.env` value, `false`). When it is not
   * `true` the instance is created without Chatwoot (a create with Chatwoot would answer 400 and remove it).
   * A 2.x deployment gets a database from kit-database.ts: call `stopKitDatabase` in the file's afterAll.
   */
  chatwootEnabled?: string | undefined;
}

/**
 * A running Chatwoot + Evolution pair of twins, as an operator's deployment looks to the doctor.
 * The doctor reaches both through recording proxies of its own (`doctorRecorders`), so a test can
 * read back every request the doctor made; the services' own links are recorded too.
 */
export interface TestDeployment {
  /** What the operator passes as --chatwoot-url / --evolution-url (through the doctor's recorders). */
  chatwootUrl: string;
  evolutionUrl: string;
  token: string;
  accountId: number;
  apiKey: string;
  instance: string | undefined;
  /** Every proxy that saw traffic: the doctor's two and the services' own links. */
  recorders: RecordingProxy[];
  /** Everything recorded since `since` (epoch ms) on every link, redacted. */
  exchangesSince(since: number): Exchange[];
  chatwoot: ChatwootClient;
  evolutionLog(): string[];
  close(): Promise<void>;
}

export const TEST_API_KEY = 'doctor-test-global-key-0001';

export async function startTestDeployment(options: TestDeploymentOptions): Promise<TestDeployment> {
  const redactor = createRedactor([TEST_API_KEY]);
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const chatwootFront = await createRecordingProxy({ upstream: undefined, link: 'evolution->chatwoot', redactor });
    closers.push(() => chatwootFront.close());
    const chatwoot = await startChatwootTwin({
      env: {
        TWIN_VERSION: options.chatwoot,
        FRONTEND_URL: chatwootFront.url,
        // Signup on every profile: the env var up to 4.2.x, the installation config (twin knob) from 4.3.0.
        ENABLE_ACCOUNT_SIGNUP: 'api_only',
        TWIN_INSTALLATION_ENABLE_ACCOUNT_SIGNUP: 'api_only',
        ENABLE_RACK_ATTACK: 'false',
        ...options.chatwootEnv,
      },
      port: 0,
      log: createMemorySink(),
    });
    closers.push(() => chatwoot.close());
    chatwootFront.setUpstream(chatwoot.url);

    const evolutionFront = await createRecordingProxy({ upstream: undefined, link: 'chatwoot->evolution', redactor });
    closers.push(() => evolutionFront.close());
    const evolutionLog = createMemorySink();
    const gen2 = evolutionGeneration(options.evolution) === '2';
    const chatwootEnabled = 'chatwootEnabled' in options ? options.chatwootEnabled : 'true';
    const chatwootOn = !gen2 || chatwootEnabled === 'true';
    const evolution = await startEvolutionTwin({
      env: {
        TWIN_VERSION: options.evolution,
        SERVER_URL: `${evolutionFront.url}${options.trailingSlashServerUrl ? '/' : ''}`,
        AUTHENTICATION_API_KEY: TEST_API_KEY,
        LOG_COLOR: 'false',
        TWIN_QR_REFRESH_MS: '60000',
        // The 2.x grid's preconditions (evolution-api-2.x.md, grid), but CHATWOOT_ENABLED as the test asks.
        ...(gen2
          ? {
              CACHE_REDIS_ENABLED: 'false',
              CHATWOOT_IMPORT_DATABASE_CONNECTION_URI: '',
              ...(await kitDatabaseEnv()),
              ...(chatwootEnabled !== undefined ? { CHATWOOT_ENABLED: chatwootEnabled } : {}),
            }
          : {}),
      },
      port: 0,
      log: evolutionLog,
    });
    closers.push(() => evolution.close());
    evolutionFront.setUpstream(evolution.url);

    let dropper: HeaderDroppingProxy | undefined;
    if (options.dropUnderscoreHeaders) {
      dropper = await startHeaderDroppingProxy(chatwootFront.url);
      closers.push(() => dropper!.close());
    }
    const chatwootEntry = dropper?.url ?? chatwootFront.url;

    const session = await signupChatwootAccount(chatwootFront.url, {
      accountName: 'doctor test',
      email: 'doctor@example.test',
      password: 'Doctor#2024x',
      userName: 'Doctor Test',
      locale: 'en',
    });
    redactor.add(session.token);
    const chatwootClient = new ChatwootClient({ baseUrl: chatwootFront.url, accountId: session.accountId, token: session.token, redactor });

    if (options.instance) {
      const client = new EvolutionClient({ baseUrl: evolutionFront.url, apiKey: TEST_API_KEY, redactor, version: options.evolution });
      if (!chatwootOn) await client.createInstance(options.instance);
      else await client.createInstance(options.instance, { accountId: session.accountId, token: session.token, url: chatwootEntry });
      if (!chatwootOn) {
        // Nothing reaches Chatwoot: the instance exists, its Chatwoot settings cannot be stored.
      } else if (!options.dropUnderscoreHeaders) {
        await waitFor(
          async () => {
            const contact = await chatwootClient.findContactByPhone(BOT_CONTACT_PHONE);
            if (!contact) return undefined;
            const conversations = await chatwootClient.contactConversations(contact.id);
            return conversations.find((conversation) => conversation.status === 'open');
          },
          { timeoutMs: 10_000, intervalMs: 50, description: 'the bot conversation Evolution creates' },
        );
        // Let Evolution's own start-up traffic finish before a test looks at what the doctor caused: `init` starts the
        // simulated WhatsApp, whose first QR is posted to Chatwoot (image + text, or a 422 at conversations/filter on
        // 1.7.4 × ≥3.8), and Chatwoot echoes every message to Evolution's webhook.
        // 4.14+ refusing the private target: `init` is marked failed and nothing reaches Evolution (chatwoot-3.10-4.x.md §4.3).
        const initRefused = async () => {
          const contact = await chatwootClient.findContactByPhone('123456');
          const conversation = contact && (await chatwootClient.contactConversations(contact.id))[0];
          return conversation ? (await chatwootClient.messages(conversation.id)).some((m) => m.status === 'failed') : false;
        };
        await waitFor(
          async () => {
            if (await initRefused()) return true;
            const calls = chatwootFront.exchanges().map((entry) => entry.exchange);
            const messagePosts = calls.filter((e) => e.request.method === 'POST' && /\/messages$/.test(e.request.url.split('?')[0]!)).length;
            const qrSettled =
              messagePosts >= 3 || calls.some((e) => /\/conversations\/filter$/.test(e.request.url.split('?')[0]!) && (e.response?.status ?? 0) >= 400);
            const webhookCalls = evolutionFront
              .exchanges()
              .map((entry) => entry.exchange)
              .filter((e) => e.request.url.includes('/chatwoot/webhook/'));
            const answered = webhookCalls.filter((e) => e.response !== null || e.error !== undefined);
            // A misrouted webhook (e.g. `//chatwoot/webhook`) means `init` never reaches Evolution, so no QR follows.
            const initLost = answered.some((e) => e.error !== undefined || (e.response?.status ?? 200) >= 400);
            return (qrSettled || initLost) && answered.length >= messagePosts && answered.length === webhookCalls.length;
          },
          { timeoutMs: 15_000, intervalMs: 50, description: 'Evolution’s start-up traffic (init, first QR, webhooks) to settle' },
        );
      } else {
        // Evolution's first call (GET inboxes) comes back 401 through the dropping proxy.
        await waitFor(() => chatwootFront.exchanges().some((e) => e.exchange.response?.status === 401), {
          timeoutMs: 10_000,
          intervalMs: 50,
          description: 'Evolution’s first (refused) call',
        });
      }
    }

    const doctorChatwoot = await createRecordingProxy({ upstream: chatwootEntry, link: 'doctor->chatwoot', redactor });
    closers.push(() => doctorChatwoot.close());
    const doctorEvolution = await createRecordingProxy({ upstream: evolutionFront.url, link: 'doctor->evolution', redactor });
    closers.push(() => doctorEvolution.close());
    const recorders = [doctorChatwoot, doctorEvolution, chatwootFront, evolutionFront];

    return {
      chatwootUrl: doctorChatwoot.url,
      evolutionUrl: doctorEvolution.url,
      token: session.token,
      accountId: session.accountId,
      apiKey: TEST_API_KEY,
      instance: options.instance,
      recorders,
      exchangesSince: (since) => recorders.flatMap((recorder) => recorder.exchanges({ since }).map((recorded) => recorded.exchange)),
      chatwoot: chatwootClient,
      evolutionLog: () => evolutionLog.lines(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
