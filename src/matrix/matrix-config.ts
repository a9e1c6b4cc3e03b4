import type { ChatwootVersion, EvolutionVersion, Storage } from '../model/axes.ts';
import type { PlanSettings } from './plan-types.ts';

/** An expectation with every axis of `when` spelled out (an absent axis means every known value). */
export interface NormalisedExpectation {
  when: { chatwoot: ChatwootVersion[]; evolution: EvolutionVersion[]; storage: Storage[] };
  scenarios: string[];
  reason: string;
  references: string[];
}

/** matrix.json after parsing, defaults, normalisation and the semantic rules. */
export interface MatrixConfig {
  /** The file it came from, as given. */
  file: string | undefined;
  axes: { chatwoot: ChatwootVersion[]; evolution: EvolutionVersion[]; storage: Storage[] };
  /** Suite ids to run, in catalog order. */
  suites: string[];
  settings: PlanSettings;
  expectations: NormalisedExpectation[];
  jobs: number;
}
