import type { ServerResponse } from 'node:http';
import { formatWithOptions } from 'node:util';
import { Agent } from 'undici';
import type { StartedTwin, TwinStartOptions } from '../../model/twin-types.ts';
import { serveApp } from '../../common/serve-app.ts';
import { stdoutSink } from '../../common/log-sink.ts';
import { parseEvolutionConfig } from './evolution-config.ts';
import { EvolutionLogger } from './evolution-logger.ts';
import { createBotTranslator } from './bot-texts.ts';
import { InstanceStore } from './instance-store.ts';
import { BackgroundWork } from './background-work.ts';
import { ChatwootService } from './chatwoot-service.ts';
import { EvolutionInstance } from './evolution-instance.ts';
import { buildEvolutionRouter, newUuid, type RouteContext, type RouteDeps } from './evolution-routes.ts';
import { buildEvolution2Router } from './evolution-routes-2.ts';
import { renderHttpError, throwUpstream } from './evolution-http-errors.ts';
import { readLimitedText } from './read-limited-body.ts';
import { openEvolutionDatabase } from './evolution-database.ts';
import { RedisCacheLink } from './redis-cache-link.ts';
import { createChatwootImportDatabase } from './chatwoot-import-database.ts';
import { createS3MediaStore } from './s3-media-store.ts';
import { SimulatedWhatsapp } from '../whatsapp/simulated-whatsapp.ts';
import { createWhatsappControlApi, WHATSAPP_CONTROL_PREFIX } from '../whatsapp/whatsapp-control-api.ts';

/** Runs `task` once the answer has been written out ('finish'), or the client went away ('close'). */
function runAfterSent(outgoing: ServerResponse | undefined, task: () => void): void {
  if (!outgoing) {
    setImmediate(task);
    return;
  }
  let ran = false;
  const once = () => {
    if (ran) return;
    ran = true;
    task();
  };
  outgoing.once('finish', once);
  outgoing.once('close', once);
}

/** console.log's rendering of a bare value (no colours), for upstream's stray console.log(error) calls. */
function consoleText(value: unknown): string {
  return `${formatWithOptions({ colors: false }, value)}\n`;
}

function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? '' : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-powered-by': 'Express' },
  });
}

/**
 * Express' json + urlencoded body parsers: an invalid JSON body is a 400 before routing, a body over the limit a
 * 413, a missing or non-JSON body is `{}`. Bodies of other types are never read (Express leaves them; Node
 * discards them once the answer is sent).
 */
