// Plain JavaScript on purpose: the package bin (bin/evochat-matrix.mjs) loads this before any TypeScript loader
// exists, to start the CLI from a bundle. Types: bundle-cache.d.mts beside it.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The project's TypeScript sources: what every bundle here is built from. */
const SOURCES_DIR = fileURLToPath(new URL('../', import.meta.url));
/** Bundles of other source states older than this are removed (a run started just before may still load its own). */
const STALE_MS = 60 * 60_000;
/** The identifier every `import.meta.url` of a bundled source becomes; each source declares its own (see below). */
const MODULE_URL = '__evochatModuleUrl';

function nodeModulesDir() {
  const esbuildMain = createRequire(import.meta.url).resolve('esbuild');
  return esbuildMain.slice(0, esbuildMain.lastIndexOf(`${sep}node_modules${sep}`) + `${sep}node_modules`.length);
}

/** Where bundles (and other derived files) are kept: the project's node_modules/.cache (ignored by git, removed with node_modules). */
export function harnessCacheDir() {
  return join(nodeModulesDir(), '.cache', 'evochat-matrix');
}

/**
 * What a bundle is built from, cheaply: path, size and mtime of every source file (tests excluded), the installed
 * packages' lockfile, this file (the build options) and the Node version. Reading them takes milliseconds;
 * bundling takes far longer.
 */
function sourceStamp(sourcesDirs, cacheDir) {
  const hash = createHash('sha256').update(process.version);
  const files = sourcesDirs
    .flatMap((sourcesDir) => readdirSync(sourcesDir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  const lockfile = join(cacheDir, '..', '.package-lock.json');
  for (const file of [...files, lockfile, fileURLToPath(import.meta.url)]) {
    const info = existsSync(file) ? statSync(file) : undefined;
    hash.update(`${file}\0${info?.size ?? -1}\0${info?.mtimeMs ?? -1}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * A bundled source's `import.meta.url` must stay the source's own URL (sources find package.json, fixtures and
 * each other through it), not the bundle's. esbuild has no per-file define: every `import.meta.url` becomes one
 * identifier, and each source file declares that identifier with its own URL at its top (esbuild keeps the
 * top-level names of bundled modules apart). Only for bundles whose packages stay outside: a package's code
 * inside the bundle would not declare it.
 */
function sourceModuleUrls() {
  return {
    name: 'evochat-source-module-urls',
    setup(build) {
      build.onLoad({ filter: /\.(ts|mjs)$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        const declaration = `const ${MODULE_URL} = ${JSON.stringify(pathToFileURL(args.path).href)};`;
        // After a hashbang line, which must stay first.
        const hashbang = text.startsWith('#!') ? text.slice(0, text.indexOf('\n') + 1) : '';
        return { contents: `${hashbang}${declaration}\n${text.slice(hashbang.length)}`, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
      });
    },
  };
}

async function build(spec, outdir) {
  const { build: esbuild } = await import('esbuild');
  const external = spec.packages === 'external';
  await esbuild({
    entryPoints: spec.entryPoints,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir,
    splitting: spec.splitting ?? false,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'silent',
    ...(external
      ? { packages: 'external', define: { 'import.meta.url': MODULE_URL }, plugins: [sourceModuleUrls()] }
      : {
          // CommonJS packages inside the bundle call `require` for Node built-ins, which an ESM bundle lacks.
          banner: {
            js: "import { createRequire as __evochatCreateRequire } from 'node:module'; const require = __evochatCreateRequire(import.meta.url);",
          },
        }),
  });
}

/**
 * The bundle of `spec.entryPoints` for the sources as they are now: built with esbuild into
 * `<cacheDir>/<name>-<stamp>/` the first time, reused while the sources are unchanged. Built beside under a
 * name of its own and renamed into place, so a run never loads a half-written bundle and never overwrites
 * one another run is loading. Returns the bundle's entry files, in the order of `spec.entryPoints`.
 *
 * @param {import('./bundle-cache.d.mts').BundleSpec} spec
 * @returns {Promise<string[]>}
 */
export async function cachedBundle(spec) {
  const sourcesDirs = [spec.sourcesDir ?? SOURCES_DIR, ...(spec.moreSourcesDirs ?? [])];
  const cacheDir = spec.cacheDir ?? harnessCacheDir();
  const dir = join(cacheDir, `${spec.name}-${sourceStamp(sourcesDirs, cacheDir)}`);
  const entries = spec.entryPoints.map((entry) => join(dir, `${basename(entry).replace(/\.[cm]?[jt]s$/, '')}.mjs`));
  if (entries.every((entry) => existsSync(entry))) return entries;
  const partial = `${dir}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  await mkdir(cacheDir, { recursive: true });
  try {
    await build(spec, partial);
    await rename(partial, dir).catch(async (error) => {
      // Another run finished the same bundle first: theirs is as good as ours.
      if (!entries.every((entry) => existsSync(entry))) throw error;
    });
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  await removeStaleBundles(cacheDir, spec.name, dir);
  return entries;
}

async function removeStaleBundles(cacheDir, name, keep) {
  const now = Date.now();
  for (const entry of await readdir(cacheDir)) {
    const path = join(cacheDir, entry);
    if (!entry.startsWith(`${name}-`) || path === keep) continue;
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs > STALE_MS) await rm(path, { recursive: true, force: true });
  }
}
