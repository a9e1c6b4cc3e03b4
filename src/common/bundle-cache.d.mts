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
  /** Defaults: the project's src/ and node_modules/.cache/evochat-matrix (tests pass their own). */
  sourcesDir?: string;
  /** Further folders of sources the entries import (their files count in the stamp too), e.g. suites/. */
  moreSourcesDirs?: string[];
  cacheDir?: string;
}

export function cachedBundle(spec: BundleSpec): Promise<string[]>;

/** The project's node_modules/.cache/evochat-matrix: bundles and other files derived from the sources. */
export function harnessCacheDir(): string;
