import { describe, expect, it } from 'vitest';
import { createProbeClient } from '../backends/attach/probe-client.ts';
import { createRedactor } from '../common/redact.ts';
import { loadConsumerExpectations } from './consumer-expectations.ts';
import type { DoctorCheck } from './doctor-check.ts';
import type { CheckOutcome } from './check-outcome.ts';
import { createDoctorContext } from './doctor-context.ts';
import { renderDoctor } from './render-doctor.ts';
import { doctorExitCode, runDoctor } from './run-doctor.ts';

const outcome = (status: CheckOutcome['status'], extra: Partial<CheckOutcome> = {}): CheckOutcome => ({ status, summary: status, evidence: [], ...extra });

describe('doctor exit codes', () => {
  it('0 with passes, warnings and skips; 1 on a failing check; 3 when a service was unreachable; 2 for an unsupported target', () => {
    expect(doctorExitCode([outcome('pass'), outcome('warn'), outcome('skip')])).toBe(0);
    expect(doctorExitCode([outcome('pass'), outcome('fail')])).toBe(1);
    expect(doctorExitCode([outcome('fail'), outcome('error')])).toBe(3);
    expect(doctorExitCode([outcome('error'), outcome('fail', { unsupported: 'Evolution 2.1.1' })])).toBe(2);
  });
});

describe('runDoctor with hand-made checks (no service is contacted)', () => {
  const target = {
    chatwootUrl: 'http://127.0.0.1:9',
    chatwootToken: 'secret-token-1',
    accountId: 1,
    evolutionUrl: 'http://127.0.0.1:9',
    evolutionKey: 'secret-key-1',
    instance: undefined,
  };
  const context = (allowWrites = false) => {
    const redactor = createRedactor(['secret-token-1', 'secret-key-1']);
    return createDoctorContext({
      target,
      client: createProbeClient({ redactor, timeoutMs: 100, allowWrites }),
      redactor,
      known: { kind: 'none', looked: [] },
      catalog: [],
      consumerExpectations: loadConsumerExpectations(),
    });
  };
  const check = (id: string, section: DoctorCheck['section'], run: DoctorCheck['run'], needsWrites = false): DoctorCheck => ({
    id,
    section,
    title: `title ${id}`,
    seedSymptom: 's',
    needsWrites,
    run,
  });

  it('skips write checks without --allow-writes, turns a throwing check into an error row, redacts secrets, groups by section', async () => {
    let wrote = false;
    const checks = [
      check('later', 'storage', () => Promise.resolve(outcome('pass', { summary: 'token secret-token-1 seen' }))),
      check(
        'write',
        'writes',
        () => {
          wrote = true;
          return Promise.resolve(outcome('pass'));
        },
        true,
      ),
      check('boom', 'versions', () => Promise.reject(new Error('bug with secret-key-1'))),
    ];
    const ctx = context();
    const run = await runDoctor(ctx, checks).finally(() => ctx.client.close());
    expect(wrote).toBe(false);
    expect(run.reports.map((r) => [r.check.id, r.outcome.status])).toEqual([
      ['boom', 'error'],
      ['later', 'pass'],
      ['write', 'skip'],
    ]);
    expect(run.reports[0]!.outcome.summary).toBe('the check itself failed: bug with [REDACTED]');
    expect(run.reports[1]!.outcome.summary).toBe('token [REDACTED] seen');
    expect(run.exitCode).toBe(3);
  });

  it('stops after an unsupported target: later checks are skipped, exit 2', async () => {
    const ctx = context();
    const run = await runDoctor(ctx, [
      check('v', 'versions', () => Promise.resolve(outcome('fail', { unsupported: 'Evolution 2.1.1 is not 1.7.x' }))),
      check('a', 'auth', () => Promise.resolve(outcome('pass'))),
    ]).finally(() => ctx.client.close());
    expect(run.reports[1]!.outcome).toMatchObject({ status: 'skip', summary: 'not run: the target is not supported (see versions)' });
    expect(run.exitCode).toBe(2);
    expect(run.unsupported).toBe('Evolution 2.1.1 is not 1.7.x');
  });

  it('renders a sectioned table with the fix under failing rows, colour only when asked', async () => {
    const ctx = context();
    const run = await runDoctor(ctx, [
      check('x', 'auth', () =>
        Promise.resolve(outcome('fail', { summary: 'bad token', evidence: ['GET /profile → 401'], remedy: 'use a user token', references: ['chatwoot#1057'] })),
      ),
      check('y', 'auth', () => Promise.resolve(outcome('pass', { evidence: ['hidden unless verbose'] }))),
    ]).finally(() => ctx.client.close());
    const plain = renderDoctor(run, { colour: false, target: 'here' });
    expect(plain).toContain(
      'Authentication\n  ✗ FAIL  title x  bad token\n          · GET /profile → 401\n          fix: use a user token\n          see: chatwoot#1057\n  ✓ pass  title y  pass',
    );
    expect(plain).not.toContain('hidden unless verbose');
    expect(plain).not.toContain('\u001b[');
    expect(plain.trimEnd().split('\n').at(-1)).toBe('1 fail, 1 pass — exit 1');
    expect(renderDoctor(run, { colour: true, target: 'here' })).toContain('\u001b[31m✗ FAIL \u001b[0m');
    expect(renderDoctor(run, { colour: false, verbose: true, target: 'here' })).toContain('hidden unless verbose');
  });
});
