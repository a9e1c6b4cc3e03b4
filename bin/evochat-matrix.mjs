#!/usr/bin/env node
// The package bin. It runs the CLI in this same process rather than in a child: with no child there is no signal
// to forward and nothing to orphan. SIGINT, SIGTERM and SIGHUP reach the CLI's own handlers (src/cli/signals.ts),
// and the exit code is the CLI's.
//
// The CLI is loaded from an esbuild bundle of its TypeScript sources, kept under node_modules/.cache and rebuilt
// when a source changes (src/common/bundle-cache.mjs). Through tsx's loader instead, every module the run loads
// (vitest's and vite's hundreds among them) passes through the loader's thread: measured 1.3 s of the start of a
// one-cell run and 1 CPU-s. Each command's code stays in a chunk of its own, loaded when the command runs.
import { fileURLToPath } from 'node:url';
import { cachedBundle } from '../src/common/bundle-cache.mjs';

const SOURCE_ENTRY = fileURLToPath(new URL('../src/cli/bin.ts', import.meta.url));

// With --debug (or EVOCHAT_DEBUG=1) the CLI prints stack traces: point them at the sources, not the bundle.
if (process.argv.includes('--debug') || process.env.EVOCHAT_DEBUG === '1') process.setSourceMapsEnabled(true);

let entry;
try {
  [entry] = await cachedBundle({ name: 'cli', entryPoints: [SOURCE_ENTRY], packages: 'external', splitting: true });
} catch {
  // A source that does not compile: tsx loads the sources one by one and names the file and line that fails.
  entry = undefined;
}
if (entry) {
  await import(entry);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/bin.ts');
}
