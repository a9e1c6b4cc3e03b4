import { join } from 'node:path';
import { UsageError } from '../errors/index.ts';
import { loadMatrixFile } from '../matrix/load-matrix.ts';
import { loadResult } from '../report/load-result.ts';
import type { RunResult } from '../model/result-schema.ts';
import { runMatrix, type RunMatrixOptions } from '../runner/run-matrix.ts';
import { SUITE_CATALOG } from '../scenario/suite-catalog.ts';
import type { SuiteCatalog } from '../model/suite-catalog-types.ts';
import { pairsToJudge, planAlternatives } from './alternatives.ts';
import { answerUpgrade, type UpgradeAnswer } from './answer-upgrade.ts';
import { lookupInResults, type NamedResult } from './pair-lookup.ts';
import { pairCellId, type Pair, type UpgradeQuestion } from './upgrade-question.ts';
import { describePath, pathPairs, type UpgradePath } from './upgrade-path.ts';
import { describeEvolutionChanges, type EvolutionChanges } from './evolution-changes.ts';
import { EXTENDED_MATRIX_FILE } from '../matrix/select-cells.ts';
import type { ChatwootVersion, RequestedBackend } from '../model/axes.ts';
import type { AttachSession } from '../backends/attach/attach-session.ts';

export interface AnswerSource {
  kind: 'result' | 'run';
  /** result.json files the answer rests on. */
  files: string[];
  backend: string;
  /** Stand-ins (sim / twin images): the answer is about the stand-ins' behaviour, not upstream's. */
  standIns: boolean;
  backendReason: string;
}

export interface CanIUpgradeOptions {
  question: UpgradeQuestion;
  /** Answer from this result.json without running. */
  fromResult?: string;
  matrixFile?: string;
  backend?: RequestedBackend;
  images?: string;
  outDir?: string;
  jobs?: number;
  signal?: AbortSignal;
  progressStream?: RunMatrixOptions['progressStream'];
  command?: string;
  /**
   * `--chatwoot-url`: the running Chatwoot is the Chatwoot of every pair (the question's, at its profile); each run gets a
   * session of its own (its ledger in that run's folder) from here. The caller owns their clean-up.
   */
  attached?: { profile: ChatwootVersion; session: () => AttachSession };
  deps?: { catalog?: SuiteCatalog; runMatrix?: typeof runMatrix; runMatrixDeps?: RunMatrixOptions['deps'] };
}

export interface CanIUpgradeOutput {
  answer: UpgradeAnswer;
  source: AnswerSource;
  /** A Chatwoot move: every profile on the way with its verdict, and where behaviour changes. */
  path?: UpgradePath | undefined;
  /** An Evolution move: what changes for the operator, from the two profiles (the verdicts still come from runs). */
  evolutionChanges?: EvolutionChanges | undefined;
}

function sourceOf(kind: AnswerSource['kind'], results: readonly NamedResult[]): AnswerSource {
  const first = results[0]?.result;
  return {
    kind,
    files: results.map((r) => r.source),
    backend: [...new Set(results.map((r) => r.result.backend))].join(', ') || 'none',
    standIns: results.some((r) => r.result.standIns),
    backendReason: first?.backendReason ?? '',
  };
}

/**
 * The compatibility suites of the matrix file (fault suites break on purpose and say nothing about a pair) and
 * its axes, which alternatives are picked from.
 */
async function matrixScope(matrixFile: string, catalog: SuiteCatalog): Promise<{ suites: string[]; candidates: UpgradeQuestion['candidates'] }> {
  const { config } = await loadMatrixFile(matrixFile, catalog);
  return {
    suites: config.suites.filter((id) => catalog.find((suite) => suite.id === id)?.kind === 'compatibility'),
    candidates: { chatwoot: config.axes.chatwoot, evolution: config.axes.evolution },
  };
}

/** matrix.json, unless the question names a version only the extended matrix lists (e.g. a 4.x Chatwoot). */
async function defaultMatrixFile(question: UpgradeQuestion, catalog: SuiteCatalog): Promise<string> {
  const loaded = await loadMatrixFile('matrix.json', catalog).catch(() => undefined);
  if (!loaded) return 'matrix.json';
  const { config } = loaded;
  const listed = [question.current, question.target].every(
    (pair) => config.axes.chatwoot.includes(pair.chatwoot) && config.axes.evolution.includes(pair.evolution),
  );
  return listed ? 'matrix.json' : EXTENDED_MATRIX_FILE;
}

/**
 * Runs the given pairs with runMatrix and a filtered plan (the cross product of their versions, the
 * compatibility suites only) and returns the result.
 */
