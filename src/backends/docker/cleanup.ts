import type { ContainerRuntimeClient } from 'testcontainers';
import { decideLeftover, type LeftoverDecision, type LeftoverPolicy } from '../../common/leftover-decision.ts';
import { ownerState } from '../../common/process-identity.ts';
import { LABELS, labelFilter } from './labels.ts';

export interface LabelledResource {
  kind: 'container' | 'network';
  id: string;
  name: string;
  runId: string;
  createdAt: string | undefined;
  /** Container state (running, exited, created…); networks have none. */
  state?: string;
  /** The owner labels, where the run recorded them (labels.ts runLabels). */
  owner?: { host?: string; pid?: number; start?: string };
}

function ownerFromLabels(labels: Record<string, string>): LabelledResource['owner'] {
  const pid = labels[LABELS.ownerPid];
  if (pid === undefined) return undefined;
  return { host: labels[LABELS.ownerHost], pid: /^\d+$/.test(pid) ? Number(pid) : undefined, start: labels[LABELS.ownerStart] };
}

export interface ListOptions {
  /** Only this run's resources; every evochat run's when omitted. */
  runId?: string;
  /** Only resources whose evochat.created-at is older than this instant. */
  createdBefore?: Date;
}

function isOlder(createdAt: string | undefined, before: Date | undefined): boolean {
  if (!before) return true;
  const at = createdAt === undefined ? Number.NaN : Date.parse(createdAt);
  // A resource without a readable creation time is kept: better a leftover than removing a running run's.
  return !Number.isNaN(at) && at < before.getTime();
}

export async function listLabelledResources(client: ContainerRuntimeClient, options: ListOptions = {}): Promise<LabelledResource[]> {
  const dockerode = client.container.dockerode;
  const filters = JSON.stringify({ label: labelFilter(options.runId) });
  const [containers, networks] = await Promise.all([dockerode.listContainers({ all: true, filters }), dockerode.listNetworks({ filters })]);
  const resources: LabelledResource[] = [];
  for (const container of containers) {
    const labels = container.Labels ?? {};
    resources.push({
      kind: 'container',
      id: container.Id,
      name: (container.Names?.[0] ?? container.Id).replace(/^\//, ''),
      runId: labels[LABELS.runId] ?? '',
      createdAt: labels[LABELS.createdAt],
      state: container.State,
      owner: ownerFromLabels(labels),
    });
  }
  for (const network of networks) {
    const labels = network.Labels ?? {};
    resources.push({
      kind: 'network',
      id: network.Id,
      name: network.Name,
      runId: labels[LABELS.runId] ?? '',
      createdAt: labels[LABELS.createdAt],
      owner: ownerFromLabels(labels),
    });
  }
  return resources.filter((resource) => isOlder(resource.createdAt, options.createdBefore));
}

export interface RemovalReport {
  removed: LabelledResource[];
  failed: { resource: LabelledResource; error: string }[];
}

const isNotFound = (error: unknown) => (error as { statusCode?: number }).statusCode === 404;

/**
 * Removes containers (forced: running ones are killed) and then networks, all in parallel per kind.
 * A resource already gone counts as removed. Networks go last: Docker refuses to remove one with endpoints.
 */
export async function removeResources(client: ContainerRuntimeClient, resources: readonly LabelledResource[]): Promise<RemovalReport> {
  const dockerode = client.container.dockerode;
  const report: RemovalReport = { removed: [], failed: [] };
  const attempt = async (resource: LabelledResource, remove: () => Promise<unknown>) => {
    try {
      await remove();
      report.removed.push(resource);
    } catch (error) {
      if (isNotFound(error)) report.removed.push(resource);
      else report.failed.push({ resource, error: error instanceof Error ? error.message : String(error) });
    }
  };
  await Promise.all(
    resources.filter((r) => r.kind === 'container').map((r) => attempt(r, () => dockerode.getContainer(r.id).remove({ force: true, v: true }))),
  );
  await Promise.all(resources.filter((r) => r.kind === 'network').map((r) => attempt(r, () => dockerode.getNetwork(r.id).remove())));
  return report;
}

export interface RunJudgement extends LeftoverDecision {
  runId: string;
  resources: LabelledResource[];
}

/**
 * `clean`'s decision, per run: every resource of a run shares its fate (the owner labels of any of them
 * count; the oldest creation time is the run's age).
 */
export function judgeRuns(resources: readonly LabelledResource[], policy: LeftoverPolicy, now: Date): RunJudgement[] {
  const runs = new Map<string, LabelledResource[]>();
  for (const resource of resources) {
    const list = runs.get(resource.runId) ?? [];
    list.push(resource);
    runs.set(resource.runId, list);
  }
  return [...runs].map(([runId, list]) => {
    const owner = list.find((resource) => resource.owner !== undefined)?.owner ?? {};
    const times = list.map((resource) => (resource.createdAt === undefined ? Number.NaN : Date.parse(resource.createdAt))).filter((at) => !Number.isNaN(at));
    const ageMs = times.length === 0 ? undefined : now.getTime() - Math.min(...times);
    return { runId, resources: list, ...decideLeftover(ownerState(owner), ageMs, policy) };
  });
}
