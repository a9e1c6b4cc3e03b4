import type { ScenarioOutcome } from '../model/scenario-outcome.ts';
import type { SuiteInfo } from '../model/suite-catalog-types.ts';

/** The outcome of a planned scenario that never ran: status `error`, no duration, the reason as its message. */
export function erroredOutcome(
  cellId: string,
  suite: SuiteInfo,
  scenario: SuiteInfo['scenarios'][number],
  failure: { errorCode: string; message: string },
): ScenarioOutcome {
  return {
    cellId,
    id: scenario.id,
    suite: suite.id,
    title: scenario.title,
    seedSymptom: suite.seedSymptom,
    status: 'error',
    durationMs: 0,
    errorCode: failure.errorCode,
    message: failure.message,
  };
}
