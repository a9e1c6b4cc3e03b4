import type { ServerResponse } from 'node:http';
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
import { buildEvolutionRouter, newUuid, type RouteContext } from './evolution-routes.ts';
import { renderHttpError, throwUpstream } from './evolution-http-errors.ts';
import { readLimitedText } from './read-limited-body.ts';
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
  const chatwoot = new ChatwootService({
    config,
    store,
    work,
    transport: { dispatcher, abortable: work.abortable },
    logger: baseLogger.forContext('ChatwootService'),
    t: createBotTranslator(config.language),
    instance: (name) => instances.get(name),
    random: Math.random,
  });

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
    });
    instances.set(name, instance);
    return instance;
  };

  const router = buildEvolutionRouter({
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
  });

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

  const served = await serveApp(
    {
      fetch: (request: Request, env?: { outgoing?: ServerResponse }) => {
        const url = new URL(request.url);
        if (url.pathname === WHATSAPP_CONTROL_PREFIX || url.pathname.startsWith(`${WHATSAPP_CONTROL_PREFIX}/`)) return control.fetch(request);
        return work.track(handleEvolution(request, url, env?.outgoing));
      },
    },
    { host: options.host ?? '127.0.0.1', port: config.port },
  );

  baseLogger.forContext('EvolutionTwin').info(`profile ${config.version}, simulated WhatsApp, store ${store.root}`);
  baseLogger.info(`HTTP - ON: ${served.port}`);

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
        network.close();
        for (const instance of instances.values()) instance.dispose();
        await work.close();
        await served.close();
        await dispatcher.destroy();
        store.dispose();
      })();
      return closed;
    },
  };
}