async function runPairs(options: CanIUpgradeOptions, pairs: readonly Pair[], outDir: string, suites: string[], catalog: SuiteCatalog): Promise<RunResult> {
  const run = options.deps?.runMatrix ?? runMatrix;
  const output = await run({
    matrixFile: options.matrixFile ?? 'matrix.json',
    backend: options.backend ?? 'auto',
    images: options.images ?? 'upstream',
    filters: {
      // The attached server is the whole Chatwoot axis (attach-plan.ts).
      ...(options.attached ? {} : { chatwoot: [...new Set(pairs.map((pair) => pair.chatwoot))] }),
      evolution: [...new Set(pairs.map((pair) => pair.evolution))],
      storage: [options.question.storage],
      suites,
    },
    ...(options.jobs ? { jobs: options.jobs } : {}),
    outDir,
    command: options.command ?? 'evochat-matrix can-i-upgrade',
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.progressStream ? { progressStream: options.progressStream } : {}),
    ...(options.attached ? { attached: options.attached.session() } : {}),
    deps: { ...options.deps?.runMatrixDeps, catalog },
  });
  return output.result;
}

/**
 * `can-i-upgrade`: from a stored result (cells not in it are "unknown"), or by running the current and
 * target pairs, then — only when the target does not work — the alternatives on the axes.
 */
export async function canIUpgrade(options: CanIUpgradeOptions): Promise<CanIUpgradeOutput> {
  const catalog = options.deps?.catalog ?? SUITE_CATALOG;
  if (options.fromResult) {
    const results = [{ source: options.fromResult, result: await loadResult(options.fromResult) }];
    const cells = results[0]!.result.cells;
    const question: UpgradeQuestion = {
      ...options.question,
      candidates: { chatwoot: cells.map((cell) => cell.chatwoot), evolution: cells.map((cell) => cell.evolution) },
    };
    const lookup = lookupInResults(results, question.storage, catalog);
    return {
      answer: answerUpgrade(question, lookup),
      source: sourceOf('result', results),
      path: describePath(question, lookup),
      evolutionChanges: describeEvolutionChanges(question),
    };
  }

  const outDir = options.outDir ?? join('out', 'can-i-upgrade');
  const matrixFile = options.matrixFile ?? (await defaultMatrixFile(options.question, catalog));
  const { suites, candidates: axes } = await matrixScope(matrixFile, catalog);
  if (options.attached && (options.question.moved.includes('chatwoot') || options.question.current.chatwoot !== options.attached.profile)) {
    throw new UsageError('--chatwoot-url: the attached Chatwoot is the Chatwoot of both pairs; only --to evolution@<version> can move', {
      hint: 'to judge a Chatwoot upgrade, run can-i-upgrade on twins or images, or attach the upgraded server with run --chatwoot-url',
    });
  }
  // Alternatives on an attached run keep its Chatwoot: there is no other to run them on.
  const candidates = options.attached ? { ...axes, chatwoot: [options.attached.profile] } : axes;
  const question: UpgradeQuestion = { ...options.question, candidates };
  const results: NamedResult[] = [];
  // The walk's pairs run with current and target: where behaviour changes on the way is part of the answer.
  const walk = question.moved.includes('chatwoot')
    ? [{ chatwoot: question.current.chatwoot, evolution: question.target.evolution }, ...pathPairs(question)]
    : [];
  const first = await runPairs(
    { ...options, question, matrixFile },
    [question.current, ...walk, question.target],
    join(outDir, 'current-and-target'),
    suites,
    catalog,
  );
  results.push({ source: join(outDir, 'current-and-target', 'result.json'), result: first });
  let lookup = lookupInResults(results, question.storage, catalog);
  let answer = answerUpgrade(question, lookup);
  const evolutionChanges = describeEvolutionChanges(question);
  if (answer.state === 'works') return { answer, source: sourceOf('run', results), path: describePath(question, lookup), evolutionChanges };

  const known = new Set(first.cells.map((cell) => cell.id));
  const remaining = pairsToJudge(question, planAlternatives(question)).filter(
    (pair) => !known.has(pairCellId(pair, question.storage)) && (!options.attached || pair.chatwoot === options.attached.profile),
  );
  if (remaining.length > 0) {
    const second = await runPairs({ ...options, question, matrixFile }, remaining, join(outDir, 'alternatives'), suites, catalog);
    results.push({ source: join(outDir, 'alternatives', 'result.json'), result: second });
    lookup = lookupInResults(results, question.storage, catalog);
    answer = answerUpgrade(question, lookup);
  }
  return { answer, source: sourceOf('run', results), path: describePath(question, lookup), evolutionChanges };
}
