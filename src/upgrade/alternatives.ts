import { AXES, AXIS_NAMES, AXIS_VALUES, type Axis, type Pair, type UpgradeQuestion } from './upgrade-question.ts';

/**
 * Another way to reach the target: set one axis the operator did not ask to move (or, when both
 * move, one of them) to another version. `first` is the pair after doing that change alone, on the
 * current versions: if it works, the change can be made first, safely.
 */
export interface Alternative {
  axis: Axis;
  value: string;
  /** The pair the operator ends up with. */
  final: Pair;
  /** The pair in between when this change is made first; undefined when it is not a separate step. */
  first: Pair | undefined;
  /** Steps from the current version on this axis; smaller is a smaller change. */
  distance: number;
}

function indexOf(axis: Axis, value: string): number {
  return AXIS_VALUES[axis].indexOf(value);
}

export function verb(axis: Axis, from: string, to: string): string {
  return `${indexOf(axis, to) >= indexOf(axis, from) ? 'upgrade' : 'downgrade'} ${AXIS_NAMES[axis]} to ${to}`;
}

/**
 * The alternatives on the axes, smallest change first: the nearest version on the axis, and at equal
 * distance the newer one (moving forward is the usual way out). No table of known answers: which of
 * them works is found by running them (or reading their cells).
 */
export function planAlternatives(question: UpgradeQuestion): Alternative[] {
  const free = AXES.filter((axis) => !question.moved.includes(axis));
  const adjustable = free.length > 0 ? free : question.moved;
  const alternatives: Alternative[] = [];
  for (const axis of adjustable) {
    const base = question.current[axis];
    const candidates = question.candidates?.[axis] ?? AXIS_VALUES[axis];
    for (const value of AXIS_VALUES[axis].filter((known) => candidates.includes(known))) {
      if (value === question.target[axis]) continue;
      const final = { ...question.target, [axis]: value } as Pair;
      const isFree = free.includes(axis);
      alternatives.push({
        axis,
        value,
        final,
        first: isFree ? ({ ...question.current, [axis]: value } as Pair) : undefined,
        distance: Math.abs(indexOf(axis, value) - indexOf(axis, isFree ? base : question.target[axis])),
      });
    }
  }
  return alternatives.sort((a, b) => a.distance - b.distance || indexOf(b.axis, b.value) - indexOf(a.axis, a.value));
}

/** Every pair whose cell the answer may need: current, target, each alternative's final and first step. */
export function pairsToJudge(question: UpgradeQuestion, alternatives: readonly Alternative[]): Pair[] {
  const seen = new Map<string, Pair>();
  const add = (pair: Pair | undefined) => {
    if (pair) seen.set(`${pair.chatwoot}|${pair.evolution}`, pair);
  };
  add(question.current);
  add(question.target);
  for (const alternative of alternatives) {
    add(alternative.final);
    add(alternative.first);
  }
  return [...seen.values()];
}
