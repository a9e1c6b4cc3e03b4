import { fileURLToPath } from 'node:url';
import { cachedBundle } from '../../common/bundle-cache.mjs';

const ENTRY = fileURLToPath(new URL('./service-host-worker.ts', import.meta.url));

let built: Promise<string> | undefined;

/**
 * The sim service host's entry as one ESM file built from the sources with esbuild, every dependency inside.
 * Loading the TypeScript sources through tsx instead costs every worker its own loader thread and a compile of
 * each file and package (measured: about 1.5 CPU-s per run of one cell, twice the host threads' own work); the
 * bundle is one compile, kept under node_modules/.cache while the sources are unchanged (src/common/bundle-cache.mjs).
 */
export function serviceHostBundle(): Promise<string> {
  built ??= cachedBundle({ name: 'sim-service-host', entryPoints: [ENTRY], packages: 'inline', splitting: true }).then(([entry]) => entry!);
  return built;
}
