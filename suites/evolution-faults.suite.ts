/**
 * Seed symptoms of Evolution 2.x's own configuration: "CHATWOOT_ENABLED is an often overlooked key setting"; the
 * guide's 1.7-era create body; "Chatwoot does not react" (Redis / database); "S3 latency breaks initialisation";
 * media missing in Chatwoot. Each fault is injected on purpose into an Evolution of the cell's version sharing the
 * cell's Chatwoot (evolution-api-2.x.md §0.3, §1.2, §1.3, §2, §5.2, §6 negative controls). The scenarios assert that
 * the integration works and show how it fails; they mean something only where the variable exists, so 1.7 cells skip.
 */
import { expect } from 'vitest';
import type { ChatwootContact } from '../src/clients/chatwoot-schemas.ts';
import type { EvolutionClient } from '../src/clients/evolution-client.ts';
import { createHttpClient } from '../src/clients/http-client.ts';
import { WhatsappSimClient } from '../src/clients/whatsapp-sim-client.ts';
import { evolutionProfile } from '../src/model/evolution-profiles.ts';
import { capabilitySkipReason, defineSuite, type ScenarioContext } from '../src/scenario/suite-context.ts';
import type { EvolutionFaultEndpoint, EvolutionFaults } from '../src/stack/stack.ts';
import { fixtureImage } from './lib/attachments.ts';
import {
  bootstrapBotConversation,
  connectWhatsapp,
  DEADLINES,
  type BotConversation,
  describeFailedExchange,
  ensureBotContact,
  POLL_MS,
  waitForConversationWith,
  waitForMessage,
} from './lib/bot-flow.ts';
import { phoneFor } from './lib/phones.ts';

/** How long "nothing reached Chatwoot" is watched before it counts as the hang (the bootstrap takes well under 1 s). */
const SILENCE_MS = 5_000;

function faults(s: ScenarioContext): EvolutionFaults {
  const profile = evolutionProfile(s.stack.evolutionVersion);
  if (profile.generation !== '2') s.skip(`Evolution ${s.stack.evolutionVersion} has none of these settings (they exist from Evolution 2.0)`);
  const found = s.stack.faults.evolution;
  if (!found) s.skip('this backend provides no misconfigured Evolution 2.x services');
  return found;
}

function fault<K extends keyof EvolutionFaults>(s: ScenarioContext, key: K): NonNullable<EvolutionFaults[K]> {
  const value = faults(s)[key];
  if (!value) s.skip(`this backend provides no Evolution for ${key}`);
  return value;
}

/** Only exchanges and log lines naming this scenario's instance count: the faults of a cell run side by side. */
function scoped(s: ScenarioContext, label: string): string {
  const instanceName = s.instanceName(label);
  s.scope({ markers: [instanceName] });
  return instanceName;
}

/**
 * Pairs the fault Evolution's simulated phone: its `init` (from the bootstrap) shows a QR, or, where Chatwoot refused
 * to deliver `init` (4.14.0's private-target refusal), GET /instance/connect does; scan it; wait for `open`.
 */
async function pair(s: ScenarioContext, endpoint: EvolutionFaultEndpoint, evolution: EvolutionClient, bot: BotConversation): Promise<WhatsappSimClient> {
  if (!endpoint.whatsappControlUrl || !s.has('whatsappPeer')) s.skip(capabilitySkipReason('whatsappPeer'));
  const whatsapp = new WhatsappSimClient(endpoint.whatsappControlUrl, { scenario: { cell: s.stack.cellId, id: s.scenarioId } });
  await connectWhatsapp(s, bot.instanceName, {}, DEADLINES.bootstrapMs, { conversation: bot, client: s.chatwoot() }, { evolution, whatsapp });
  return whatsapp;
}

