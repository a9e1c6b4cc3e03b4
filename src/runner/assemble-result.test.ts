import { describe, expect, it } from 'vitest';
import { TEST_CATALOG } from '../matrix/test-support/test-catalog.ts';
import { checkMatrix } from '../matrix/load-matrix.ts';
import { planRun } from '../matrix/plan.ts';
import { selectCells } from '../matrix/select-cells.ts';
import type { ScenarioOutcome } from '../model/scenario-outcome.ts';
import { assembleResult, type AssembleInput } from './assemble-result.ts';
import { fakeRun } from './test-support/fake-run.ts';
import { makeExchange } from '../verdict/test-support/make-exchange.ts';
import { RunResult } from '../model/result-schema.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const matrix = checkMatrix(JSON.parse(readFileSync(join(import.meta.dirname, '../../matrix.json'), 'utf8')), TEST_CATALOG).config!;

function assemble(override?: (outcome: ScenarioOutcome) => ScenarioOutcome, patch: Partial<AssembleInput> = {}) {
  const plan = planRun(selectCells(matrix), matrix.settings);
  const run = fakeRun(plan.cells, TEST_CATALOG, override);
  return assembleResult({
    runId: 'run-1',
    toolVersion: '0.1.0',
    command: 'evochat-matrix run',
    startedAt: new Date('2026-11-26T10:00:00Z'),
    finishedAt: new Date('2026-11-26T10:00:20Z'),
    backend: { name: 'sim', reason: 'auto: no Docker engine answered', standIns: true },
    plan,
    catalog: TEST_CATALOG,
    expectations: matrix.expectations,
    outcomes: run.outcomes,
    evidence: run.evidence,
    phases: { scenarios: 1000 },
    servicesStarted: plan.services.length,
    ...patch,
  });
}

const cell = (result: RunResult, id: string) => result.cells.find((c) => c.id === id)!;
const scenario = (result: RunResult, cellId: string, id: string) => cell(result, cellId).scenarios.find((s) => s.id === id)!;

