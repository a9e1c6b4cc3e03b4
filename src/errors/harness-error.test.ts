import { describe, expect, it } from 'vitest';
import { ConfigError, ExitCodes, HarnessError, InfrastructureError, UsageError, toHarnessError, ErrorCodes } from './index.ts';

describe('harness errors', () => {
  it('map each class to its exit code and stable code', () => {
    expect(new UsageError('x').exitCode).toBe(ExitCodes.usage);
    expect(new UsageError('x').code).toBe('EVOCHAT_E_USAGE');
    const config = new ConfigError('bad', [{ path: 'axes.chatwoot[0]', message: 'unknown', value: '3.6.0', allowed: ['3.7.0'] }]);
    expect(config.exitCode).toBe(2);
    expect(config.issues[0]?.path).toBe('axes.chatwoot[0]');
    expect(new InfrastructureError(ErrorCodes.imageMissing, 'gone').exitCode).toBe(3);
  });

  it('wraps foreign errors as internal, keeping the cause', () => {
    const cause = new TypeError('boom');
    const wrapped = toHarnessError(cause);
    expect(wrapped).toBeInstanceOf(HarnessError);
    expect(wrapped.code).toBe('EVOCHAT_E_INTERNAL');
    expect(wrapped.cause).toBe(cause);
    expect(toHarnessError(new UsageError('u')).code).toBe('EVOCHAT_E_USAGE');
  });
});
