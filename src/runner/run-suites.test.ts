import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimBackend } from '../backends/sim/sim-backend.ts';
import type { StartedEnvironment } from '../backends/backend.ts';
import { planRun } from '../matrix/plan.ts';
import { runSuites } from './run-suites.ts';
import type { ScenarioOutcome } from '../model/scenario-outcome.ts';

const CELLS = [
  { id: 'cw3.8.0-evo1.7.4-local', chatwoot: '3.8.0', evolution: '1.7.4', storage: 'local', suites: ['bot-command'] },
  { id: 'cw3.8.0-evo1.7.5-local', chatwoot: '3.8.0', evolution: '1.7.5', storage: 'local', suites: ['bot-command'] },
] as const;

describe('runSuites on the sim backend', () => {
  let dir: string;
  let env: StartedEnvironment;
  let outcomes: ScenarioOutcome[];
  const streamed: ScenarioOutcome[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-suites-'));
    const plan = planRun(CELLS.map((cell) => ({ ...cell, suites: [...cell.suites] })));
    env = await createSimBackend().start(plan, { runId: 'run-suites-test', jobs: 2, artifactsDir: dir });
    const stacks = [...env.stacks.values()];
    // A third "cell" on the same services that has no simulated WhatsApp, as with real Evolution images.
    const withoutPeer = { ...stacks[1]!, cellId: 'no-whatsapp-peer', capabilities: stacks[1]!.capabilities.filter((c) => c !== 'whatsappPeer') };
    outcomes = await runSuites({
      stacks: [...stacks, withoutPeer],
      suites: ['bot-command', 'qr-delivery'],
      suitesByCell: { [CELLS[0].id]: ['bot-command'], [CELLS[1].id]: ['bot-command'], 'no-whatsapp-peer': ['qr-delivery'] },
      jobs: 2,
      artifactsDir: dir,
      onScenario: (o) => streamed.push(o),
    });
  });
  afterAll(async () => {
    await env?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('returns one outcome per scenario per cell it runs, streamed as they finish', () => {
    expect(outcomes.map((o) => [o.cellId, o.id])).toEqual([
      ['cw3.8.0-evo1.7.4-local', 'bot-command/status-round-trip'],
      ['cw3.8.0-evo1.7.4-local', 'bot-command/webhook-signature'],
      ['cw3.8.0-evo1.7.5-local', 'bot-command/status-round-trip'],
      ['cw3.8.0-evo1.7.5-local', 'bot-command/webhook-signature'],
      ['no-whatsapp-peer', 'qr-delivery/qr-image-posted'],
      ['no-whatsapp-peer', 'qr-delivery/connected-message'],
    ]);
    expect(streamed).toHaveLength(6);
  });

  it('skips, with the reason, what needs a capability the cell lacks', () => {
    const skipped = outcomes.filter((o) => o.cellId === 'no-whatsapp-peer');
    expect(skipped.map((o) => o.status)).toEqual(['skipped', 'skipped']);
    expect(skipped[0]!.skipReason).toMatch(/^needs whatsappPeer: real Evolution images have no simulated WhatsApp/);
  });

  it('finds the known-answer grid by running: 1.7.4 breaks on Chatwoot 3.8 with the contact_id 422, 1.7.5 passes', async () => {
    const broken = outcomes.find((o) => o.cellId === 'cw3.8.0-evo1.7.4-local' && o.id === 'bot-command/status-round-trip')!;
    const fixed = outcomes.find((o) => o.cellId === 'cw3.8.0-evo1.7.5-local' && o.id === 'bot-command/status-round-trip')!;
    expect(fixed.status).toBe('pass');
    expect(broken.status).toBe('break');
    expect(broken.message).toMatch(/conversations\/filter answered 422/);
    expect(broken.message).toContain('Invalid attribute key - [contact_id]');
    expect(broken.decisive?.kind).toBe('exchange');
    const evidence = await env.collectEvidence(broken.cellId);
    const decisive = evidence.exchanges.find((exchange) => exchange.id === broken.decisive?.exchangeId);
    expect(decisive?.response?.status).toBe(422);
    expect(decisive?.link).toBe('evolution->chatwoot');
  });
});

describe('runSuites loading every suite into one worker', () => {
  let dir: string;
  let env: StartedEnvironment;
  let outcomes: ScenarioOutcome[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-suites-load-'));
    const plan = planRun([{ ...CELLS[1], suites: ['bot-command', 'auth', 'qr-delivery'] }]);
    env = await createSimBackend().start(plan, { runId: 'run-suites-load-test', jobs: 1, artifactsDir: dir });
    // A suite file that throws while loading, as a syntax or import error would.
    const broken = join(dir, 'broken.suite.ts');
    await writeFile(broken, "throw new Error('evochat test: this suite cannot be loaded');\n");
    outcomes = await runSuites({
      stacks: [...env.stacks.values()],
      suites: ['bot-command', 'auth', 'qr-delivery'],
      jobs: 1,
      artifactsDir: dir,
      suiteFileOverrides: { 'qr-delivery': broken },
    });
  });
  afterAll(async () => {
    await env?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a suite that cannot be loaded as errors of its own scenarios, with its error, and runs the others', () => {
    const notLoaded = outcomes.filter((o) => o.suite === 'qr-delivery');
    expect(notLoaded.map((o) => o.status)).toEqual(['error', 'error']);
    for (const outcome of notLoaded) expect(outcome.message).toContain('evochat test: this suite cannot be loaded');
    const loaded = outcomes.filter((o) => o.suite !== 'qr-delivery');
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.filter((o) => o.status !== 'pass' && o.status !== 'skipped')).toEqual([]);
  });

  it('runs one suite at a time with one job: the next starts once the previous has finished', () => {
    const span = (suite: string) => {
      const runs = outcomes.filter((o) => o.suite === suite && o.startedAt);
      return {
        start: Math.min(...runs.map((o) => Date.parse(o.startedAt!))),
        end: Math.max(...runs.map((o) => Date.parse(o.startedAt!) + o.durationMs)),
      };
    };
    const botCommand = span('bot-command');
    const auth = span('auth');
    expect(botCommand.start).toBeLessThan(auth.start);
    // durationMs is rounded: allow for it.
    expect(auth.start).toBeGreaterThanOrEqual(botCommand.end - 2);
  });
});
