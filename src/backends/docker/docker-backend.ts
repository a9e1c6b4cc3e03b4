/**
 * The docker backend: the plan's services as containers through testcontainers, on one labelled network per
 * run, with the same shared-stack plan, per-cell accounts, recording proxies and evidence as the sim backend.
 *
 * `images: 'upstream'` runs the real images (chatwoot/chatwoot, atendai/evolution-api, MinIO, Postgres, Redis);
 * `images: 'twin'` runs the locally built twin images through the very same specs, only the image names
 * swapped (and the Postgres/Redis/prepare/sidekiq containers left out: see specs/chatwoot-specs.ts).
 * The recording and latency proxies are the harness's own image in both modes.
 *
 * Lifecycle and safety: every container and the network carry the run id; stop() (safe to call concurrently
 * and twice), a failed start, and an abort of options.signal (SIGINT/SIGTERM in the run command) all remove
 * everything of the run, by label; a detached watchdog does it if the process dies first (run-reaper.ts).
 * Ryuk is not used. Ports are published on 127.0.0.1 only.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ImageName } from 'testcontainers';
import { request } from 'undici';
import { ErrorCodes, HarnessError, InfrastructureError } from '../../errors/index.ts';
import { createCellClassifier } from '../../evidence/cell-classifier.ts';
import { EvidenceHub, serveEvidenceHub } from '../../evidence/evidence-hub.ts';
import { CONTROL_PREFIX } from '../../model/harness-wire.ts';
import { createRemoteExchangeSource } from '../../evidence/remote-exchange-source.ts';
import type { RunPlan } from '../../matrix/plan-types.ts';
import { instancePrefixFor } from '../../stack/build-cell-stack.ts';
import type { Backend, BackendStartOptions, StartedEnvironment } from '../backend.ts';
import { startInDependencyOrder } from '../sim/start-in-order.ts';
import { accountCells, cellLogMarkers, provisionCellAccounts } from '../shared/cell-accounts.ts';
import { cachedProxySource } from './cached-exchange-source.ts';
import { DockerEnvironment } from './docker-environment.ts';
import { logSources } from './docker-evidence.ts';
import { DockerRun } from './docker-run.ts';
import { buildStack, collectRuntimes, proxyHandleUrl } from './docker-stacks.ts';
import { startRunWatchdog } from './run-reaper.ts';
import { connectToEngine, imageDigest, missingImages } from './engine.ts';
import { createImageResolver, type ImagesKind } from './images.ts';
import { runLabels } from './labels.ts';
import { currentOwner } from '../../common/process-identity.ts';
import type { ContainerSpec } from './specs/container-spec.ts';
import { MINIO_PORT } from './specs/minio-spec.ts';
import { allProxySpecs, proxySpecs, S3_REGION, serviceSpecs, storeServiceOf, type ServiceContainers, type ServiceProxies } from './specs/plan-specs.ts';
import { DEFAULT_PLAN_SETTINGS, type RunSecrets, type SpecContext } from './specs/spec-context.ts';
import { applyTestcontainersDefaults } from './testcontainers-env.ts';
import { ensureTwinImages } from './twin-images/ensure-twin-images.ts';

export interface DockerBackendOptions {
  images: ImagesKind;
}

export function createDockerBackend(options: DockerBackendOptions): Backend {
  return { name: 'docker', start: (plan, startOptions) => startDockerEnvironment(plan, options.images, startOptions) };
}

function newRunSecrets(): RunSecrets {
  const hex = (bytes: number) => randomBytes(bytes).toString('hex');
  return {
    postgresPassword: hex(16),
    redisPassword: hex(16),
    secretKeyBase: hex(64),
    evolutionApiKey: hex(16).toUpperCase(),
    s3AccessKeyId: `evochat${hex(6)}`,
    s3SecretAccessKey: hex(20),
    platformToken: hex(20),
  };
}

/** Upstream mode: pull what is missing before any container starts, as its own timed phase (never for local images). */
async function pullMissing(
  env: DockerEnvironment,
  client: Awaited<ReturnType<typeof connectToEngine>>,
  specs: readonly ContainerSpec[],
  context: SpecContext,
): Promise<void> {
  const remote = new Map<string, ImageName>();
  for (const spec of specs) {
    // ImageName applies TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX, exactly as GenericContainer will.
    if (!context.images.resolve(spec.slot).local) remote.set(spec.image, ImageName.fromString(spec.image));
  }
  const missing = new Set(
    await missingImages(
      client,
      [...remote.values()].map((name) => name.string),
    ),
  );
  for (const name of remote.values()) {
    if (!missing.has(name.string)) continue;
    env.assertActive();
    env.progress('pull', `pulling ${name.string}`);
    await client.image.pull(name, { force: false, platform: undefined });
  }
}

