/**
 * What a run created on an attached Chatwoot, written down as it is created (one JSON line each, appended
 * synchronously: a crash right after a create still leaves its line) and marked deleted as it goes. The run
 * deletes everything it lists when it ends, also on failure and Ctrl-C; `clean --attached RUN_DIR` deletes what a
 * run that died left. No token is written: clean takes it from the env again.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { request } from 'undici';
import type { ChatwootPlatformClient } from '../../clients/chatwoot-platform-client.ts';

export const LEDGER_FILE = 'attached-ledger.jsonl';

/** An instance is recorded by name (its `label`); its `id` is the order it was created in. */
export type LedgerKind = 'account' | 'user' | 'instance';
const KINDS = ['account', 'user', 'instance'] as const;

/** Where an attached Evolution's instances are deleted (the ledger holds its URL, never its key). */
export interface LedgerEvolution {
  url: string;
  apiKey: string;
}

/** Who deletes what: the Chatwoot's Platform API, and the attached Evolution when the run had one. */
export interface LedgerRemover {
  platform: ChatwootPlatformClient;
  evolution?: LedgerEvolution | undefined;
}

const LedgerLine = z.discriminatedUnion('op', [
  z.object({ op: z.literal('attach'), url: z.string(), runId: z.string(), at: z.string(), evolutionUrl: z.string().optional() }),
  z.object({ op: z.literal('created'), kind: z.enum(KINDS), id: z.number().int(), label: z.string(), at: z.string() }),
  z.object({ op: z.literal('deleted'), kind: z.enum(KINDS), id: z.number().int(), at: z.string() }),
]);
type LedgerLine = z.infer<typeof LedgerLine>;

export interface LedgerResource {
  kind: LedgerKind;
  id: number;
  label: string;
}

export interface RemovalReport {
  removed: LedgerResource[];
  failed: { resource: LedgerResource; error: string }[];
}

const key = (kind: LedgerKind, id: number) => `${kind}:${id}`;

/**
 * Instances first (so Evolution stops calling an account about to go), then accounts (they take their inboxes, contacts
 * and conversations), then the users that administered them.
 */
function removalOrder(resources: readonly LedgerResource[]): LedgerResource[] {
  const rank = { instance: 0, account: 1, user: 2 } as const;
  return [...resources].sort((a, b) => rank[a.kind] - rank[b.kind]);
}

/**
 * An instance of an attached Evolution goes as upstream has it: `DELETE /instance/logout/:name` (400 when it never
 * connected, ignored), then `DELETE /instance/delete/:name` (evolution-api-1.7.md §2.4); 404 counts as gone.
 */
async function deleteInstance(evolution: LedgerEvolution, name: string): Promise<void> {
  const call = async (path: string) => {
    const response = await request(`${evolution.url}${path}/${encodeURIComponent(name)}`, {
      method: 'DELETE',
      headers: { apikey: evolution.apiKey },
      signal: AbortSignal.timeout(10_000),
    });
    await response.body.dump();
    return response.statusCode;
  };
  await call('/instance/logout');
  const status = await call('/instance/delete');
  if (status !== 200 && status !== 201 && status !== 404) throw new Error(`DELETE /instance/delete/${name} answered ${status}`);
}

export class AttachLedger {
  private readonly open = new Map<string, LedgerResource>();
  private closed = false;
  private readonly late: Promise<void>[] = [];

  private constructor(
    readonly file: string,
    private readonly remover: LedgerRemover,
    private readonly now: () => Date,
  ) {}

  private instances = 0;

  /** Records an instance created on the attached Evolution, by name. */
  recordInstance(name: string): void {
    this.record('instance', ++this.instances, name);
  }

  /** Starts the ledger of a run in `dir` (the run's artifacts folder). */
  static start(
    dir: string,
    input: { url: string; runId: string; platform: ChatwootPlatformClient; evolution?: LedgerEvolution | undefined; now?: () => Date },
  ): AttachLedger {
    const ledger = new AttachLedger(join(dir, LEDGER_FILE), { platform: input.platform, evolution: input.evolution }, input.now ?? (() => new Date()));
    ledger.write({
      op: 'attach',
      url: input.url,
      runId: input.runId,
      at: ledger.now().toISOString(),
      ...(input.evolution ? { evolutionUrl: input.evolution.url } : {}),
    });
    return ledger;
  }

