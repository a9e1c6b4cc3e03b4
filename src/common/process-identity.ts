/**
 * Who owns a resource the harness leaves on the machine (containers, temp folders): host, pid and the
 * process's start time. A pid alone is not enough: after the owner died the kernel may hand its pid to
 * another process, and `clean` must not take that one for the owner. Linux: the start time in clock ticks
 * since boot (/proc/<pid>/stat, field 22) with the boot id, so a pid reused after a reboot differs too;
 * elsewhere: `ps -o lstart=` (to the second).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface OwnerIdentity {
  host: string;
  pid: number;
  /** Opaque start-time token of the process; undefined where it cannot be read. */
  start: string | undefined;
}

function linuxStartToken(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTicks = fields[22 - 3];
  if (!startTicks || !/^\d+$/.test(startTicks)) return undefined;
  let bootId = 'boot';
  try {
    bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // Without a boot id the ticks alone still tell processes of one boot apart.
  }
  return `${bootId}:${startTicks}`;
}

function psStartToken(pid: number): string | undefined {
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim();
    return out === '' ? undefined : out.replace(/\s+/g, ' ');
  } catch {
    return undefined;
  }
}

/** The start-time token of a running process; undefined when it is not running or the platform does not tell. */
export function processStartToken(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (process.platform === 'linux') return linuxStartToken(pid);
  if (process.platform === 'win32') return undefined;
  return psStartToken(pid);
}

/** A short, file-name-safe digest of a start token (for temp folder names). */
export function startTag(start: string | undefined): string {
  return start === undefined ? '000000000000' : createHash('sha256').update(start).digest('hex').slice(0, 12);
}

let self: OwnerIdentity | undefined;

/** This process, as an owner. */
export function currentOwner(): OwnerIdentity {
  self ??= { host: hostname(), pid: process.pid, start: processStartToken(process.pid) };
  return self;
}

/** The identity of another running process on this host (a test's child), read now. */
export function ownerOf(pid: number): OwnerIdentity {
  return { host: hostname(), pid, start: processStartToken(pid) };
}

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type OwnerState = { state: 'live' | 'gone' | 'unknown'; reason: string };

/**
 * Whether the recorded owner still runs. `unknown` when nothing (or only part) was recorded, or it ran on
 * another host: callers decide by age then. A start token is compared either as recorded or as its tag.
 */
export function ownerState(owner: { host?: string; pid?: number; start?: string; startTag?: string }): OwnerState {
  if (owner.pid === undefined || !Number.isInteger(owner.pid) || owner.pid <= 0) return { state: 'unknown', reason: 'no owner recorded (older format)' };
  if (owner.host !== undefined && owner.host !== hostname()) return { state: 'unknown', reason: `owner pid ${owner.pid} ran on another host (${owner.host})` };
  if (!isPidAlive(owner.pid)) return { state: 'gone', reason: `owner pid ${owner.pid} is gone` };
  const recorded = owner.start ?? owner.startTag;
  const current = processStartToken(owner.pid);
  if (recorded === undefined || recorded === startTag(undefined) || current === undefined) {
    return { state: 'live', reason: `owner pid ${owner.pid} is running (start time not comparable: kept to be safe)` };
  }
  const same = owner.start !== undefined ? owner.start === current : owner.startTag === startTag(current);
  return same
    ? { state: 'live', reason: `owner pid ${owner.pid} is running` }
    : { state: 'gone', reason: `owner pid ${owner.pid} is gone (its pid now belongs to another process)` };
}
