import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEntry } from '../shared/bundle-entry.ts';

const SOURCES_DIR = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('./service-host-worker.ts', import.meta.url));
const PREFIX = 'sim-service-host-';
/** Bundles of other source states older than this are removed (a run started just before may still load its own). */
const STALE_MS = 60 * 60_000;

function nodeModulesDir(): string {
  const esbuildMain = createRequire(import.meta.url).resolve('esbuild');
  return esbuildMain.slice(0, esbuildMain.lastIndexOf(`${sep}node_modules${sep}`) + `${sep}node_modules`.length);
}

/**
 * What the bundle is built from, cheaply: path, size and mtime of every source file, the installed packages'
 * lockfile and the Node version. Reading them takes milliseconds; bundling takes more than a second.
 */
function sourceStamp(nodeModules: string): string {
  const hash = createHash('sha256').update(process.version);
  const files = readdirSync(SOURCES_DIR, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  for (const file of [...files, join(nodeModules, '.package-lock.json')]) {
    const info = existsSync(file) ? statSync(file) : undefined;
    hash.update(`${file}\0${info?.size ?? -1}\0${info?.mtimeMs ?? -1}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

let built: Promise<string> | undefined;

/**
 * The sim service host's entry as one ESM file built from the sources with esbuild, every dependency inside.
 * Loading the TypeScript sources through tsx instead costs every worker its own loader thread and a compile of
 * each file and package (measured: about 1.5 CPU-s per run of one cell, twice the host threads' own work); the
 * bundle is one compile. It lives under the project's node_modules/.cache, named by the sources it was built
 * from, so a later run with the same sources reuses it and a run never overwrites a bundle another is loading.
 */
export function serviceHostBundle(): Promise<string> {
  built ??= (async () => {
    const nodeModules = nodeModulesDir();
    const dir = join(nodeModules, '.cache', 'evochat-matrix');
    const file = join(dir, `${PREFIX}${sourceStamp(nodeModules)}.mjs`);
    if (existsSync(file)) return file;
    const bundle = await bundleEntry(ENTRY, { dependencies: 'inline' });
    await mkdir(dir, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, bundle.code);
    await rename(partial, file);
    await removeStaleBundles(dir, file);
    return file;
  })();
  return built;
}

async function removeStaleBundles(dir: string, keep: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if (!name.startsWith(PREFIX) || path === keep) continue;
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs > STALE_MS) await rm(path, { force: true });
  }
}
