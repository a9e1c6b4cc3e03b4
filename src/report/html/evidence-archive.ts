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

/** A cell's archive before packing: its exchanges.json as the bytes on disk (valid JSON, an array), the rest parsed. */
interface ArchiveParts {
  exchangesJson: Buffer;
  exchangeCount: number;
  logs: Record<string, string>;
  missing: string[];
}

const EMPTY_LIST = Buffer.from('[]');

/**
 * The JSON of a {@link CellArchive}, with the exchanges spliced in as their file's bytes: the file is the run's
 * largest (≈ 3.4 MB per cell of the extended matrix), and parsing it only to serialise it again, then converting
 * that string back to bytes for zlib, was ≈ 6 s of the extended matrix's main thread.
 */
async function packArchive(parts: ArchiveParts): Promise<PackedArchive> {
  const rest = `,"logs":${JSON.stringify(parts.logs)},"missing":${JSON.stringify(parts.missing)}}`;
  const json = Buffer.concat([Buffer.from('{"exchanges":'), parts.exchangesJson, Buffer.from(rest)]);
  const data = (await gzipAsync(json, { level: 9 })).toString('base64');
  return { data, exchanges: parts.exchangeCount, logs: Object.keys(parts.logs).length };
}

/** The inverse of packing (tests, and anyone scripting against the page). */
export function unpackArchive(data: string): CellArchive {
  return JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as CellArchive;
}

async function readBytes(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/** How many exchanges the file holds: parsed to check it is a JSON array, unless this process wrote it (`knownCount`). */
function exchangeCount(content: Buffer, knownCount: number | undefined): number | undefined {
  if (knownCount !== undefined) return knownCount;
  try {
    const parsed: unknown = JSON.parse(content.toString('utf8'));
    return Array.isArray(parsed) ? parsed.length : undefined;
  } catch {
    return undefined;
  }
}

async function readCell(cell: CellResult, resultDir: string, knownCount: number | undefined): Promise<ArchiveParts | undefined> {
  const parts: ArchiveParts = { exchangesJson: EMPTY_LIST, exchangeCount: 0, logs: {}, missing: [] };
  let found = false;
  for (const [name, path] of Object.entries(cell.artifacts)) {
    const content = await readBytes(join(resultDir, path));
    if (content === undefined) {
      parts.missing.push(path);
      continue;
    }
    found = true;
    if (name === 'exchanges') {
      const count = exchangeCount(content, knownCount);
      if (count === undefined) parts.missing.push(path);
      else {
        parts.exchangesJson = content;
        parts.exchangeCount = count;
      }
    } else if (name.startsWith('log:')) {
      const text = content.toString('utf8');
      const cut = truncateUtf8(text, ARCHIVE_LOG_BYTES);
      parts.logs[name] = cut.omittedBytes === 0 ? text : `${cut.text}\n${truncationMarker(cut.omittedBytes)}: the whole log is ${path}`;
    }
  }
  return found ? parts : undefined;
}

export interface ReadArchivesOptions {
  /**
   * Per cell id: how many exchanges the exchanges.json this process has just written holds. Those files are taken
   * as written, not parsed again; any other file is parsed, and one that is not a JSON array counts as missing.
   */
  writtenExchangeCounts?: ReadonlyMap<string, number>;
}

/**
 * The packed archive of every cell whose artifacts are found under `resultDir` (the directory result.json's
 * artifact paths are relative to). A cell without readable artifacts has no block; the page then links them.
 */
export async function readEvidenceArchives(result: RunResult, resultDir: string, options: ReadArchivesOptions = {}): Promise<Map<string, PackedArchive>> {
  // Level 9 compression of 100 cells' evidence took ≈ 6 s on the main thread alone; on the thread pool, a few cells
  // at once, it runs on every core while the next cells are read.
  const packed = new Map<string, PackedArchive>();
  let next = 0;
  const packer = async () => {
    for (let index = next++; index < result.cells.length; index = next++) {
      const cell = result.cells[index]!;
      const archive = await readCell(cell, resultDir, options.writtenExchangeCounts?.get(cell.id));
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