/** An inbound image on a fault Evolution, awaited in Chatwoot; `failFast` may say why it cannot come. */
async function inboundImage(
  s: ScenarioContext,
  label: string,
  endpoint: EvolutionFaultEndpoint,
  failFast?: () => Promise<{ message: string } | undefined>,
): Promise<{ sentAt: number; arrivedAt: number; whatsappId: string }> {
  const instanceName = scoped(s, label);
  const chatwoot = s.chatwoot();
  const evolution = s.evolutionFor(endpoint.evolution);
  const bot = await bootstrapBotConversation(s, { label, evolution, chatwoot: s.stack.chatwoot, client: chatwoot });
  const whatsapp = await pair(s, endpoint, evolution, bot);
  const phone = phoneFor(s.stack.cellId, label);
  const image = fixtureImage(`${label}.png`);
  const sentAt = Date.now();
  const sent = await whatsapp.inbound(instanceName, {
    from: phone,
    pushName: 'Fault Tester',
    media: { base64: Buffer.from(image.data).toString('base64'), mimetype: image.contentType, fileName: image.name },
  });
  const contact = await s.waitFor<ChatwootContact>(`contact +${phone} in Chatwoot`, () => chatwoot.findContactByPhone(phone), {
    timeoutMs: DEADLINES.bootstrapMs,
    intervalMs: POLL_MS,
    ...(failFast ? { failFast } : {}),
  });
  const conversation = await waitForConversationWith(s, chatwoot, contact.id, bot.inbox.id);
  await waitForMessage(s, chatwoot, conversation.id, `the inbound image ${sent.id}`, (m) => (m.attachments ?? []).length > 0, {
    timeoutMs: DEADLINES.botReplyMs,
    ...(failFast ? { failFast } : {}),
  });
  return { sentAt, arrivedAt: Date.now(), whatsappId: sent.id };
}

