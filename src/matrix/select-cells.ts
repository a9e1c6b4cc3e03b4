import { UsageError } from '../errors/index.ts';
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, cellId, type ChatwootVersion, type EvolutionVersion, type Storage } from '../model/axes.ts';
import type { MatrixConfig } from './matrix-config.ts';
import type { PlannedCell } from './plan-types.ts';

/** Command-line narrowing of matrix.json (`--chatwoot 3.8.0,3.9.0 --suite auth`). */
export interface CellFilters {
  chatwoot?: readonly string[];
  evolution?: readonly string[];
  storage?: readonly string[];
  suites?: readonly string[];
}

/** "a, b ,c" → ['a','b','c']; undefined / empty → undefined (no filter). */
export function parseListOption(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '' || value === true) return undefined;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((item) => String(item).split(','));
  const trimmed = parts.map((part) => part.trim()).filter((part) => part.length > 0);
  return trimmed.length > 0 ? trimmed : undefined;
}

/** The matrix file that lists every known value of each axis (README "Matrix files"). */
export const EXTENDED_MATRIX_FILE = 'matrix.extended.json';

function narrow<T extends string>(option: string, available: readonly T[], wanted: readonly string[] | undefined, known?: readonly string[]): T[] {
  if (!wanted) return [...available];
  for (const value of wanted) {
    if (known && !known.includes(value)) {
      throw new UsageError(`--${option} ${value}: unknown ${option === 'chatwoot' ? 'Chatwoot' : 'Evolution'} version (known: ${known.join(', ')})`, {
        details: { option, value, allowed: known },
      });
    }
    if (!(available as readonly string[]).includes(value)) {
      throw new UsageError(`--${option} ${value}: not in the matrix (allowed: ${available.join(', ')})`, {
        details: { option, value, allowed: available },
        ...(known ? { hint: `${EXTENDED_MATRIX_FILE} lists every known version: --matrix ${EXTENDED_MATRIX_FILE}` } : {}),
      });
    }
  }
  return available.filter((value) => wanted.includes(value));
}

/** The cells to run: matrix axes × filters, each with the suites it runs (catalog order). */
export function selectCells(config: MatrixConfig, filters: CellFilters = {}): PlannedCell[] {
  const chatwoot = narrow<ChatwootVersion>('chatwoot', config.axes.chatwoot, filters.chatwoot, CHATWOOT_VERSIONS);
  const evolution = narrow<EvolutionVersion>('evolution', config.axes.evolution, filters.evolution, EVOLUTION_VERSIONS);
  const storage = narrow<Storage>('storage', config.axes.storage, filters.storage);
  const suites = narrow('suite', config.suites, filters.suites);
  const cells: PlannedCell[] = [];
  for (const store of storage) {
    for (const cw of chatwoot) {
      for (const evo of evolution) {
        const key = { chatwoot: cw, evolution: evo, storage: store };
        cells.push({ ...key, id: cellId(key), suites: [...suites] });
      }
    }
  }
  return cells;
}