/**
 * Creates each Chatwoot's bucket on its object store (Chatwoot does not create it; the harness must, as with
 * real MinIO). Returns the host URL of each store, by service id (a naive plan has one store per cell).
 */
async function createBuckets(env: DockerEnvironment, run: DockerRun, services: ReadonlyMap<string, ServiceContainers>): Promise<Map<string, string>> {
  const storeUrls = new Map<string, string>();
  for (const entry of services.values()) {
    if (entry.service.kind === 's3' && entry.main) storeUrls.set(entry.service.id, run.handles.get(entry.main.name)!.hostUrl(MINIO_PORT));
  }
  for (const entry of services.values()) {
    const store = storeServiceOf(env.plan, entry.service);
    const endpoint = store && storeUrls.get(store.id);
    if (!entry.bucket || !endpoint) continue;
    const client = new S3Client({
      endpoint,
      region: S3_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: env.secrets.s3AccessKeyId, secretAccessKey: env.secrets.s3SecretAccessKey },
    });
    try {
      await client.send(new CreateBucketCommand({ Bucket: entry.bucket }));
    } catch (error) {
      throw new InfrastructureError(
        ErrorCodes.bootstrap,
        `could not create bucket ${entry.bucket} on ${endpoint}: ${env.redactor.text((error as Error).message)}`,
        { cause: error },
      );
    } finally {
      client.destroy();
    }
  }
  return storeUrls;
}

/** Does the host reach a container's bridge address (Linux: yes; Docker Desktop: no)? data_url checks from the host need it. */
async function hostReachesContainers(url: string): Promise<boolean> {
  try {
    const response = await request(`${url}${CONTROL_PREFIX}health`, { signal: AbortSignal.timeout(3_000) });
    await response.body.dump();
    return response.statusCode === 200;
  } catch {
    return false;
  }
}

interface StartContext {
  env: DockerEnvironment;
  run: DockerRun;
  plan: RunPlan;
  context: SpecContext;
  proxies: ReadonlyMap<string, ServiceProxies>;
  proxyList: readonly ContainerSpec[];
  /** Containers starting at once: proxies are tiny and upstream boots slow, so a few more than the stack cap. */
  containerCap: number;
}

function startAll(ctx: StartContext, specs: readonly ContainerSpec[]): Promise<void> {
  return startInDependencyOrder(
    specs.map((spec) => ({ id: spec.name, dependsOn: spec.dependsOn, spec })),
    ctx.containerCap,
    async ({ spec }) => {
      ctx.env.assertActive();
      if (spec.startProbe) return probeStart(ctx, spec);
      await ctx.run.start(spec);
      ctx.env.progress('start', `${spec.name} ready`);
    },
  );
}

/**
 * A container whose start is itself under test (an Evolution without a reachable database): its failure is recorded
 * for the scenario, not raised. The sim backend does the same (backends/sim/evolution-generation-env.ts).
 */
async function probeStart(ctx: StartContext, spec: ContainerSpec): Promise<void> {
  const { env, run } = ctx;
  const lines = () => (run.logs.get(spec.name)?.capture.lines() ?? []).map((line) => env.redactor.text(line));
  try {
    await run.start(spec);
    env.startOutcomes.set(spec.serviceId, { started: true, error: undefined, log: lines() });
    env.progress('start', `${spec.name} started (start probe)`);
  } catch (error) {
    if (run.stopping) throw error;
    env.startOutcomes.set(spec.serviceId, { started: false, error: env.redactor.text((error as Error).message), log: lines() });
    env.progress('start', `${spec.name} did not start (start probe; the scenario judges it)`);
  }
}

