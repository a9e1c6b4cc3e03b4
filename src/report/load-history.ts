import { readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors/index.ts';
import type { HistoryEntry } from './compat-table.ts';
import { loadResult } from './load-result.ts';

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/**
 * `report --history DIR`: every result in DIR (DIR/*.json, DIR/<run>/result.json), each linked, relative to
 * `pageDir`, to the report.html beside it when there is one, else to the result itself.
 */
export async function loadHistory(dir: string, pageDir: string): Promise<HistoryEntry[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => {
    throw new UsageError(`--history ${dir}: not a folder this process can read`);
  });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isFile() && entry.name.endsWith('.json')) files.push(join(dir, entry.name));
    else if (entry.isDirectory() && (await exists(join(dir, entry.name, 'result.json')))) files.push(join(dir, entry.name, 'result.json'));
  }
  if (files.length === 0) throw new UsageError(`--history ${dir}: no result.json in it (nor in its subfolders)`);
  const history: HistoryEntry[] = [];
  for (const file of files) {
    const result = await loadResult(file);
    const html = join(dirname(file), 'report.html');
    const target = (await exists(html)) && file.endsWith(`${sep}result.json`) ? html : file;
    history.push({ result, link: relative(resolve(pageDir), resolve(target)).split(sep).join('/') });
  }
  return history;
}
