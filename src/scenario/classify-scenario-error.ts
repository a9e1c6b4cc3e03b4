import { ErrorCodes, HarnessError, InfrastructureError, ExitCodes } from '../errors/index.ts';
import { DeadlineError } from '../common/wait-for.ts';
import { ApiResponseError, ServiceUnreachableError } from '../clients/http-client.ts';
import type { ScenarioOutcome } from '../model/scenario-outcome.ts';

/** The product misbehaved: thrown by scenarios for a failed expectation that is not an `expect`. */
export class ScenarioBreak extends HarnessError {
  readonly decisive: ScenarioOutcome['decisive'] | undefined;
  constructor(message: string, decisive?: ScenarioOutcome['decisive']) {
    super(ErrorCodes.scenarioAssert, ExitCodes.unexpected, message);
    this.decisive = decisive;
  }
}

export interface ClassifiedFailure {
  status: 'break' | 'error';
  errorCode: string;
  message: string;
}

function isAssertion(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'AssertionError' || (error as { constructor?: { name?: string } })?.constructor?.name === 'AssertionError';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * SCENARIOS.md: `break` = the product misbehaved (an assertion failed, the product answered wrongly,
 * or the expected event did not arrive by its deadline while the services answered); `error` =
 * infrastructure (a service did not answer at all, bootstrap failed, the harness threw).
 */
export function classifyScenarioError(error: unknown): ClassifiedFailure {
  if (error instanceof ScenarioBreak) return { status: 'break', errorCode: error.code, message: error.message };
  if (isAssertion(error)) return { status: 'break', errorCode: ErrorCodes.scenarioAssert, message: messageOf(error) };
  if (error instanceof ApiResponseError) return { status: 'break', errorCode: error.code, message: error.message };
  if (error instanceof DeadlineError) {
    const last = error.cause;
    if (last instanceof ServiceUnreachableError || last instanceof InfrastructureError) {
      return { status: 'error', errorCode: (last as HarnessError).code, message: `${error.message}; last error: ${messageOf(last)}` };
    }
    return { status: 'break', errorCode: error.code, message: error.message };
  }
  if (error instanceof HarnessError) {
    const infrastructure = error instanceof InfrastructureError || error.exitCode === ExitCodes.infrastructure;
    return { status: infrastructure ? 'error' : 'break', errorCode: error.code, message: error.message };
  }
  return { status: 'error', errorCode: ErrorCodes.internal, message: `harness error: ${messageOf(error)}` };
}

/**
 * A break is a verdict on the product, reported by its message and evidence; its stack frames are never shown. Dropping
 * them spares vitest's main thread mapping every frame of every break through the suites bundle's source map, which it
 * reads and parses again per frame (measured: ≈ 1.3 s of the main thread's samples in a 12-cell run, 50 breaks).
 * A harness error keeps its frames: those are the lead to a bug of ours.
 */
export function dropFramesOfBreak(error: unknown, classified: ClassifiedFailure): void {
  if (classified.status !== 'break' || !(error instanceof Error)) return;
  error.stack = `${error.name}: ${error.message}`;
}