async function readRequestBody(request: Request, limit: number): Promise<Record<string, unknown>> {
  if (request.method === 'GET' || request.method === 'HEAD') return {};
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  const json = type.includes('application/json');
  if (!json && !type.includes('application/x-www-form-urlencoded')) return {};
  const text = await readLimitedText(request, limit);
  if (json) {
    if (text.trim() === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throwUpstream({ status: 400, message: (error as Error).message });
    }
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/**
 * Starts the Evolution API twin (profiles 1.7.4 / 1.7.5) with its simulated WhatsApp, configured
 * by the upstream env vars (see README.md). All state is per call; several twins can share a process.
 */
export async function startEvolutionTwin(options: TwinStartOptions): Promise<StartedTwin> {
  const config = parseEvolutionConfig(options.env, options.port);
  const now = options.now ?? Date.now;
  const sink = options.log ?? stdoutSink;
  // 2.x: the entrypoint migrates first and main.ts connects before listening; no database, no start (2.x §0.2).
  const database = config.gen2 ? await openEvolutionDatabase(config, sink) : undefined;
  const work = new BackgroundWork();
  let closing = false;
  const baseLogger = new EvolutionLogger(
    { version: config.version, levels: config.logLevels, color: config.logColor, sink, now, isMuted: () => closing },
    'SERVER',
  );
  const store = new InstanceStore(config.storeDir);
  // "No retries, no timeouts" (§3.0): axios has none, so neither may undici.
  const dispatcher = new Agent({ headersTimeout: 0, bodyTimeout: 0, connectTimeout: 0 });
  const network = new SimulatedWhatsapp({
    qrRefreshMs: config.qrRefreshMs,
    now,
    onHandlerError: (error) => baseLogger.forContext('SimulatedWhatsapp').error(error),
  });
  const instances = new Map<string, EvolutionInstance>();
  // 2.x with CACHE_REDIS_ENABLED and a URI: Chatwoot operations wait for Redis, forever without one (2.x §1.3).
  const redis = config.gen2?.cache.redis ? new RedisCacheLink(config.gen2.cache.redisUri, baseLogger.forContext('Redis'), work) : undefined;
  const importDatabase =
    config.gen2?.importDatabaseAvailable === true ? createChatwootImportDatabase(config.gen2.importDatabaseUri, baseLogger.forContext('Postgres')) : undefined;
  const chatwoot = new ChatwootService({
    config,
    store,
    work,
    transport: { dispatcher, abortable: work.abortable, uploadUserAgent: `axios/${config.profile.uploadAxiosVersion}` },
    logger: baseLogger.forContext('ChatwootService'),
    t: createBotTranslator(config.language),
    instance: (name) => instances.get(name),
    random: Math.random,
    consoleLog: (value) => sink.write(consoleText(value)),
    ...(redis ? { cacheGate: () => redis.gate() } : {}),
    ...(importDatabase ? { importDatabase, importLogger: baseLogger.forContext('ChatwootImport') } : {}),
  });
  redis?.start();

  const gen2 = config.gen2;
  const mediaStore =
    gen2?.s3.enabled && gen2.database.saveNewMessage
      ? createS3MediaStore(gen2.s3, {
          timestampedKeys: config.profile.mediaKeyTimestamp,
          logger: baseLogger.forContext('S3 Service'),
          now,
          track: (task) => work.run(task, () => undefined),
        })
      : undefined;

  const registerInstance = (name: string, instanceId: string, integration: string | undefined): EvolutionInstance => {
    instances.get(name)?.dispose();
    const instance = new EvolutionInstance(name, instanceId, integration, {
      config,
      store,
      network,
      work,
      logger: baseLogger.forContext('ChannelStartupService'),
      chatwoot,
      dispatcher,
      random: Math.random,
      ...(mediaStore ? { mediaStore } : {}),
    });
    instances.set(name, instance);
    return instance;
  };

  const routeDeps: RouteDeps = {
    config,
    store,
    work,
    chatwoot,
    instances,
    registerInstance,
    removeInstance: (name) => {
      instances.get(name)?.dispose();
      instances.delete(name);
      store.removeInstance(name);
    },
    logger: baseLogger,
    newId: newUuid,
  };
  const monitorLogger = baseLogger.forContext('WAMonitoringService');
  /**
   * 2.x's `remove.instance` (evolution-api-2.x.md §M.1): the in-memory instance goes right after the answer, the
   * database row once its cleanup queries ran, 70–190 ms later. Until then the name exists (connectionState 200
   * without a state, create 403). Aborted by close(), which then leaves the row, as a stopped process does (§M.3).
   */
  const removeInstanceLater = (name: string): void => {
    instances.get(name)?.dispose();
    instances.delete(name);
    monitorLogger.warn(`Instance "${name}" - REMOVED`);
    const setting = config.gen2?.deletionDelay ?? { fixedMs: 0 };
    const delay = 'fixedMs' in setting ? setting.fixedMs : setting.rangeMs[0] + Math.floor(Math.random() * (setting.rangeMs[1] - setting.rangeMs[0] + 1));
    work.run(
      async () => {
        await work.sleep(delay);
        if (instances.has(name)) return;
        await database?.removeInstance(name);
        store.removeInstance(name);
      },
      (error) => monitorLogger.error(error),
    );
  };
  const router =
    config.gen2 && database
      ? buildEvolution2Router({
          ...routeDeps,
          gen2: config.gen2,
          database,
          removeInstanceLater,
          // Offline, Baileys' bundled version is what 2.3.6 answers (§M.2); the twin never asks WhatsApp.
          whatsappWebVersion: () => Promise.resolve(config.profile.welcomeWhatsappWebVersion),
        })
      : buildEvolutionRouter(routeDeps);

  const control = createWhatsappControlApi(network, {
    latestQr: (name) => instances.get(name)?.qrSnapshot(),
    instanceState: (name) => instances.get(name)?.connectionState(),
  });

  const handleEvolution = async (request: Request, url: URL, outgoing: ServerResponse | undefined): Promise<Response> => {
    let body: Record<string, unknown>;
    try {
      body = await readRequestBody(request, config.bodyLimitBytes);
    } catch (error) {
      const rendered = renderHttpError(error);
      return json(rendered.status, rendered.body);
    }
    const lookup = router.lookup(request.method, url.pathname);
    if (lookup.kind === 'none') {
      return json(404, { status: 404, error: 'Not Found', response: { message: [`Cannot ${request.method.toUpperCase()} ${url.pathname}${url.search}`] } });
    }
    if (lookup.kind === 'bad-param') {
      const rendered = renderHttpError({ status: 400, message: lookup.message });
      return json(rendered.status, rendered.body);
    }
    const context: RouteContext = { params: lookup.params, query: url.searchParams, headers: request.headers, body, origin: url.origin };
    try {
      const result = await lookup.handler(context);
      if (result.afterSent) runAfterSent(outgoing, result.afterSent);
      return json(result.status, result.body);
    } catch (error) {
      const rendered = renderHttpError(error);
      return json(rendered.status, rendered.body);
    }
  };

  const served = await (async () => {
    try {
      return await serveApp(
        {
          fetch: (request: Request, env?: { outgoing?: ServerResponse }) => {
            const url = new URL(request.url);
            if (url.pathname === WHATSAPP_CONTROL_PREFIX || url.pathname.startsWith(`${WHATSAPP_CONTROL_PREFIX}/`)) return control.fetch(request);
            return work.track(handleEvolution(request, url, env?.outgoing));
          },
        },
        // Behind the harness's proxies: only they close idle connections (serve-app.ts).
        { host: options.host ?? '127.0.0.1', port: config.port, keepIdleConnections: true },
      );
    } catch (error) {
      await database?.close();
      throw error;
    }
  })();

  baseLogger.forContext('EvolutionTwin').info(`profile ${config.version} (generation ${config.generation}), simulated WhatsApp, store ${store.root}`);
  // 1.7 logs it as INFO, 2.x as LOG (main.ts@2.3.6 `logger.log(... ' - ON: ' + PORT)`).
  if (config.gen2) baseLogger.log(`HTTP - ON: ${served.port}`);
  else baseLogger.info(`HTTP - ON: ${served.port}`);

  // Restart behaviour (§7): every stored instance is loaded and reconnects to WhatsApp.
  for (const name of store.storedInstanceNames()) {
    const integration = store.readIntegration(name);
    const auth = store.readAuth(name);
    const instance = registerInstance(name, auth?.instanceId ?? newUuid(), integration?.integration);
    await instance.connectToWhatsapp(undefined);
  }

  let closed: Promise<void> | undefined;
  return {
    role: 'evolution',
    version: config.version,
    url: served.url,
    port: served.port,
    close() {
      closed ??= (async () => {
        closing = true;
        redis?.close();
        network.close();
        for (const instance of instances.values()) instance.dispose();
        await work.close();
        await served.close();
        await dispatcher.destroy();
        await database?.close();
        await importDatabase?.close();
        store.dispose();
      })();
      return closed;
    },
  };
}