describe('assembleResult', () => {
  it('reproduces the known-answer grid with cell verdicts and exit 0', () => {
    const result = assemble();
    expect(RunResult.safeParse(result).success).toBe(true);
    const grid = Object.fromEntries(result.cells.map((c) => [c.id, `${c.status}/${c.verdict}`]));
    for (const storage of ['local', 'minio']) {
      expect(grid[`cw3.7.0-evo1.7.4-${storage}`]).toBe('pass/pass');
      expect(grid[`cw3.8.0-evo1.7.4-${storage}`]).toBe('break/expected-break');
      expect(grid[`cw3.9.0-evo1.7.4-${storage}`]).toBe('break/expected-break');
      for (const cw of ['3.7.0', '3.8.0', '3.9.0']) expect(grid[`cw${cw}-evo1.7.5-${storage}`]).toBe('pass/pass');
    }
    expect(result.exitCode).toBe(0);
    expect(result.summary).toEqual({ cells: 12, pass: 8, expectedBreak: 4, unexpectedBreak: 0, unexpectedPass: 0, error: 0, skipped: 0 });
    expect(result.services).toEqual({ planned: 17, naive: 66, started: 17 });
  });

  it('diagnoses the contact_id break on 1.7.4 × 3.8.0 and names the decisive exchange', () => {
    const result = assemble();
    const s = scenario(result, 'cw3.8.0-evo1.7.4-local', 'bot-command/status-round-trip');
    expect(s.verdict).toBe('expected-break');
    expect(s.diagnosis).toMatchObject({ rule: 'chatwoot-rejects-contact-id', remedy: 'Upgrade Evolution to 1.7.5 (PR #582) or stay on Chatwoot 3.7.0' });
    expect(s.evidence.decisive).toEqual({ kind: 'exchange', exchangeId: 'cw3.8.0-evo1.7.4-local-bot-command/status-round-trip-422' });
    // only this scenario's window, not the whole cell
    expect(s.evidence.exchanges.map((e) => e.id)).toEqual(['cw3.8.0-evo1.7.4-local-bot-command/status-round-trip-422']);
    expect(scenario(result, 'cw3.8.0-evo1.7.4-local', 'config-faults/webhook-double-slash').diagnosis?.rule).toBe('webhook-double-slash');
    expect(scenario(result, 'cw3.8.0-evo1.7.4-minio', 'config-faults/slow-storage').diagnosis?.rule).toBe('webhook-timeout-slow-storage');
    expect(scenario(result, 'cw3.8.0-evo1.7.4-local', 'config-faults/slow-storage')).toMatchObject({ status: 'skipped', verdict: 'skipped' });
  });

  it('reports seed contradictions computed from the cells and links them to the diagnosis', () => {
    const result = assemble();
    const ids = result.seedContradictions.map((c) => c.id);
    expect(ids).toContain('evolution-1.7.5-did-not-fully-fix');
    expect(ids).toContain('chatwoot-enabled-required');
    expect(ids).toContain('slow-s3-breaks-initialisation');
    expect(ids).not.toContain('chatwoot-3.8-rejects-contact-id');
    expect(ids).not.toContain('downgrade-chatwoot-3.7.0-works');
    const fix = result.seedContradictions.find((c) => c.id === 'evolution-1.7.5-did-not-fully-fix')!;
    expect(fix.cells.sort()).toEqual(['cw3.8.0-evo1.7.5-local', 'cw3.8.0-evo1.7.5-minio', 'cw3.9.0-evo1.7.5-local', 'cw3.9.0-evo1.7.5-minio']);
    expect(scenario(result, 'cw3.9.0-evo1.7.4-local', 'qr-delivery/qr-image-posted').diagnosis?.contradictsSeed).toContain('did not fully solve');
  });

  it('does not claim the 1.7.5 contradiction when 1.7.5 breaks on 3.9.0, and exits 1 on the unexpected break', () => {
    const result = assemble((o) =>
      o.cellId === 'cw3.9.0-evo1.7.5-local' && o.id === 'bot-command/status-round-trip' ? { ...o, status: 'break', message: 'no reply' } : o,
    );
    expect(cell(result, 'cw3.9.0-evo1.7.5-local').verdict).toBe('unexpected-break');
    expect(result.seedContradictions.map((c) => c.id)).not.toContain('evolution-1.7.5-did-not-fully-fix');
    expect(result.exitCode).toBe(1);
  });

  it('flags an unexpected pass, and exits 3 on errors alone', () => {
    const fixed = assemble((o) => (o.cellId === 'cw3.8.0-evo1.7.4-local' && o.id === 'bot-command/status-round-trip' ? { ...o, status: 'pass' } : o));
    expect(cell(fixed, 'cw3.8.0-evo1.7.4-local').verdict).toBe('unexpected-pass');
    expect(fixed.exitCode).toBe(1);
    const errored = assemble((o) =>
      o.cellId === 'cw3.7.0-evo1.7.5-local' && o.suite === 'auth' ? { ...o, status: 'error', message: 'chatwoot did not answer' } : o,
    );
    expect(cell(errored, 'cw3.7.0-evo1.7.5-local')).toMatchObject({ status: 'error', verdict: 'error' });
    expect(errored.exitCode).toBe(3);
  });

  it('never diagnoses a scenario with evidence a scoped neighbour of the same cell claimed', () => {
    const cellId = 'cw3.7.0-evo1.7.5-local';
    let faultStartedAt = '';
    const result = assemble((outcome) => {
      if (outcome.cellId !== cellId) return outcome;
      if (outcome.id === 'config-faults/webhook-double-slash') {
        faultStartedAt = outcome.startedAt!;
        return { ...outcome, evidenceScope: { markers: ['//chatwoot/webhook/x'], exchangeIds: [] } };
      }
      return outcome;
    });
    // The agent reply timed out while the double-slash scenario ran beside it: same window, no scope of its own.
    const overlapping = assemble((outcome) => {
      if (outcome.cellId !== cellId) return outcome;
      if (outcome.id === 'config-faults/webhook-double-slash') return { ...outcome, evidenceScope: { markers: ['//chatwoot/webhook/x'], exchangeIds: [] } };
      if (outcome.id === 'agent-reply/text-reaches-whatsapp') {
        return { ...outcome, status: 'break', message: 'the reply did not reach WhatsApp within 10000 ms', startedAt: faultStartedAt, durationMs: 500 };
      }
      return outcome;
    });
    expect(scenario(result, cellId, 'config-faults/webhook-double-slash').diagnosis?.rule).toBe('webhook-double-slash');
    const reply = scenario(overlapping, cellId, 'agent-reply/text-reaches-whatsapp');
    expect(reply.status).toBe('break');
    expect(reply.diagnosis).toBeUndefined();
    expect(reply.evidence.exchanges.map((exchange) => exchange.id)).not.toContain(`${cellId}-double-slash`);
    // The scoped scenario keeps its own diagnosis and evidence.
    expect(scenario(overlapping, cellId, 'config-faults/webhook-double-slash').diagnosis?.rule).toBe('webhook-double-slash');
  });

  it('keeps a harness exchange a scenario sent itself out of every other scenario (qr-delivery and server-url-unreachable)', () => {
    // The docker run of issue 10's follow-up: qr-delivery broke on a reset (no pointer of its own) while
    // config-faults/server-url-unreachable read its failed message back; that read, a harness exchange whose answer
    // says "Failed to open TCP connection", was the only match of any rule in qr-delivery's window.
    const cellId = 'cw3.7.0-evo1.7.5-local';
    const unreachable = 'config-faults/server-url-unreachable';
    const qr = 'qr-delivery/qr-image-posted';
    const run = fakeRun(planRun(selectCells(matrix), matrix.settings).cells, TEST_CATALOG);
    const faultStartedAt = run.outcomes.find((o) => o.cellId === cellId && o.id === unreachable)!.startedAt!;
    const messagesRead = {
      ...makeExchange({
        id: `${cellId}-messages-read`,
        startedAt: new Date(Date.parse(faultStartedAt) + 20).toISOString(),
        link: 'harness->chatwoot',
        url: 'http://127.0.0.1:3000/api/v1/accounts/2/conversations/1/messages',
        responseBody: '{"payload":[{"id":4,"status":"failed","content_attributes":{"external_error":"Failed to open TCP connection to localhost:8080"}}]}',
      }),
      scenario: { cell: cellId, id: unreachable },
    };
    // Chatwoot's failed webhook names the fault's instance, so the fault's scope claims it.
    const refused = makeExchange({
      id: `${cellId}-webhook-refused`,
      startedAt: messagesRead.startedAt,
      link: 'chatwoot->evolution',
      method: 'POST',
      url: 'http://localhost:8080/chatwoot/webhook/c370e175local-unreach',
      error: 'connect ECONNREFUSED 127.0.0.1:8080',
    });
    const evidence = new Map(run.evidence);
    const cellEvidence = evidence.get(cellId)!;
    const others = cellEvidence.exchanges.filter((exchange) => exchange.id !== `${cellId}-unreachable`);
    evidence.set(cellId, { ...cellEvidence, exchanges: [...others, refused, messagesRead] });
    const result = assemble(
      (outcome) => {
        if (outcome.cellId !== cellId) return outcome;
        if (outcome.id === unreachable) return { ...outcome, evidenceScope: { markers: ['c370e175local-unreach'], exchangeIds: [] } };
        if (outcome.id === qr) {
          return {
            ...outcome,
            status: 'break',
            message: 'deadline of 15000 ms passed waiting for a conversation with contact 1 in inbox 9',
            startedAt: faultStartedAt,
            durationMs: 500,
          };
        }
        return outcome;
      },
      { evidence },
    );
    const broken = scenario(result, cellId, qr);
    expect(broken.status).toBe('break');
    expect(broken.diagnosis).toBeUndefined();
    expect(broken.evidence.exchanges.map((exchange) => exchange.id)).not.toContain(messagesRead.id);
    // The scenario that sent it keeps it: its diagnosis and its evidence.
    const fault = scenario(result, cellId, unreachable);
    expect(fault.diagnosis?.rule).toBe('server-url-unreachable');
    expect(fault.evidence.exchanges.find((exchange) => exchange.id === messagesRead.id)?.scenario).toEqual({ cell: cellId, id: unreachable });
  });

  it('explains an unexpected pass where a rule knows what changed (contact_id accepted again), and never a break with such a rule', () => {
    const plan = planRun(selectCells(matrix), matrix.settings);
    const run = fakeRun(plan.cells, TEST_CATALOG, (outcome) =>
      outcome.cellId === 'cw3.8.0-evo1.7.4-local' && outcome.id === 'bot-command/status-round-trip'
        ? { ...outcome, status: 'pass', message: undefined }
        : outcome,
    );
    const exchange = run.evidence.get('cw3.8.0-evo1.7.4-local')!.exchanges.find((e) => e.id.endsWith('bot-command/status-round-trip-422'))!;
    exchange.response = { ...exchange.response!, status: 200, body: '{"payload":[]}' };
    const result = assemble(undefined, { outcomes: run.outcomes, evidence: run.evidence });
    const passed = scenario(result, 'cw3.8.0-evo1.7.4-local', 'bot-command/status-round-trip');
    expect(passed.verdict).toBe('unexpected-pass');
    expect(passed.diagnosis?.rule).toBe('chatwoot-accepts-contact-id-again');
    expect(passed.diagnosis?.summary).toContain('PR #14629');
    const broken = scenario(result, 'cw3.9.0-evo1.7.4-local', 'bot-command/status-round-trip');
    expect(broken.diagnosis?.rule).toBe('chatwoot-rejects-contact-id');
  });

  it('turns a scenario the runner never reported into an error', () => {
    const result = assemble((o) => (o.cellId === 'cw3.7.0-evo1.7.4-local' && o.id === 'auth/chatwoot-wrong-token' ? { ...o, cellId: 'elsewhere' } : o));
    expect(scenario(result, 'cw3.7.0-evo1.7.4-local', 'auth/chatwoot-wrong-token')).toMatchObject({ status: 'error', errorCode: 'EVOCHAT_E_INTERNAL' });
  });

  it('caps exchanges per scenario and truncates bodies with a marker', () => {
    const result = assemble(undefined, {
      caps: { exchangesPerScenario: 1, bodyBytes: 20, logLinesPerScenario: 5, passing: { exchangesPerScenario: 0, bodyBytes: 10 } },
    });
    const s = scenario(result, 'cw3.8.0-evo1.7.4-minio', 'config-faults/slow-storage');
    expect(s.evidence.exchanges).toHaveLength(1);
    const body = s.evidence.exchanges[0]!.response!;
    expect(body.bodyTruncated).toBe(true);
    expect(body.body).toMatch(/…\[truncated \d+ bytes\]$/);
    expect(scenario(result, 'cw3.8.0-evo1.7.4-minio', 'auth/chatwoot-token-accepted').evidence.exchanges).toEqual([]);
  });
});
