/**
 * How a run writes its `--out` folder, so that an interrupted or failed run never leaves a misleading mix of
 * old and new files: everything the run writes goes into `<out>/.partial-<runId>/`; only once result.json and
 * every report are complete are they moved into place, together, replacing the previous run's (its cells/,
 * services/ and logs go too). A run that ends without a result leaves the previous files untouched and its own
 * logs in `<out>/incomplete-<runId>/`, beside a marker file saying so; only the newest such folder is kept, and
 * the next complete run removes it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, HarnessError, ExitCodes } from '../errors/index.ts';

/** What a run owns in --out: removed when a complete run replaces them (whatever else the folder holds stays). */
// attached-ledger.jsonl: what an attach run created on the attached Chatwoot and deleted (backends/attach/attach-ledger.ts).
export const RUN_OUTPUTS = ['result.json', 'junit.xml', 'summary.md', 'report.html', 'cells', 'services', 'vitest.log', 'attached-ledger.jsonl'] as const;
export const STAGING_PREFIX = '.partial-';
export const INCOMPLETE_PREFIX = 'incomplete-';
export const INCOMPLETE_MARKER = 'INCOMPLETE.txt';
const OWNER_FILE = '.owner.json';
const TRASH_PREFIX = '.replaced-';

export interface StagedOut {
  outDir: string;
  /** Where the run writes everything (its artifacts directory). */
  dir: string;
  /** Moves the complete result into place; returns the line that says so. */
  publish(): Promise<string>;
  /** Leaves the previous result alone and keeps this run's logs in incomplete-<runId>/; returns the line that says so. */
  abandon(reason: string): Promise<string>;
}

function outError(code: 'notDirectory' | 'notWritable', outDir: string, why: string): HarnessError {
  return new HarnessError(code === 'notDirectory' ? ErrorCodes.outNotDirectory : ErrorCodes.outNotWritable, ExitCodes.usage, `--out ${outDir}: ${why}`);
}

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown';
}

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT']);

/** The usage error for a failed write to --out, or the error itself when it is something else. */
function classifyWriteError(outDir: string, error: unknown): unknown {
  const code = errnoOf(error);
  if (code === 'ENOTDIR' || code === 'EEXIST') return outError('notDirectory', outDir, 'it, or a folder on its path, is a file, not a folder');
  if (NOT_WRITABLE.has(code)) return outError('notWritable', outDir, `cannot write there (${code}${code === 'EROFS' ? ': read-only file system' : ''})`);
  return error;
}

function isOwnerAlive(owner: { host?: unknown; pid?: unknown }): boolean {
  if (typeof owner.host === 'string' && owner.host !== hostname()) return true; // another machine's run (a shared folder): not ours to judge
  if (typeof owner.pid !== 'number') return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === 'EPERM';
  }
}

async function previousRunId(outDir: string): Promise<string | undefined> {
  try {
    const runId = (JSON.parse(await readFile(join(outDir, 'result.json'), 'utf8')) as { runId?: unknown }).runId;
    return typeof runId === 'string' ? runId.slice(0, 80) : 'unknown';
  } catch {
    return undefined;
  }
}

/**
 * Checks that --out is (or can become) a folder this process can write, by creating the run's staging folder
 * in it: a usage error (exit 2) before any service starts otherwise. Works as root too, where permission bits
 * do not stop writes but a read-only or immutable file system does.
 */
export async function prepareOutDir(outDir: string, runId: string): Promise<StagedOut> {
  const existing = await stat(outDir).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw outError('notDirectory', outDir, 'is a file, not a folder');
  const dir = join(outDir, `${STAGING_PREFIX}${runId}`);
  try {
    await mkdir(outDir, { recursive: true });
    await mkdir(dir);
    await writeFile(join(dir, OWNER_FILE), `${JSON.stringify({ host: hostname(), pid: process.pid, runId })}\n`);
  } catch (error) {
    throw classifyWriteError(outDir, error);
  }
  return {
    outDir,
    dir,
    publish: () => publish(outDir, dir, runId),
    abandon: (reason) => abandon(outDir, dir, runId, reason),
  };
}

/** Staging folders of runs whose process is gone (killed before it could clean up), and older incomplete folders. */
async function leftovers(outDir: string, keep: string): Promise<string[]> {
  const names = await readdir(outDir).catch(() => [] as string[]);
  const found: string[] = [];
  for (const name of names) {
    if (name === keep) continue;
    if (name.startsWith(INCOMPLETE_PREFIX) && existsSync(join(outDir, name, INCOMPLETE_MARKER))) found.push(name);
    if (name.startsWith(STAGING_PREFIX)) {
      const owner = await readFile(join(outDir, name, OWNER_FILE), 'utf8').then(
        (text) => JSON.parse(text) as { host?: unknown; pid?: unknown },
        () => ({}),
      );
      if (!isOwnerAlive(owner)) found.push(name);
    }
  }
  return found;
}

async function publish(outDir: string, dir: string, runId: string): Promise<string> {
  const hadPrevious = (await previousRunId(outDir)) !== undefined;
  const staged = (await readdir(dir)).filter((name) => name !== OWNER_FILE);
  const trash = join(outDir, `${TRASH_PREFIX}${runId}`);
  await mkdir(trash, { recursive: true });
  // result.json leaves first and arrives last: whoever reads it never sees it beside another run's files.
  const replaced = [...new Set<string>([...RUN_OUTPUTS, ...staged])];
  for (const name of [...replaced, ...(await leftovers(outDir, `${STAGING_PREFIX}${runId}`))]) {
    await rename(join(outDir, name), join(trash, name)).catch((error: unknown) => {
      if (errnoOf(error) !== 'ENOENT') throw error;
    });
  }
  for (const name of staged.sort((a, b) => Number(a === 'result.json') - Number(b === 'result.json'))) await rename(join(dir, name), join(outDir, name));
  await rm(dir, { recursive: true, force: true });
  await rm(trash, { recursive: true, force: true });
  return `--out ${outDir}: ${hadPrevious ? "replaced the previous result, reports and logs with this run's" : "wrote this run's result, reports and logs"}`;
}

async function abandon(outDir: string, dir: string, runId: string, reason: string): Promise<string> {
  const previous = await previousRunId(outDir);
  const kept = previous ? `the previous result (${previous}) and its reports are unchanged` : 'no result written (there was none before)';
  const staged = (await readdir(dir).catch(() => [] as string[])).filter((name) => name !== OWNER_FILE);
  if (staged.length === 0) {
    await rm(dir, { recursive: true, force: true });
    return `--out ${outDir}: ${kept}`;
  }
  const target = join(outDir, `${INCOMPLETE_PREFIX}${runId}`);
  for (const name of await leftovers(outDir, `${STAGING_PREFIX}${runId}`)) {
    if (name.startsWith(INCOMPLETE_PREFIX)) await rm(join(outDir, name), { recursive: true, force: true });
  }
  await writeFile(
    join(dir, INCOMPLETE_MARKER),
    [
      `Run ${runId} did not finish: ${reason}.`,
      'This folder holds its logs as far as it got. It is not a result: nothing here was judged.',
      previous
        ? `The result.json and reports beside this folder are those of the previous complete run (${previous}); this run did not change them.`
        : 'There was no earlier result in this folder.',
      `Stopped at ${new Date().toISOString()}. The next complete run into this folder removes it.`,
      '',
    ].join('\n'),
  );
  await rm(join(dir, OWNER_FILE), { force: true });
  await rename(dir, target);
  return `--out ${outDir}: ${kept}; this run's logs are in ${target}`;
}