  private write(line: LedgerLine): void {
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
  }

  /**
   * Records a resource just created. After removeAll() began (Ctrl-C while provisioning ran on), the resource is
   * deleted at once: nothing created late outlives the run.
   */
  record(kind: LedgerKind, id: number, label: string): void {
    const resource = { kind, id, label };
    this.write({ op: 'created', kind, id, label, at: this.now().toISOString() });
    this.open.set(key(kind, id), resource);
    if (this.closed) this.late.push(this.removeAll().then(() => undefined));
  }

  /** What is created and not yet deleted. */
  pending(): LedgerResource[] {
    return [...this.open.values()];
  }

  /**
   * Deletes everything still open (accounts, then users); a 404 counts as deleted. Idempotent; never throws. With
   * `close` (the end of the run) anything recorded later is deleted as it comes.
   */
  async removeAll(options: { close: boolean } = { close: true }): Promise<RemovalReport> {
    if (options.close) this.closed = true;
    const report = await removeResources(this.remover, this.pending(), (resource) => {
      this.open.delete(key(resource.kind, resource.id));
      this.write({ op: 'deleted', kind: resource.kind, id: resource.id, at: this.now().toISOString() });
    });
    await Promise.all(this.late.splice(0));
    return report;
  }
}

export async function removeResources(
  remover: LedgerRemover,
  resources: readonly LedgerResource[],
  onRemoved: (resource: LedgerResource) => void = () => undefined,
): Promise<RemovalReport> {
  const report: RemovalReport = { removed: [], failed: [] };
  for (const resource of removalOrder(resources)) {
    try {
      if (resource.kind === 'instance') {
        if (!remover.evolution) throw new Error('the attached Evolution (its URL and key) is needed to delete an instance');
        await deleteInstance(remover.evolution, resource.label);
      } else if (resource.kind === 'account') await remover.platform.deleteAccount(resource.id);
      else await remover.platform.deleteUser(resource.id);
      onRemoved(resource);
      report.removed.push(resource);
    } catch (error) {
      report.failed.push({ resource, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;
}

export interface ReadLedger {
  file: string;
  url: string;
  runId: string;
  /** The attached Evolution the run's instances were created on, if it had one. */
  evolutionUrl?: string | undefined;
  /** Created and never marked deleted. */
  pending: LedgerResource[];
}

/** Reads one ledger file; throws on a file that is not one (the caller words the error). */
export function readLedgerFile(file: string): ReadLedger {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  let head: { url: string; runId: string; evolutionUrl?: string | undefined } | undefined;
  const open = new Map<string, LedgerResource>();
  for (const [index, text] of lines.entries()) {
    let parsed: LedgerLine;
    try {
      parsed = LedgerLine.parse(JSON.parse(text));
    } catch {
      // A run killed mid-write leaves a torn last line: everything before it still counts.
      if (index === lines.length - 1) break;
      throw new Error(`line ${index + 1} is not a ledger entry`);
    }
    if (parsed.op === 'attach') head = { url: parsed.url, runId: parsed.runId, evolutionUrl: parsed.evolutionUrl };
    else if (parsed.op === 'created') open.set(key(parsed.kind, parsed.id), { kind: parsed.kind, id: parsed.id, label: parsed.label });
    else open.delete(key(parsed.kind, parsed.id));
  }
  if (!head) throw new Error('it has no attach line');
  return { file, ...head, pending: [...open.values()] };
}

/** The ledger files under a run folder: the folder itself, or the staging / incomplete folders a run leaves in --out. */
export function findLedgerFiles(dir: string): string[] {
  const direct = join(dir, LEDGER_FILE);
  if (existsSync(direct)) return [direct];
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(dir, entry.name, LEDGER_FILE))
    .filter((file) => existsSync(file))
    .sort();
}

/** Appends the deletions clean made to a ledger it read, so a second clean has nothing left to do. */
export function markDeleted(file: string, resources: readonly LedgerResource[], now: () => Date = () => new Date()): void {
  for (const resource of resources)
    appendFileSync(file, `${JSON.stringify({ op: 'deleted', kind: resource.kind, id: resource.id, at: now().toISOString() })}\n`);
}
