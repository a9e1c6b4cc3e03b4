import { CONTROL_PREFIX } from '../../../model/harness-wire.ts';
import { containerLabels } from '../labels.ts';
import type { ContainerSpec } from './container-spec.ts';
import type { SpecContext } from './spec-context.ts';

export interface ProxySpecInput {
  serviceId: string;
  cells: readonly string[];
  /** Spec name, and the DNS alias the proxy answers on (the name other containers use for the service). */
  name: string;
  aliases: string[];
  /** Port it listens on: the port of the service it fronts, so in-network URLs look like the real ones. */
  port: number;
  /** `http://alias:port` of what it forwards to. */
  upstream: string;
  kind: 'record' | 'latency';
  /** record: link label of recorded exchanges (e.g. evolution->chatwoot). */
  link?: string;
  /** latency: initial delay. */
  delayMs?: number;
  /** record: the upstream is a twin, which never closes an idle connection: the proxy may reuse its connections. */
  upstreamIsTwin?: boolean;
}

/**
 * The harness's proxy container (src/evidence/start-proxy-twin.ts): a recording proxy on a link, read back
 * through its control API, or the latency proxy in front of the object store. Secrets of the run are passed
 * so what it serves is redacted at the source too.
 */
export function proxySpec(input: ProxySpecInput, context: SpecContext): ContainerSpec {
  const image = context.images.resolve('proxy');
  const env: Record<string, string> = {
    TWIN_PROXY_UPSTREAM: input.upstream,
    TWIN_PROXY_KIND: input.kind,
    PORT: String(input.port),
  };
  if (input.kind === 'record') {
    env.TWIN_PROXY_LINK = input.link ?? 'unlabelled';
    env.TWIN_PROXY_REDACT = Object.values(context.secrets).join(',');
    if (input.upstreamIsTwin) env.TWIN_PROXY_UPSTREAM_KEEPS_IDLE = 'true';
  } else env.TWIN_PROXY_DELAY_MS = String(input.delayMs ?? 0);
  return {
    name: input.name,
    serviceId: input.serviceId,
    role: input.kind === 'record' ? 'recording-proxy' : 'latency-proxy',
    slot: 'proxy',
    image: image.requested,
    env,
    networkAliases: input.aliases,
    exposedPorts: [input.port],
    wait: { kind: 'http', path: `${CONTROL_PREFIX}${input.kind === 'record' ? 'health' : 'latency'}`, port: input.port, status: 200, timeoutMs: 30_000 },
    dependsOn: [],
    labels: containerLabels(context.runLabels, {
      serviceId: input.serviceId,
      role: input.kind === 'record' ? 'recording-proxy' : 'latency-proxy',
      cells: input.cells,
    }),
    oneShot: false,
  };
}
