import type { BackendName } from '../model/axes.ts';
import type { RunPlan } from '../matrix/plan-types.ts';
import type { CellStack } from '../stack/stack.ts';
import type { CellEvidence } from '../model/cell-evidence.ts';

export interface BackendStartOptions {
  runId: string;
  /** Cap on services / stacks started at once. */
  jobs: number;
  /** Directory for this run's artifacts (logs land in <artifactsDir>/<cellId>/…). */
  artifactsDir: string;
  /** Progress callback for the terminal display. */
  onProgress?: (event: { phase: string; message: string }) => void;
  signal?: AbortSignal;
}

/** A backend's running services for one plan. Owns them: stop() (or await using) removes everything. */
export interface StartedEnvironment extends AsyncDisposable {
  backend: BackendName;
  /** docker only. */
  images: 'upstream' | 'twin' | undefined;
  stacks: Map<string, CellStack>;
  /** Exchanges and logs attributed to one cell, redacted. Call after the cell's scenarios ran. */
  collectEvidence(cellId: string): Promise<CellEvidence>;
  /** Image name → digest (docker) or twin profile (sim), per cell. */
  imagesFor(cellId: string): Record<string, string>;
  /** How many services / containers were actually started. */
  servicesStarted: number;
  /** Milliseconds per phase (e.g. build, start, bootstrap). */
  phases: Record<string, number>;
  stop(): Promise<void>;
}

export interface Backend {
  name: BackendName;
  start(plan: RunPlan, options: BackendStartOptions): Promise<StartedEnvironment>;
}
