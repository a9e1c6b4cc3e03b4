import { open } from 'node:fs/promises';

export type TextFileRead = { ok: true; text: string } | { ok: false; reason: string; errno?: string };

function mebibytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/**
 * Reads a configuration-like text file (matrix.json, a bug report, doctor's --config, a result.json)
 * with the ways it can be wrong said in words, so each loader can wrap them in its own named error:
 * missing, a directory, unreadable, larger than `maxBytes` (checked before reading: a 2 GB file must
 * not be loaded to be refused), or binary. A leading UTF-8 byte order mark is dropped, as editors on
 * Windows write one.
 */
export async function readTextFile(file: string, maxBytes: number): Promise<TextFileRead> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    const reason = errno === 'ENOENT' ? 'no such file' : errno === 'EACCES' ? 'permission denied' : errno === 'EISDIR' ? 'is a directory, not a file' : errno;
    return { ok: false, reason, errno };
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) return { ok: false, reason: 'is a directory, not a file', errno: 'EISDIR' };
    if (stats.size > maxBytes) return { ok: false, reason: `is ${mebibytes(stats.size)}; at most ${mebibytes(maxBytes)} is read` };
    // Read at most maxBytes + 1 whatever stat said: a pipe or /dev/zero has no size.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) return { ok: false, reason: `is more than ${mebibytes(maxBytes)}; at most that is read` };
    }
    const buffer = Buffer.concat(chunks, total);
    if (buffer.includes(0)) return { ok: false, reason: 'is a binary file (it contains NUL bytes), not text' };
    const text = buffer.toString('utf8');
    return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return { ok: false, reason: errno === 'EISDIR' ? 'is a directory, not a file' : errno, errno };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Matrix files, bug reports and doctor configs are a few KB; anything this big is the wrong file. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;
/** A full matrix result with every exchange is a few MB; this leaves room and stays far below node's string limit. */
export const MAX_RESULT_FILE_BYTES = 256 * 1024 * 1024;
