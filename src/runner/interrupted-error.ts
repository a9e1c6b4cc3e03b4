import { ErrorCodes, ExitCodes, HarnessError } from '../errors/index.ts';

/** A run stopped by a signal (the abort reason the CLI gives): the command turns it into the signal's exit code. */
export class InterruptedError extends HarnessError {
  readonly signalName: string;
  constructor(signalName: string) {
    super(ErrorCodes.interrupted, ExitCodes.infrastructure, `interrupted by ${signalName}`);
    this.signalName = signalName;
  }
}
