import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../common/test-support/temp-dirs.ts';
import { fileFanout } from './docker-run.ts';

describe('fileFanout (a shared container’s log, one file per cell)', () => {
  const tempDir = useTempDirs('fanout-test');

  it('writes each line once into one file linked under every cell, redacted', async () => {
    const dir = tempDir();
    const paths = ['a', 'b', 'c'].map((cell) => join(dir, 'cells', cell, 'logs', 'chatwoot.log'));
    const sink = fileFanout(paths, (line) => line.replace('s3cret', '[redacted]'));
    sink.write('token s3cret\n');
    sink.write('second');
    await sink.close();
    for (const path of paths) {
      expect(readFileSync(path, 'utf8')).toBe('token [redacted]\nsecond\n');
      expect(statSync(path).nlink).toBe(3);
    }
  });

  it('gives a name that already exists a file of its own, still with every line', async () => {
    const dir = tempDir();
    const paths = ['a', 'b'].map((cell) => join(dir, cell, 'x.log'));
    mkdirSync(join(dir, 'b'), { recursive: true });
    writeFileSync(paths[1]!, 'earlier\n');
    const sink = fileFanout(paths, (line) => line);
    sink.write('now');
    await sink.close();
    expect(readFileSync(paths[0]!, 'utf8')).toBe('now\n');
    expect(readFileSync(paths[1]!, 'utf8')).toBe('earlier\nnow\n');
    expect(statSync(paths[0]!).nlink).toBe(1);
  });
});
