/**
 * What a run created on an attached Chatwoot, written down as it is created (one JSON line each, appended
 * synchronously: a crash right after a create still leaves its line) and marked deleted as it goes. The run
 * deletes everything it lists when it ends, also on failure and Ctrl-C; `clean --attached RUN_DIR` deletes what a
 * run that died left. No token is written: clean takes it from the env again.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ChatwootPlatformClient } from '../../clients/chatwoot-platform-client.ts';

export const LEDGER_FILE = 'attached-ledger.jsonl';

export type LedgerKind = 'account' | 'user';

const LedgerLine = z.discriminatedUnion('op', [
  z.object({ op: z.literal('attach'), url: z.string(), runId: z.string(), at: z.string() }),
  z.object({ op: z.literal('created'), kind: z.enum(['account', 'user']), id: z.number().int(), label: z.string(), at: z.string() }),
  z.object({ op: z.literal('deleted'), kind: z.enum(['account', 'user']), id: z.number().int(), at: z.string() }),
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

/** Accounts first (they take their inboxes, contacts and conversations), then the users that administered them. */
function removalOrder(resources: readonly LedgerResource[]): LedgerResource[] {
  return [...resources].sort((a, b) => Number(a.kind === 'user') - Number(b.kind === 'user'));
}

export class AttachLedger {
  private readonly open = new Map<string, LedgerResource>();
  private closed = false;
  private readonly late: Promise<void>[] = [];

  private constructor(
    readonly file: string,
    private readonly platform: ChatwootPlatformClient,
    private readonly now: () => Date,
  ) {}

  /** Starts the ledger of a run in `dir` (the run's artifacts folder). */
  static start(dir: string, input: { url: string; runId: string; platform: ChatwootPlatformClient; now?: () => Date }): AttachLedger {
    const ledger = new AttachLedger(join(dir, LEDGER_FILE), input.platform, input.now ?? (() => new Date()));
    ledger.write({ op: 'attach', url: input.url, runId: input.runId, at: ledger.now().toISOString() });
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
    const report = await removeResources(this.platform, this.pending(), (resource) => {
      this.open.delete(key(resource.kind, resource.id));
      this.write({ op: 'deleted', kind: resource.kind, id: resource.id, at: this.now().toISOString() });
    });
    await Promise.all(this.late.splice(0));
    return report;
  }
}

export async function removeResources(
  platform: ChatwootPlatformClient,
  resources: readonly LedgerResource[],
  onRemoved: (resource: LedgerResource) => void = () => undefined,
): Promise<RemovalReport> {
  const report: RemovalReport = { removed: [], failed: [] };
  for (const resource of removalOrder(resources)) {
    try {
      if (resource.kind === 'account') await platform.deleteAccount(resource.id);
      else await platform.deleteUser(resource.id);
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
  /** Created and never marked deleted. */
  pending: LedgerResource[];
}

/** Reads one ledger file; throws on a file that is not one (the caller words the error). */
export function readLedgerFile(file: string): ReadLedger {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  let head: { url: string; runId: string } | undefined;
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
    if (parsed.op === 'attach') head = { url: parsed.url, runId: parsed.runId };
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
