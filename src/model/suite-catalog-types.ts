import type { Capability } from './capabilities.ts';

/**
 * The shape of one entry of SUITE_CATALOG (src/scenario/suite-catalog.ts), the contract between the
 * scenario suites and the matrix runner (SCENARIOS.md). Scenario ids are fully qualified:
 * `<suite>/<scenario>`; matrix.json, diagnosis and reports refer to them.
 */
export type SuiteKind = 'compatibility' | 'fault';

export interface SuiteScenarioInfo {
  /** Fully qualified: `<suite>/<scenario>`. */
  id: string;
  title: string;
}

export interface SuiteInfo {
  id: string;
  title: string;
  /** Path of the suite file, relative to the project root (e.g. `suites/auth.suite.ts`). */
  file: string;
  /** compatibility: "does this pair work"; fault: a misconfiguration injected on purpose, expected to break. */
  kind: SuiteKind;
  /** The symptom of the seed guide this suite covers. */
  seedSymptom: string;
  requires: Capability[];
  scenarios: readonly SuiteScenarioInfo[];
}

export type SuiteCatalog = readonly SuiteInfo[];
