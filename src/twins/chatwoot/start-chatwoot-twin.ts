import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { serveApp } from '../../common/serve-app.ts';
import { stdoutSink } from '../../common/log-sink.ts';
import { CHATWOOT_VERSIONS } from '../../model/axes.ts';
import type { StartedTwin, TwinStartOptions } from '../../model/twin-types.ts';
import { parseChatwootConfig, type ChatwootTwinConfig } from './chatwoot-config.ts';
import { createChatwootApp } from './create-chatwoot-app.ts';
import { RailsLogger } from './http/rails-log.ts';
import { TwinState } from './twin-state.ts';
import type { TwinDeps, TwinRandom } from './twin-context.ts';
import { BlobSigner } from './storage/blob-signer.ts';
import { LocalDiskStore } from './storage/local-disk-store.ts';
import { S3CompatibleStore } from './storage/s3-compatible-store.ts';
import type { AttachmentStore } from './storage/attachment-store.ts';
import { EventBus } from './webhooks/event-bus.ts';
import { WebhookDeliverer } from './webhooks/webhook-deliverer.ts';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** has_secure_token's format: 24 base58 characters. */
function secureToken(): string {
  return [...randomBytes(24)].map((byte) => BASE58[byte % BASE58.length]).join('');
}

const defaultRandom: TwinRandom = { token: secureToken, uuid: randomUUID };

function createStore(config: ChatwootTwinConfig, signer: BlobSigner, now: () => number): AttachmentStore {
  return config.storage.kind === 'local' ? new LocalDiskStore(config.storage.dir, signer, now) : new S3CompatibleStore(config.storage, now);
}

/** A started Chatwoot twin plus test hooks (not part of StartedTwin). */
export interface StartedChatwootTwin extends StartedTwin {
  role: 'chatwoot';
  version: ChatwootTwinConfig['version'];
  config: ChatwootTwinConfig;
  /** Resolves when every queued webhook delivery has finished. */
  webhooksIdle(): Promise<void>;
}

/**
 * Starts a Chatwoot stand-in of one version profile (chatwoot-3.7-3.9.md §9, chatwoot-3.10-4.x.md §9) configured by the
 * upstream env vars; all state lives in this instance.
 */
export async function startChatwootTwin(options: TwinStartOptions): Promise<StartedChatwootTwin> {
  const now = options.now ?? Date.now;
  const config = parseChatwootConfig(options.env);
  const log = new RailsLogger(options.log ?? stdoutSink, now);
  const state = new TwinState();
  const signer = new BlobSigner(config.secretKeyBase);
  const storage = createStore(config, signer, now);
  const deliverer = new WebhookDeliverer({ concurrency: config.sidekiqConcurrency });
  const presentContext = { state, frontendUrl: config.frontendUrl, signer };
  const events = new EventBus(presentContext, deliverer, log, now, config.webhooks, () => defaultRandom.uuid());
  const deps: TwinDeps = { config, state, now, log, events, storage, signer, present: presentContext, random: defaultRandom };
  const app = createChatwootApp(deps);

  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? config.port;
  log.raw('=> Booting Puma');
  log.raw('=> Rails 7.0.8.1 application starting in production');
  log.raw(
    config.versionWasDefaulted
      ? `=> Chatwoot twin ${config.version} (TWIN_VERSION not set: defaulting to ${config.version}; allowed ${CHATWOOT_VERSIONS.join(', ')})`
      : `=> Chatwoot twin ${config.version} (TWIN_VERSION=${config.version})`,
  );
  if (config.accountSignupEnvIgnored) {
    log.raw(
      `=> ENABLE_ACCOUNT_SIGNUP is ignored from 4.3.0: the installation config decides (here ${config.accountSignup}; TWIN_INSTALLATION_ENABLE_ACCOUNT_SIGNUP stands in for it)`,
    );
  }
  log.raw(
    config.storage.kind === 'local'
      ? `=> ActiveStorage service: local (${config.storage.dir})`
      : `=> ActiveStorage service: s3_compatible (endpoint ${config.storage.endpoint}, bucket ${config.storage.bucket})`,
  );
  let served;
  try {
    // Behind the harness's proxies: only they close idle connections (serve-app.ts).
    served = await serveApp(app, { host, port, keepIdleConnections: true });
  } catch (error) {
    await storage.close();
    await deliverer.close();
    throw error;
  }
  log.raw('Puma starting in single mode...');
  log.raw('* Puma version: 6.4.2 (ruby 3.2.2-p53) ("The Eagle of Durango")');
  log.raw('*  Environment: production');
  log.raw(`*          PID: ${process.pid}`);
  log.raw(`* Listening on http://${host}:${served.port}`);
  log.raw('Use Ctrl-C to stop');

  let closing: Promise<void> | undefined;
  return {
    role: 'chatwoot',
    version: config.version,
    url: served.url,
    port: served.port,
    config,
    webhooksIdle: () => deliverer.idle(),
    close() {
      closing ??= (async () => {
        await served.close();
        await deliverer.close();
        await storage.close();
        if (config.storage.kind === 'local' && config.storage.dirWasDefaulted) {
          await rm(config.storage.dir, { recursive: true, force: true });
        }
      })();
      return closing;
    },
  };
}
