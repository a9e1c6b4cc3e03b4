/**
 * The full evidence of each cell (every recorded exchange and the whole service logs, as the run wrote them
 * to cells/<id>/), packed for report.html: gzip, then base64, one block per cell. The page unpacks a block
 * in the browser (DecompressionStream) only when the reader asks for it, so the page stays small
 * (report.html ≤ 3 MB for the 12-cell matrix, issue 16) and self-contained.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import type { CellResult, RunResult } from '../../model/result-schema.ts';
import { truncateUtf8, truncationMarker } from '../report-text.ts';

/** Per log file in the archive: a docker log can be far larger than anything worth opening in a page. */
export const ARCHIVE_LOG_BYTES = 1024 * 1024;

/** What a block unpacks to. */
export interface CellArchive {
  /** The cell's exchanges.json, as recorded (bodies capped by the recorder). */
  exchanges: unknown[];
  /** Artifact name (`log:<service>`) → the log's text. */
  logs: Record<string, string>;
  /** Artifacts that could not be read when the report was rendered. */
  missing: string[];
}

/** A packed block: base64 of the gzipped JSON of a {@link CellArchive}. */
export interface PackedArchive {
  data: string;
  exchanges: number;
  logs: number;
}

const gzipAsync = promisify(gzip);

/** Cells packed at once: zlib compresses on libuv's thread pool (4 threads by default), beside the main thread. */
const PACKING_AT_ONCE = 4;

export async function packArchive(archive: CellArchive): Promise<PackedArchive> {
  const data = (await gzipAsync(JSON.stringify(archive), { level: 9 })).toString('base64');
  return { data, exchanges: archive.exchanges.length, logs: Object.keys(archive.logs).length };
}

/** The inverse of {@link packArchive} (tests, and anyone scripting against the page). */
export function unpackArchive(data: string): CellArchive {
  return JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as CellArchive;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function readCell(cell: CellResult, resultDir: string): Promise<CellArchive | undefined> {
  const archive: CellArchive = { exchanges: [], logs: {}, missing: [] };
  let found = false;
  for (const [name, path] of Object.entries(cell.artifacts)) {
    const content = await readText(join(resultDir, path));
    if (content === undefined) {
      archive.missing.push(path);
      continue;
    }
    found = true;
    if (name === 'exchanges') {
      try {
        const parsed: unknown = JSON.parse(content);
        if (Array.isArray(parsed)) archive.exchanges = parsed;
        else archive.missing.push(path);
      } catch {
        archive.missing.push(path);
      }
    } else if (name.startsWith('log:')) {
      const cut = truncateUtf8(content, ARCHIVE_LOG_BYTES);
      archive.logs[name] = cut.omittedBytes === 0 ? content : `${cut.text}\n${truncationMarker(cut.omittedBytes)}: the whole log is ${path}`;
    }
  }
  return found ? archive : undefined;
}

/**
 * The packed archive of every cell whose artifacts are found under `resultDir` (the directory result.json's
 * artifact paths are relative to). A cell without readable artifacts has no block; the page then links them.
 */
export async function readEvidenceArchives(result: RunResult, resultDir: string): Promise<Map<string, PackedArchive>> {
  // Level 9 compression of 100 cells' evidence took ≈ 6 s on the main thread alone; on the thread pool, a few cells
  // at once, it runs on every core while the next cells are read.
  const packed = new Map<string, PackedArchive>();
  let next = 0;
  const packer = async () => {
    for (let index = next++; index < result.cells.length; index = next++) {
      const cell = result.cells[index]!;
      const archive = await readCell(cell, resultDir);
      if (archive) packed.set(cell.id, await packArchive(archive));
    }
  };
  await Promise.all(Array.from({ length: PACKING_AT_ONCE }, packer));
  // In the order of the cells, whatever order they finished in.
  const archives = new Map<string, PackedArchive>();
  for (const cell of result.cells) {
    const archive = packed.get(cell.id);
    if (archive) archives.set(cell.id, archive);
  }
  return archives;
}
