import { displayValue, UsageError } from '../errors/index.ts';
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, STORAGES, cellId, type ChatwootVersion, type EvolutionVersion, type Storage } from '../model/axes.ts';

export type Axis = 'chatwoot' | 'evolution';
export const AXES: readonly Axis[] = ['chatwoot', 'evolution'];
export const AXIS_NAMES: Record<Axis, string> = { chatwoot: 'Chatwoot', evolution: 'Evolution' };
export const AXIS_VALUES: Record<Axis, readonly string[]> = { chatwoot: CHATWOOT_VERSIONS, evolution: EVOLUTION_VERSIONS };

export interface Pair {
  chatwoot: ChatwootVersion;
  evolution: EvolutionVersion;
}

export interface UpgradeQuestion {
  current: Pair;
  target: Pair;
  storage: Storage;
  /** Axes the operator wants to move (in `--to`). */
  moved: Axis[];
  /** The versions alternatives are picked from (the matrix file's axes, or a result's cells); every known version when absent. */
  candidates?: Partial<Record<Axis, readonly string[]>>;
}

export function pairCellId(pair: Pair, storage: Storage): string {
  return cellId({ ...pair, storage });
}

export function pairName(pair: Pair): string {
  return `Chatwoot ${pair.chatwoot} × Evolution ${pair.evolution}`;
}

function version<A extends Axis>(axis: A, value: unknown, flag: string): Pair[A] {
  const allowed = AXIS_VALUES[axis];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(`${flag} is required (one of ${allowed.join(', ')})`, { details: { option: flag, allowed } });
  }
  const trimmed = value.trim().replace(/^v/, '');
  if (!allowed.includes(trimmed)) {
    const given = flag.endsWith('@') ? `${flag}${value}` : `${flag} ${value}`;
    throw new UsageError(`${given}: unknown ${AXIS_NAMES[axis]} version (known: ${allowed.join(', ')})`, { details: { option: flag, value, allowed } });
  }
  return trimmed as Pair[A];
}

/**
 * `--chatwoot 3.7.0 --evolution 1.7.4 --to chatwoot@3.8.0[,evolution@1.7.5] [--storage local]`: either
 * side may move, or both; unknown versions and a target equal to the current pair are usage errors.
 */
export function parseUpgradeQuestion(options: { chatwoot?: unknown; evolution?: unknown; to?: unknown; storage?: unknown }): UpgradeQuestion {
  const current: Pair = { chatwoot: version('chatwoot', options.chatwoot, '--chatwoot'), evolution: version('evolution', options.evolution, '--evolution') };
  const storageValue = options.storage === undefined ? 'local' : typeof options.storage === 'string' ? options.storage : displayValue(options.storage);
  if (!(STORAGES as readonly string[]).includes(storageValue)) {
    throw new UsageError(`--storage ${storageValue}: expected ${STORAGES.join(' or ')}`, { details: { allowed: STORAGES } });
  }
  if (typeof options.to !== 'string' || options.to.trim() === '') {
    throw new UsageError('--to is required, e.g. --to chatwoot@3.8.0 or --to chatwoot@3.8.0,evolution@1.7.5');
  }
  const target: Pair = { ...current };
  const moved: Axis[] = [];
  for (const part of options.to
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const match = /^(chatwoot|evolution)@(.+)$/i.exec(part);
    if (!match) throw new UsageError(`--to ${part}: expected <chatwoot|evolution>@<version>, e.g. chatwoot@3.8.0`);
    const axis = match[1]!.toLowerCase() as Axis;
    if (moved.includes(axis)) throw new UsageError(`--to names ${axis} twice`);
    (target as Record<Axis, string>)[axis] = version(axis, match[2], `--to ${axis}@`);
    if (target[axis] !== current[axis]) moved.push(axis);
  }
  if (moved.length === 0) throw new UsageError(`--to ${options.to} is the current pair (${pairName(current)}): nothing moves`);
  return { current, target, storage: storageValue as Storage, moved };
}
