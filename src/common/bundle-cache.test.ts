import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedBundle } from './bundle-cache.mjs';

let work: string;
let sourcesDir: string;
let cacheDir: string;

async function writeSources(version: string): Promise<void> {
  await writeFile(
    join(sourcesDir, 'where.ts'),
    `export const here: string = import.meta.url;\nexport const text = 'import.meta.url stays text';\nexport const version = ${JSON.stringify(version)};\n`,
  );
  await writeFile(join(sourcesDir, 'lazy.ts'), `export const lazyHere: string = import.meta.url;\n`);
  await writeFile(
    join(sourcesDir, 'entry.ts'),
    `#!/usr/bin/env node\nexport { here, text, version } from './where.ts';\nexport const loadLazy = () => import('./lazy.ts');\n`,
  );
}

const spec = () => ({ name: 'probe', entryPoints: [join(sourcesDir, 'entry.ts')], packages: 'external' as const, splitting: true, sourcesDir, cacheDir });

interface ProbeModule {
  here: string;
  text: string;
  version: string;
  loadLazy(): Promise<{ lazyHere: string }>;
}

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'evochat-bundle-cache-'));
  sourcesDir = join(work, 'src');
  cacheDir = join(work, 'node_modules', '.cache', 'evochat-matrix');
  await mkdir(sourcesDir, { recursive: true });
  await writeSources('1');
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('cachedBundle', () => {
  it('keeps each source its own import.meta.url, leaves strings alone and splits dynamic imports into chunks', async () => {
    const [entry] = await cachedBundle(spec());
    const probe = (await import(pathToFileURL(entry!).href)) as ProbeModule;
    expect(probe.here).toBe(pathToFileURL(join(sourcesDir, 'where.ts')).href);
    expect(probe.text).toBe('import.meta.url stays text');
    expect((await probe.loadLazy()).lazyHere).toBe(pathToFileURL(join(sourcesDir, 'lazy.ts')).href);
    expect((await readdir(join(dirname(entry!), 'chunks'))).some((name) => name.startsWith('lazy-') && name.endsWith('.mjs'))).toBe(true);
  });

  it('reuses the bundle while the sources are unchanged and builds a new one when a source changes', async () => {
    const [first] = await cachedBundle(spec());
    const builtAt = (await stat(first!)).mtimeMs;
    const [again] = await cachedBundle(spec());
    expect(again).toBe(first);
    expect((await stat(again!)).mtimeMs).toBe(builtAt);

    await writeSources('2');
    const [changed] = await cachedBundle(spec());
    expect(changed).not.toBe(first);
    expect(((await import(pathToFileURL(changed!).href)) as ProbeModule).version).toBe('2');
    // The other state's bundle is kept for an hour: a run started just before may still be loading it.
    expect(existsSync(first!)).toBe(true);

    const hoursAgo = new Date(Date.now() - 2 * 60 * 60_000);
    await utimes(dirname(first!), hoursAgo, hoursAgo);
    await writeSources('3');
    await cachedBundle(spec());
    expect(existsSync(dirname(first!))).toBe(false);
    expect(existsSync(changed!)).toBe(true);
  });

  it('builds anew when a file in one of the further source folders changes', async () => {
    const suites = join(work, 'suites');
    await mkdir(suites, { recursive: true });
    await writeFile(join(suites, 'one.suite.ts'), "export { version } from '../src/entry.ts';\nexport const suite = 'a';\n");
    const suiteSpec = () => ({ ...spec(), entryPoints: [join(suites, 'one.suite.ts')], moreSourcesDirs: [suites] });
    const [first] = await cachedBundle(suiteSpec());
    expect(basename(first!)).toBe('one.suite.mjs');
    expect(((await import(pathToFileURL(first!).href)) as { suite: string }).suite).toBe('a');
    await writeFile(join(suites, 'one.suite.ts'), "export { version } from '../src/entry.ts';\nexport const suite = 'bb';\n");
    const [changed] = await cachedBundle(suiteSpec());
    expect(changed).not.toBe(first);
    expect(((await import(pathToFileURL(changed!).href)) as { suite: string }).suite).toBe('bb');
  });

  it('gives runs that build the same bundle at once one complete bundle and leaves no partial folder', async () => {
    const results = await Promise.all([cachedBundle(spec()), cachedBundle(spec()), cachedBundle(spec())]);
    expect(new Set(results.map(([entry]) => entry)).size).toBe(1);
    const [entry] = results[0];
    expect(((await import(pathToFileURL(entry!).href)) as ProbeModule).version).toBe('1');
    expect((await readdir(cacheDir)).filter((name) => name.includes('.partial'))).toEqual([]);
    expect(basename(dirname(entry!))).toMatch(/^probe-[0-9a-f]{16}$/);
  });

  it('fails on a source that does not compile, naming it, and leaves nothing behind', async () => {
    await writeFile(join(sourcesDir, 'where.ts'), 'export const here = ;\n');
    await expect(cachedBundle(spec())).rejects.toThrow(/where\.ts/);
    expect(await readdir(cacheDir)).toEqual([]);
  });
});
