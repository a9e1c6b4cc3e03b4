import type { ScenarioStatus } from './result-schema.ts';

/** What running one scenario in one cell produced, before verdicts and diagnosis. */
export interface ScenarioOutcome {
  cellId: string;
  id: string;
  suite: string;
  title: string;
  seedSymptom: string;
  status: ScenarioStatus;
  durationMs: number;
  /** ISO time the scenario started: with durationMs, the window whose exchanges are its evidence. */
  startedAt?: string;
  message?: string;
  errorCode?: string;
  skipReason?: string;
  /** The exchange or log line the scenario found decisive, if it pointed at one. */
  decisive?: { kind: 'exchange' | 'log'; exchangeId?: string; service?: string; line?: string };
  /**
   * What ties evidence to this scenario when others of the cell ran at the same time (their windows
   * overlap): diagnosis then only looks at exchanges and log lines that mention a marker (an instance
   * name, a message text) or whose id is listed.
   */
  evidenceScope?: EvidenceScope;
}

export interface EvidenceScope {
  markers: string[];
  exchangeIds: string[];
}