defineSuite(
  'evolution-faults',
  (cell) => {
    cell.scenario('chatwoot-enabled-unset', async (s) => {
      const endpoint = fault(s, 'chatwootDisabled');
      const instanceName = scoped(s, 'cwoff');
      const evolution = s.evolutionFor(endpoint.evolution);
      await ensureBotContact(s, s.chatwoot());
      const create = await evolution.createInstanceRaw(instanceName, {
        accountId: s.stack.chatwoot.accountId,
        token: s.stack.chatwoot.token,
        url: s.stack.chatwoot.urlFromEvolution,
      });
      const webhook = await evolution.webhook(instanceName, { event: 'message_created', message_type: 'outgoing', content: 'status' });
      s.note(`webhook answered ${webhook.status}: ${webhook.text.slice(0, 200)}`);
      // This instance's create only: the cell's other suites create instances at the same time.
      const exchange = (await s.exchanges({ link: 'harness->evolution', contains: instanceName })).find(
        (e) => e.request.url.endsWith('/instance/create') && e.request.body.includes(instanceName),
      );
      if (exchange) s.decisive({ kind: 'exchange', exchangeId: exchange.id });
      if (create.status !== 201) {
        s.fail(
          `/instance/create with Chatwoot answered ${create.status}: ${s.redactor.text(create.text).slice(0, 300)}`,
          exchange ? { kind: 'exchange', exchangeId: exchange.id } : undefined,
        );
      }
      expect(webhook.status).toBe(200);
    });

    cell.scenario('snake-case-body', async (s) => {
      faults(s);
      const instanceName = scoped(s, 'snake');
      const evolution = s.evolution();
      await ensureBotContact(s, s.chatwoot());
      const create = await evolution.createInstanceRawAs('snake_case', instanceName, {
        accountId: s.stack.chatwoot.accountId,
        token: s.stack.chatwoot.token,
        url: s.stack.chatwoot.urlFromEvolution,
      });
      expect(create.status, `POST /instance/create: ${s.redactor.text(create.text).slice(0, 300)}`).toBe(201);
      // 2.x echoes a `chatwoot` block only for an instance it linked: its absence is the answer at once, no wait needed.
      const linked = typeof create.json === 'object' && create.json !== null && 'chatwoot' in create.json;
      if (!linked) {
        s.fail(
          `Evolution ${s.stack.evolutionVersion} ignored the snake_case chatwoot_* fields: the instance was created without Chatwoot (the answer has no chatwoot block; 2.x wants chatwootAccountId …)`,
        );
      }
    });

    cell.scenario('redis-default-without-redis', async (s) => {
      const endpoint = fault(s, 'redisUnreachable');
      const instanceName = scoped(s, 'redis');
      const evolution = s.evolutionFor(endpoint.evolution);
      await ensureBotContact(s, s.chatwoot());
      const since = Date.now();
      const create = await evolution.createInstanceRaw(instanceName, {
        accountId: s.stack.chatwoot.accountId,
        token: s.stack.chatwoot.token,
        url: s.stack.chatwoot.urlFromEvolution,
      });
      expect(create.status, `POST /instance/create: ${s.redactor.text(create.text).slice(0, 300)}`).toBe(201);
      // The bootstrap's first call comes within a second; the hang is named once the deadline saw none and Evolution's
      // log shows Redis down (evolution-api-2.x.md §1.3).
      await s.waitFor(
        `Evolution's first Chatwoot call for ${instanceName}`,
        async () => (await s.exchanges({ link: 'evolution->chatwoot', since, contains: instanceName })).length > 0,
        {
          timeoutMs: SILENCE_MS * 3,
          intervalMs: POLL_MS,
          failFast: async () => {
            if (Date.now() - since < SILENCE_MS) return undefined;
            const redis = (await s.logs({ since, contains: 'redis disconnected' }))[0];
            if (!redis) return undefined;
            return {
              message: `no Chatwoot call ${SILENCE_MS} ms after the 201 while Evolution logs "redis disconnected": the Redis cache (CACHE_REDIS_ENABLED) hangs every Chatwoot operation`,
              decisive: { kind: 'log', service: redis.service, line: redis.line },
            };
          },
        },
      );
    });

    // The backend tried the start; the scenario reads what happened (nothing to wait for).
    cell.scenario('database-unreachable', (s) => {
      const outcome = fault(s, 'databaseUnreachable');
      s.note(`start: ${outcome.started ? 'started' : `did not start (${outcome.error ?? 'no reason'})`}`);
      if (!outcome.started) {
        const line = outcome.log.find((entry) => entry.includes('Migration failed')) ?? outcome.log.at(-1);
        s.fail(`Evolution ${s.stack.evolutionVersion} did not start without a reachable database: ${line ?? outcome.error ?? 'no log'}`);
      }
      return Promise.resolve();
    });

    cell.scenario('baked-import-uri-media', async (s) => {
      const endpoint = fault(s, 'bakedImportUri');
      const since = Date.now();
      // 2.1.2's check throws out of the media relay (§5.2): the error names the placeholder's host.
      await inboundImage(s, 'baked', endpoint, async () => {
        // 2.2.0+ fails the same lookup softly and says so ("Error on getExistingSourceIds", 2.3.x): that is no drop.
        const relay = (await s.logs({ since, contains: 'getaddrinfo' })).find(
          (line) => / host\b/.test(line.line) && !line.line.includes('getExistingSourceIds'),
        );
        if (!relay) return undefined;
        return { message: `the inbound image never reached Chatwoot: Evolution's import database check failed (${relay.line.trim().slice(0, 160)})` };
      });
    });

    cell.scenario('slow-media-store', async (s) => {
      const endpoint = fault(s, 'slowMediaStore');
      // The latency proxy is shared with config-faults/slow-storage, which sets the same delay; it is never reset.
      const control = createHttpClient({ baseUrl: endpoint.latencyControlUrl, service: 'latency-proxy' });
      const set = await control.raw({ method: 'PUT', path: '', json: { delayMs: endpoint.latencyMs } });
      if (set.status !== 200) throw new Error(`could not set the storage latency: ${set.status} ${set.text}`);
      const { sentAt, arrivedAt } = await inboundImage(s, 'slowmedia', endpoint);
      s.note(`with ${endpoint.latencyMs} ms latency on Evolution's S3 the image reached Chatwoot ${arrivedAt - sentAt} ms after it was sent`);
      // The guide's claim: S3 latency breaks initialisation. 2.x stores its copy only after the Chatwoot post (§2.4).
      const failed = (await s.exchanges({ link: 'evolution->chatwoot', since: sentAt, failed: true }))[0];
      if (failed) s.fail(describeFailedExchange('Evolution', failed), { kind: 'exchange', exchangeId: failed.id });
    });
  },
  { scenarios: 'concurrent' },
);
