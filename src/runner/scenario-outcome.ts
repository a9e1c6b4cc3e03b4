import type { ScenarioStatus } from '../result/result-schema.ts';

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
}
