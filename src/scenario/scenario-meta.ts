import type { ScenarioStatus } from '../model/result-schema.ts';
import type { CellStack } from '../stack/stack.ts';
import type { EvidenceScope, ScenarioOutcome } from '../model/scenario-outcome.ts';

/** What a scenario hands to the reporter through vitest's task meta (serialisable). */
export interface ScenarioMeta {
  cellId: string;
  scenarioId: string;
  startedAt: string;
  /** Set when the scenario did not pass: how its failure classifies. */
  outcome?: { status: Exclude<ScenarioStatus, 'pass' | 'skipped'>; errorCode?: string; message: string };
  decisive?: ScenarioOutcome['decisive'];
  /** Facts worth reporting even on pass (e.g. how long an upload took). */
  notes?: string[];
  /** Set through ScenarioContext.scope(): the evidence that belongs to this scenario. */
  scope?: EvidenceScope;
}

/** What runSuites provides to the suite files (vitest `provide`/`inject`): plain data only. */
export interface SuiteRunInput {
  stacks: CellStack[];
  /** Which suites each cell runs; a cell missing here runs every suite of the run. */
  suitesByCell: Record<string, string[]>;
  /** Per-scenario test timeout, a backstop behind each scenario's own deadlines. */
  scenarioTimeoutMs: number;
  /** Cells of one suite running at the same time. */
  jobs: number;
  /** The suites to load (file: absolute path), in the order they start: the longest-running first. */
  suitesToLoad: { id: string; file: string }[];
  /** Suites running at the same time; the next one in `suitesToLoad` starts when one ends. */
  suitesAtOnce: number;
}

export const SUITE_RUN_KEY = 'evochatRun';

declare module 'vitest' {
  interface ProvidedContext {
    evochatRun: SuiteRunInput;
  }
  interface TaskMeta {
    evochat?: ScenarioMeta;
    /** Set on the stand-in test of a suite file that could not be loaded: its error, for its scenarios. */
    evochatLoadError?: { suiteId: string; message: string };
  }
}
