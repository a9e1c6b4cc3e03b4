import { rmSync } from 'node:fs';
import { afterEach } from 'vitest';
import { makeOwnedTempDir } from '../owned-temp-dir.ts';

/** Test-only: a maker of owned temp folders (owned-temp-dir.ts), each removed after the test that made it. */
export function useTempDirs(purpose: string): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = makeOwnedTempDir(purpose);
    made.push(dir);
    return dir;
  };
}