/** Stage 1 (proxies, no dependencies) then stage 2 (the services, wired with the proxies' addresses). */
async function startContainers(ctx: StartContext): Promise<Map<string, ServiceContainers>> {
  const { env, run, plan, context, proxies, proxyList } = ctx;
  await startAll(ctx, proxyList);
  const addresses = new Map<string, string>();
  for (const spec of proxyList) addresses.set(spec.name, run.handles.get(spec.name)!.container!.getIpAddress(run.network!.name));
  const probe = proxyList.find((spec) => spec.role === 'recording-proxy');
  if (probe && !(await hostReachesContainers(`http://${addresses.get(probe.name)}:${probe.exposedPorts[0]}`))) {
    env.progress('start', 'warning: this host cannot reach container addresses; data_url checks from the host will fail (Docker Desktop / remote engine)');
  }
  const services = serviceSpecs(plan, context, proxies, addresses);
  for (const entry of services.values()) {
    if (entry.replacedByTwin.length > 0)
      env.progress('start', `${entry.service.id}: twin stands in for ${entry.replacedByTwin.map((r) => r.role).join(', ')} (not started)`);
  }
  await startAll(
    ctx,
    [...services.values()].flatMap((entry) => entry.specs),
  );
  return services;
}

/** Buckets, a Chatwoot account per cell (over HTTP, as on every backend), the evidence hub, the stacks, the digests. */
async function bootstrapCells(
  ctx: StartContext,
  services: ReadonlyMap<string, ServiceContainers>,
  client: Awaited<ReturnType<typeof connectToEngine>>,
): Promise<void> {
  const { env, run, plan, proxies, proxyList } = ctx;
  const storeUrls = await createBuckets(env, run, services);
  for (const [id, url] of storeUrls) env.storeUrls.set(id, url);
  collectRuntimes(env, run, proxies, services, (service) => storeUrls.get(storeServiceOf(plan, service)?.id ?? ''));
  await startInDependencyOrder(
    [...env.chatwoots.values()].map((runtime) => ({ id: runtime.service.id, dependsOn: [], runtime })),
    env.options.jobs,
    async ({ runtime }) => {
      env.assertActive();
      const accounts = await provisionCellAccounts({
        url: runtime.url,
        urlFromEvolution: runtime.urlFromEvolution,
        serviceId: runtime.service.id,
        cells: runtime.service.cells,
        withPtBr: runtime.service.variant === 'standard',
        runId: env.options.runId,
        redactor: env.redactor,
        platformToken: env.secrets.platformToken,
      });
      runtime.accounts = accounts;
      env.progress('bootstrap', `${runtime.service.id}: ${accounts.accounts.size} cell account(s)${accounts.ptBr ? ' + pt_BR' : ''}`);
    },
  );

  const prefixes = new Map(plan.cells.map((cell) => [instancePrefixFor(cell), cell.id]));
  const noAccounts = new Map<number, string[]>();
  // Each proxy attributes by the accounts of the Chatwoot it belongs to (account ids repeat across Chatwoots).
  const exchangeSources = proxyList
    .filter((spec) => spec.role === 'recording-proxy')
    .map((spec) => {
      const chatwoot = env.chatwoots.get(spec.serviceId);
      const accounts = chatwoot?.accounts ? accountCells(chatwoot.accounts) : noAccounts;
      const fallback = plan.services.find((service) => service.id === spec.serviceId)?.cells ?? [];
      return cachedProxySource(createRemoteExchangeSource(spec.name, proxyHandleUrl(run, spec)), {
        cells: fallback,
        classify: createCellClassifier({ accounts, instancePrefixes: prefixes, fallback }),
        idPrefix: spec.name,
      });
    });
  const allAccounts = [...env.chatwoots.values()].flatMap((runtime) => (runtime.accounts ? [runtime.accounts] : []));
  const hub = new EvidenceHub({
    exchangeSources,
    logSources: logSources(env, run),
    redactor: env.redactor,
    logMarkers: cellLogMarkers(plan.cells, allAccounts),
  });
  const served = await serveEvidenceHub(hub);
  env.setHub(hub, () => served.close());
  for (const cell of plan.cells) env.stacks.set(cell.id, buildStack(env, cell, served.cellUrl(cell.id)));

  // Image digests for the report (local builds have no RepoDigest; their image id is their digest).
  const digests = new Map<string, string>();
  for (const spec of [...proxyList, ...[...services.values()].flatMap((entry) => entry.specs)]) {
    const effective = ImageName.fromString(spec.image).string;
    if (!digests.has(effective)) digests.set(effective, await imageDigest(client, effective));
    const forService = env.imagesByService.get(spec.serviceId) ?? {};
    forService[effective] = digests.get(effective)!;
    env.imagesByService.set(spec.serviceId, forService);
  }
}

