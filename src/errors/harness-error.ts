import { ErrorCodes, ExitCodes, type ErrorCode, type ExitCode } from './error-codes.ts';

export interface HarnessErrorOptions {
  /** Extra structured context (never secrets: it is printed and serialised). */
  details?: Record<string, unknown>;
  cause?: unknown;
  /** A concrete next step for the user. */
  hint?: string;
}

/** Base class of every error the harness raises on purpose. */
export class HarnessError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly details: Record<string, unknown>;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, exitCode: ExitCode, message: string, options: HarnessErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.details = options.details ?? {};
    this.hint = options.hint;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, details: this.details, hint: this.hint };
  }
}

/** Bad command line: exit 2. */
export class UsageError extends HarnessError {
  constructor(message: string, options?: HarnessErrorOptions) {
    super(ErrorCodes.usage, ExitCodes.usage, message, options);
  }
}

/** One problem found in a configuration file, with its dotted path. */
export interface ConfigIssue {
  path: string;
  message: string;
  value?: unknown;
  allowed?: readonly unknown[];
}

/** Invalid matrix.json, bug report, result file or env: exit 2. */
export class ConfigError extends HarnessError {
  readonly issues: readonly ConfigIssue[];
  constructor(message: string, issues: readonly ConfigIssue[] = [], options?: HarnessErrorOptions & { code?: ErrorCode }) {
    super(options?.code ?? ErrorCodes.config, ExitCodes.usage, message, {
      ...options,
      details: { ...options?.details, issues },
    });
    this.issues = issues;
  }
}

/** A service, image or engine failed before any verdict: exit 3. */
export class InfrastructureError extends HarnessError {
  constructor(code: ErrorCode, message: string, options?: HarnessErrorOptions) {
    super(code, ExitCodes.infrastructure, message, options);
  }
}

/** Wraps anything that is not a HarnessError so the CLI can report it uniformly. */
export function toHarnessError(error: unknown): HarnessError {
  if (error instanceof HarnessError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new HarnessError(ErrorCodes.internal, ExitCodes.infrastructure, message, { cause: error });
}
