import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

const DigestMemo = z.record(z.string(), z.object({ size: z.number(), mtimeMs: z.number(), sha256: z.string() }));
type DigestMemo = z.infer<typeof DigestMemo>;

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function readMemo(memoFile: string): Promise<DigestMemo> {
  try {
    const parsed = DigestMemo.safeParse(JSON.parse(await readFile(memoFile, 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {}; // absent or unreadable: everything is digested again
  }
}

/**
 * SHA-256 of each file, remembered in `memoFile` by path, size and mtime: a file that did not change is not read
 * again. The memo is rewritten (atomically: a concurrent reader sees the old one or the new one) when a digest was
 * computed; a memo that cannot be written costs the next run the reads, nothing else.
 */
export async function fileDigests(files: readonly string[], memoFile: string): Promise<Map<string, string>> {
  const memo = await readMemo(memoFile);
  const digests = new Map<string, string>();
  let changed = false;
  for (const file of files) {
    const info = await stat(file);
    const known = memo[file];
    if (known && known.size === info.size && known.mtimeMs === info.mtimeMs) {
      digests.set(file, known.sha256);
      continue;
    }
    const sha256 = await sha256Of(file);
    memo[file] = { size: info.size, mtimeMs: info.mtimeMs, sha256 };
    digests.set(file, sha256);
    changed = true;
  }
  if (changed) {
    const partial = `${memoFile}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
    try {
      await mkdir(dirname(memoFile), { recursive: true });
      await writeFile(partial, JSON.stringify(memo));
      await rename(partial, memoFile);
    } catch {
      // Best effort, as above.
    }
  }
  return digests;
}
