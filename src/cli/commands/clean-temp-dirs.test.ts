/**
 * `clean` and the harness's temp folders, with real processes: the twins of a SIGKILLed child leave their
 * folders behind and clean removes them; a live child's are kept (and its twins remove them on a normal stop).
 * Everything happens in a private temp root; the docker part is pointed at no engine, or at no run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOwnedTempDir, parseOwnedTempDirName } from '../../common/owned-temp-dir.ts';
import { ErrorCodes, InfrastructureError } from '../../errors/index.ts';
import { cleanCommand } from './clean.ts';

const root = join(import.meta.dirname, '../../..');
const HOLDER = join(root, 'src/common/test-support/hold-twins.ts');

interface Holder {
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** A child process (node itself, no wrapper, so its pid owns the folders) running the three twins. */
async function startHolder(tempRoot: string): Promise<Holder> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER], {
    cwd: root,
    env: { ...process.env, TMPDIR: tempRoot },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('ready\n')) resolve();
    });
    void exited.then((code) => reject(new Error(`holder exited with ${code} before it was ready`)));
  });
  return { child, exited };
}

const foldersOf = (tempRoot: string, pid: number) => readdirSync(tempRoot).filter((name) => parseOwnedTempDirName(name)?.pid === pid);
const noEngine = () => Promise.reject(new InfrastructureError(ErrorCodes.dockerUnavailable, 'no Docker engine answers: connect ENOENT /var/run/docker.sock'));

describe("clean: the harness's temp folders", () => {
  let tempRoot: string;
  let killed: Holder;
  let live: Holder;

  beforeAll(async () => {
    tempRoot = mkdtempSync(join(tmpdir(), 'clean-temp-dirs-'));
    [killed, live] = await Promise.all([startHolder(tempRoot), startHolder(tempRoot)]);
    killed.child.kill('SIGKILL');
    await killed.exited;
  }, 120_000);

  afterAll(() => {
    if (live && live.child.exitCode === null && live.child.signalCode === null) live.child.kill('SIGKILL');
    rmSync(tempRoot, { recursive: true, force: true });
  });

  it('the twins name their folders after their owner; a SIGKILLed owner leaves them behind', () => {
    for (const holder of [killed, live]) {
      expect(
        foldersOf(tempRoot, holder.child.pid!)
          .map((name) => parseOwnedTempDirName(name)!.purpose)
          .sort(),
      ).toEqual(['chatwoot-storage', 'evolution', 's3']);
    }
  });

  it('a dry run lists what would go and what stays, and why; where no engine answers it says docker was skipped', async () => {
    const lines: string[] = [];
    expect(await cleanCommand({ dryRun: true, tempRoot, connect: noEngine, out: (line) => lines.push(line) })).toBe(0);
    const about = (pid: number) => lines.filter((line) => line.includes(`evochat-tmp-${pid}-`));
    expect(about(killed.child.pid!)).toHaveLength(3);
    for (const line of about(killed.child.pid!)) expect(line).toMatch(new RegExp(`^would remove temp-dir .* — owner pid ${killed.child.pid} is gone$`));
    expect(about(live.child.pid!)).toHaveLength(3);
    for (const line of about(live.child.pid!)) expect(line).toMatch(/^kept temp-dir .* — owner pid \d+ is running: a live run/);
    expect(lines).toContain('docker: skipped — no Docker engine answers: connect ENOENT /var/run/docker.sock; only temp folders were cleaned');
    expect(foldersOf(tempRoot, killed.child.pid!)).toHaveLength(3);
  });

  it("removes the dead owner's folders and keeps the live one's", async () => {
    const lines: string[] = [];
    expect(await cleanCommand({ tempRoot, connect: noEngine, out: (line) => lines.push(line) })).toBe(0);
    expect(foldersOf(tempRoot, killed.child.pid!)).toEqual([]);
    expect(foldersOf(tempRoot, live.child.pid!)).toHaveLength(3);
    expect(lines.filter((line) => line.startsWith('removed temp-dir'))).toHaveLength(3);
  });

  it("a folder naming a live pid with another start time is a dead owner's (pid reuse)", async () => {
    const reused = `evochat-tmp-${live.child.pid}-0123456789ab-s3-Abc123`;
    mkdirSync(join(tempRoot, reused));
    await cleanCommand({ tempRoot, connect: noEngine, out: () => undefined });
    expect(readdirSync(tempRoot)).not.toContain(reused);
    expect(foldersOf(tempRoot, live.child.pid!)).toHaveLength(3);
  });

  it('older twin folders without an owner stay until a day old', async () => {
    const young = join(tempRoot, 'evochat-s3-Young1');
    const old = join(tempRoot, 'evolution-twin-Old123');
    mkdirSync(young);
    mkdirSync(old);
    const twoDaysAgo = new Date(Date.now() - 48 * 3600_000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    await cleanCommand({ tempRoot, connect: noEngine, out: () => undefined });
    expect(readdirSync(tempRoot)).toContain('evochat-s3-Young1');
    expect(readdirSync(tempRoot)).not.toContain('evolution-twin-Old123');
  });

  it('a normal stop of the live owner removes its folders itself', async () => {
    live.child.kill('SIGTERM');
    expect(await live.exited).toBe(0);
    expect(foldersOf(tempRoot, live.child.pid!)).toEqual([]);
  });
  it("--force removes a live owner's folders too", async () => {
    // Owned by this (live) test process.
    const mine = basename(makeOwnedTempDir('force-test', tempRoot));
    await cleanCommand({ tempRoot, connect: noEngine, out: () => undefined });
    expect(readdirSync(tempRoot)).toContain(mine);
    await cleanCommand({ tempRoot, force: true, connect: noEngine, out: () => undefined });
    expect(readdirSync(tempRoot)).not.toContain(mine);
  });
});
