export { ErrorCodes, ExitCodes, type ErrorCode, type ExitCode } from './error-codes.ts';
export { HarnessError, UsageError, ConfigError, InfrastructureError, toHarnessError, type ConfigIssue, type HarnessErrorOptions } from './harness-error.ts';
export { displayValue, cutText, MAX_VALUE_CHARS } from './display-value.ts';
