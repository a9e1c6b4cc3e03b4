export interface BundleSpec {
  /** Names the cache folder: `<name>-<stamp>`. */
  name: string;
  /** Absolute paths of the entry files (one bundle entry each, named after the file). */
  entryPoints: string[];
  /**
   * `external`: the project's sources inside, npm packages left to Node's resolver (a bundle that lives inside the
   * project; sources keep their own import.meta.url). `inline`: every dependency inside (a worker's whole program).
   */
  packages: 'external' | 'inline';
  /** Shared chunks between entries, each entry's dynamic imports in chunks of their own (loaded when reached). */
  splitting?: boolean;
  /** Files outside sourcesDir that the bundle is also built from (an entry in scripts/, say): in the stamp too. */
  stampFiles?: string[];
  /** Defaults: the project's src/ and node_modules/.cache/evochat-matrix (tests pass their own). */
  sourcesDir?: string;
  cacheDir?: string;
}

export const SOURCES_DIR: string;
export function defaultCacheDir(): string;
export function sourceStamp(sourcesDir: string, cacheDir: string, extraFiles?: string[]): string;
export function cachedBundle(spec: BundleSpec): Promise<string[]>;
