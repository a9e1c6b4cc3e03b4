import type { Readable } from 'node:stream';
import { GenericContainer, Wait, type StartedTestContainer, type WaitStrategy } from 'testcontainers';
import { HttpReadyWait } from './http-ready-wait.ts';
import type { LogSink } from '../../common/log-sink.ts';
import type { ContainerSpec, WaitSpec } from './specs/container-spec.ts';
import type { RunNetwork } from './network.ts';

/** Ports are published on this address only (MACHINE-NOTES, issue: "Publish ports on 127.0.0.1"). */
export const PUBLISH_HOST = '127.0.0.1';

export interface StartedContainerHandle {
  spec: ContainerSpec;
  id: string;
  /** Undefined for one-shots: they exited and were removed. */
  container: StartedTestContainer | undefined;
  /** Host port a container port is published on (127.0.0.1). */
  hostPort(containerPort: number): number;
  /** `http://127.0.0.1:<host port>`. */
  hostUrl(containerPort: number): string;
}

export interface StartContainerOptions {
  network: RunNetwork;
  containerName: string;
  /** Receives every log line from the first one on; attached before start, so a failed wait still leaves logs. */
  log: LogSink;
  /**
   * Called with the container id as soon as it exists (before it starts), so cleanup can find it. May throw
   * (after removing the container) to refuse a container created while the run was stopping.
   */
  onCreated?: (containerId: string) => Promise<void>;
  /** Called once the engine has started the container (its network endpoint exists), before the wait. */
  onStarted?: (containerId: string) => void;
  /** Aborted when the run stops: HTTP waits give up at once. */
  signal: AbortSignal;
}

/** Our wait spec → a wait strategy: our abortable HTTP wait, testcontainers' log and one-shot waits (upstream only). */
export function toWaitStrategy(wait: WaitSpec, signal: AbortSignal): WaitStrategy {
  switch (wait.kind) {
    case 'http':
      return new HttpReadyWait(wait, { host: PUBLISH_HOST, signal }).withStartupTimeout(wait.timeoutMs);
    case 'log':
      return Wait.forLogMessage(wait.pattern, wait.times).withStartupTimeout(wait.timeoutMs);
    case 'one-shot':
      return Wait.forOneShotStartup().withStartupTimeout(wait.timeoutMs);
  }
}

/** Splits a log stream into lines (chunks can end mid-line) and hands them to the sink. */
export function pipeLogLines(stream: Readable, sink: LogSink): void {
  let pending = '';
  stream.setEncoding?.('utf8');
  stream.on('data', (chunk: string | Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) sink.write(line.replace(/\r$/, ''));
  });
  const flush = () => {
    if (pending !== '') sink.write(pending);
    pending = '';
  };
  stream.on('end', flush);
  stream.on('close', flush);
  stream.on('error', flush);
}

/**
 * GenericContainer with what testcontainers 11 does not offer directly: ports published on 127.0.0.1
 * (it binds all interfaces), the container attached only to the run network with its aliases (withNetworkAliases
 * would first create it on the default bridge), and a hook when the container exists.
 */
class RunContainer extends GenericContainer {
  constructor(
    image: string,
    private readonly network: RunNetwork,
    private readonly aliases: readonly string[],
    private readonly onCreated: ((containerId: string) => Promise<void>) | undefined,
    private readonly onStarted: ((containerId: string) => void) | undefined,
  ) {
    super(image);
    this.withNetworkMode(network.name);
  }

  protected override beforeContainerCreated(): Promise<void> {
    // dockerode types PortBindings as `any`; Docker's PortMap is `{ "<port>/<proto>": [{ HostIp, HostPort }] }`.
    const portBindings = (this.hostConfig.PortBindings ?? {}) as Record<string, { HostIp?: string; HostPort?: string }[]>;
    for (const bindings of Object.values(portBindings)) {
      for (const binding of bindings) binding.HostIp = PUBLISH_HOST;
    }
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [this.network.name]: { Aliases: [...this.aliases] } } };
    return Promise.resolve();
  }

  private createdId: string | undefined;

  protected override async containerCreated(containerId: string): Promise<void> {
    this.createdId = containerId;
    await this.onCreated?.(containerId);
  }

  protected override containerStarting(): Promise<void> {
    if (this.createdId) this.onStarted?.(this.createdId);
    return Promise.resolve();
  }
}

export async function startContainer(spec: ContainerSpec, options: StartContainerOptions): Promise<StartedContainerHandle> {
  const container = new RunContainer(spec.image, options.network, spec.networkAliases, options.onCreated, options.onStarted)
    .withName(options.containerName)
    .withLabels(spec.labels)
    .withEnvironment(spec.env)
    .withWaitStrategy(toWaitStrategy(spec.wait, options.signal))
    .withLogConsumer((stream) => pipeLogLines(stream, options.log));
  if (spec.entrypoint) container.withEntrypoint(spec.entrypoint);
  if (spec.command) container.withCommand(spec.command);
  if (spec.exposedPorts.length > 0) container.withExposedPorts(...spec.exposedPorts);

  const started = await container.start();
  const id = started.getId();
  if (spec.oneShot) {
    // Finished (the wait saw exit 0): remove it now; its logs are already in the sink.
    await started.stop({ remove: true, timeout: 0 }).catch(() => undefined);
    return {
      spec,
      id,
      container: undefined,
      hostPort: () => {
        throw new Error(`${spec.name} is a one-shot container and publishes no ports`);
      },
      hostUrl: () => {
        throw new Error(`${spec.name} is a one-shot container and publishes no ports`);
      },
    };
  }
  return {
    spec,
    id,
    container: started,
    hostPort: (port) => started.getMappedPort(port),
    hostUrl: (port) => `http://${PUBLISH_HOST}:${started.getMappedPort(port)}`,
  };
}
