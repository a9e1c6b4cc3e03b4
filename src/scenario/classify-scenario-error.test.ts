import { describe, expect, it } from 'vitest';
import { AssertionError } from 'node:assert';
import { DeadlineError } from '../common/wait-for.ts';
import { ApiResponseError, ServiceUnreachableError } from '../clients/http-client.ts';
import { ErrorCodes, InfrastructureError } from '../errors/index.ts';
import { classifyScenarioError, dropFramesOfBreak, ScenarioBreak } from './classify-scenario-error.ts';

describe('classifyScenarioError', () => {
  it('counts product misbehaviour as break', () => {
    expect(classifyScenarioError(new ScenarioBreak('bot did not answer')).status).toBe('break');
    expect(classifyScenarioError(new AssertionError({ message: 'expected 200' })).status).toBe('break');
    expect(classifyScenarioError(new ApiResponseError({ service: 'chatwoot', method: 'POST', path: '/x', status: 422, body: '{}' }))).toMatchObject({
      status: 'break',
      errorCode: ErrorCodes.upstreamResponse,
    });
    expect(classifyScenarioError(new DeadlineError('the reply', 1000, new Error('not yet'))).status).toBe('break');
  });

  it('counts infrastructure as error, also behind a deadline', () => {
    const unreachable = new ServiceUnreachableError('evolution', 'GET', '/', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(classifyScenarioError(unreachable)).toMatchObject({ status: 'error', errorCode: ErrorCodes.serviceUnreachable });
    expect(classifyScenarioError(new DeadlineError('the inbox', 1000, unreachable))).toMatchObject({
      status: 'error',
      errorCode: ErrorCodes.serviceUnreachable,
    });
    expect(classifyScenarioError(new InfrastructureError(ErrorCodes.bootstrap, 'no account')).status).toBe('error');
    expect(classifyScenarioError(new TypeError('x is undefined'))).toMatchObject({ status: 'error', errorCode: ErrorCodes.internal });
  });

  it('drops the stack frames of a break, keeps those of a harness error', () => {
    const broke = new ScenarioBreak('bot did not answer');
    const bug = new TypeError('x is undefined');
    expect(broke.stack).toContain('    at ');
    dropFramesOfBreak(broke, classifyScenarioError(broke));
    dropFramesOfBreak(bug, classifyScenarioError(bug));
    expect(broke.stack).toBe(`${broke.name}: bot did not answer`);
    expect(bug.stack).toContain('    at ');
  });
});