async function startDockerEnvironment(plan: RunPlan, kind: ImagesKind, options: BackendStartOptions): Promise<StartedEnvironment> {
  applyTestcontainersDefaults();
  const createdAt = new Date();
  const env = new DockerEnvironment(kind, plan, newRunSecrets(), options);
  env.watchAbort();
  try {
    await mkdir(options.artifactsDir, { recursive: true });
    // Twin mode needs every twin image; upstream mode only the harness's proxy image, built by the same step.
    await env.timed('build', () => ensureTwinImages({ log: (line) => env.progress('build', line) }));
    env.assertActive();
    const client = await connectToEngine();
    // Owned by this process: `clean` keeps the run's resources while it lives.
    const labels = runLabels(options.runId, createdAt, currentOwner());
    const context: SpecContext = {
      runId: options.runId,
      createdAt,
      images: createImageResolver(kind),
      settings: plan.settings ?? DEFAULT_PLAN_SETTINGS,
      secrets: env.secrets,
      runLabels: labels,
    };
    const proxies = proxySpecs(plan, context);
    const proxyList = allProxySpecs(proxies);
    if (kind === 'upstream') {
      // Stage-2 specs only to know their images; the real ones are built once the proxies have addresses.
      const preview = [...serviceSpecs(plan, context, proxies, new Map(proxyList.map((spec) => [spec.name, '0.0.0.0']))).values()].flatMap(
        (entry) => entry.specs,
      );
      await env.timed('pull', () => pullMissing(env, client, [...proxyList, ...preview], context));
    }
    env.assertActive();

    // Before the first resource exists: from here on, a dead process does not leave the run behind.
    env.watchdog = startRunWatchdog(options.runId);
    const run = new DockerRun({ client, runId: options.runId, labels, artifactsDir: options.artifactsDir, redact: (line) => env.redactor.text(line) });
    env.run = run;
    const network = await env.timed('network', () => run.createNetwork());
    env.progress('network', `${network.name}: everything of this run carries the label evochat.run-id=${options.runId}`);

    const ctx: StartContext = { env, run, plan, context, proxies, proxyList, containerCap: Math.max(2, options.jobs * 2) };
    const services = await env.timed('start', () => startContainers(ctx));
    env.assertActive();
    await env.timed('bootstrap', () => bootstrapCells(ctx, services, client));
    return env;
  } catch (error) {
    await env.stop();
    if (options.signal?.aborted || (error instanceof HarnessError && error.code === ErrorCodes.interrupted)) {
      throw new InfrastructureError(ErrorCodes.interrupted, 'interrupted while starting the docker backend; everything it had started was removed', {
        cause: error,
      });
    }
    if (error instanceof HarnessError) throw error;
    throw new InfrastructureError(ErrorCodes.serviceStart, `the docker backend failed to start: ${env.redactor.text((error as Error).message)}`, {
      cause: error,
    });
  }
}
