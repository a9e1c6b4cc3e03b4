import { planAlternatives, verb, type Alternative } from './alternatives.ts';
import type { BreakingScenario, PairState } from '../verdict/judge-cell.ts';
import { AXES, pairCellId, pairName, type Pair, type UpgradeQuestion } from './upgrade-question.ts';

/** What is known about one pair: judged from a result cell, or unknown with the reason. */
export interface PairFinding {
  pair: Pair;
  cellId: string;
  state: PairState;
  reason: string;
  breaking: BreakingScenario[];
}

/** Looks a pair up (in a stored result, or in the results of the runs made for this question). */
export type PairLookup = (pair: Pair) => PairFinding;

export interface Recommendation {
  /** In order, e.g. ["upgrade Evolution to 1.7.5", "upgrade Chatwoot to 3.8.0"]. */
  steps: string[];
  summary: string;
  /** The findings this rests on (the alternative's final pair, and its first step). */
  basis: PairFinding[];
}

export interface UpgradeAnswer {
  answer: 'yes' | 'no';
  /** Pact's can-i-deploy: "unknown" is not "no", but it does not let you deploy either (exit 1). */
  state: PairState;
  /** The answer in one line. */
  headline: string;
  question: UpgradeQuestion;
  current: PairFinding;
  target: PairFinding;
  recommendation: Recommendation | undefined;
  /** Every alternative considered, smallest change first, with what is known of it. */
  alternatives: Array<{ change: string; final: PairFinding; first: PairFinding | undefined }>;
  /** Cells that were needed but have no verdict. */
  missing: string[];
}

function moveSteps(question: UpgradeQuestion): string[] {
  return AXES.filter((axis) => question.moved.includes(axis)).map((axis) => verb(axis, question.current[axis], question.target[axis]));
}

function recommend(question: UpgradeQuestion, alternative: Alternative, final: PairFinding, first: PairFinding | undefined): Recommendation {
  const change = verb(alternative.axis, question.current[alternative.axis], alternative.value);
  const targetSteps = moveSteps(question);
  if (!alternative.first) {
    // Both axes were asked to move: the alternative replaces one of the requested versions.
    const steps = AXES.filter((axis) => question.current[axis] !== alternative.final[axis]).map((axis) =>
      verb(axis, question.current[axis], alternative.final[axis]),
    );
    return { steps, summary: `${steps.join(' and ')} instead: ${pairName(alternative.final)} works`, basis: [final] };
  }
  if (first?.state === 'works') {
    return {
      steps: [change, ...targetSteps],
      summary: `${change} first (${pairName(first.pair)} works), then ${targetSteps.join(' and ')}`,
      basis: [final, first],
    };
  }
  const why =
    first?.state === 'breaks'
      ? `${pairName(first.pair)} breaks, so not one before the other`
      : `unknown whether ${pairName(alternative.first)} works in between`;
  return { steps: [change, ...targetSteps], summary: `${[change, ...targetSteps].join(' and ')} together (${why})`, basis: first ? [final, first] : [final] };
}

/**
 * The answer to "can I move from the current pair to the target": yes when the target's
 * compatibility scenarios pass; otherwise the breaking scenarios and the smallest change whose pair
 * passes, among the other versions on the axes, or "stay".
 */
export function answerUpgrade(question: UpgradeQuestion, lookup: PairLookup): UpgradeAnswer {
  const current = lookup(question.current);
  const target = lookup(question.target);
  const plan = planAlternatives(question);
  const alternatives = plan.map((alternative) => ({
    alternative,
    change: verb(alternative.axis, question.current[alternative.axis], alternative.value),
    final: lookup(alternative.final),
    first: alternative.first ? lookup(alternative.first) : undefined,
  }));
  const missing = [current, target, ...alternatives.flatMap((a) => [a.final, ...(a.first ? [a.first] : [])])]
    .filter((finding) => finding.state === 'unknown')
    .map((finding) => `${finding.cellId} (${finding.reason})`);
  const uniqueMissing = [...new Set(missing)];
  const base = { question, current, target, alternatives: alternatives.map(({ change, final, first }) => ({ change, final, first })) };
  const targetName = `${pairName(question.target)} (${question.storage} storage)`;

  if (target.state === 'works') {
    return {
      ...base,
      answer: 'yes',
      state: 'works',
      headline: `yes: ${targetName} works${current.state === 'works' ? '' : current.state === 'breaks' ? `; the current ${pairName(question.current)} breaks` : ''}`,
      recommendation: undefined,
      missing: uniqueMissing.filter((entry) => entry.startsWith(target.cellId)),
    };
  }
  const working = alternatives.find((entry) => entry.final.state === 'works');
  const recommendation = working ? recommend(question, working.alternative, working.final, working.first) : undefined;
  if (target.state === 'unknown') {
    return {
      ...base,
      answer: 'no',
      state: 'unknown',
      headline: `no (unknown): no verdict for ${targetName}: ${target.reason}`,
      recommendation,
      missing: uniqueMissing,
    };
  }
  const count = target.breaking.length;
  const advice = recommendation
    ? recommendation.summary
    : current.state === 'works'
      ? `stay on ${pairName(question.current)}: no other version on the axes makes it work`
      : 'no other version on the axes makes it work';
  return {
    ...base,
    answer: 'no',
    state: 'breaks',
    headline: `no: ${targetName} breaks (${count} scenario${count === 1 ? '' : 's'}) — ${advice}`,
    recommendation:
      recommendation ?? (current.state === 'works' ? { steps: [], summary: `stay on ${pairName(question.current)}`, basis: [current] } : undefined),
    missing: uniqueMissing,
  };
}

export function findingFromUnknown(pair: Pair, storage: UpgradeQuestion['storage'], reason: string): PairFinding {
  return { pair, cellId: pairCellId(pair, storage), state: 'unknown', reason, breaking: [] };
}
