import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runCommand } from '../cli/commands/run.ts';
import { RunResult } from '../model/result-schema.ts';

/**
 * End to end: the README's main command (`run`, full matrix.json) through the real command function
 * on the sim backend — twins on loopback, the real suites through vitest, the real evidence. The grid
 * must come out of running the scenarios and reproduce the known-answer grid of the upstream notes
 * (evolution-api-1.7.md, chatwoot-3.7-3.9.md): 1.7.4 breaks on Chatwoot 3.8.0/3.9.0 with the
 * contact_id 422, every other cell works.
 */
const root = join(import.meta.dirname, '../..');

function capture() {
  const sink = { text: '', isTTY: false, write: (chunk: string) => ((sink.text += chunk), true) };
  return sink as unknown as NodeJS.WritableStream & { text: string; isTTY: boolean };
}

describe('full sim matrix through the run command', () => {
  let out: string;
  let exitCode: number;
  let stdout: ReturnType<typeof capture>;
  let result: RunResult;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'evochat-e2e-'));
    stdout = capture();
    exitCode = await runCommand(
      { matrix: join(root, 'matrix.json'), backend: 'sim', out, progress: false },
      { stdout, stderr: capture(), env: { NO_COLOR: '1' }, handleSignals: false },
    );
    result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult;
  }, 300_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('exits 0: every break was expected', () => {
    const unexpected = result.cells.flatMap((cell) =>
      cell.scenarios
        .filter((s) => s.verdict !== 'pass' && s.verdict !== 'expected-break' && s.verdict !== 'skipped')
        .map((s) => `${cell.id} ${s.id}: ${s.verdict} ${s.message ?? ''}`),
    );
    expect(unexpected).toEqual([]);
    expect(exitCode).toBe(0);
    expect(result.exitCode).toBe(0);
  });

  it('writes a result.json that validates against the zod schema and the committed JSON Schema', async () => {
    expect(RunResult.safeParse(result).success).toBe(true);
    const jsonSchema = z.fromJSONSchema(JSON.parse(await readFile(join(root, 'schemas/result.schema.json'), 'utf8')));
    expect(jsonSchema.safeParse(result).success).toBe(true);
    expect(result).toMatchObject({ backend: 'sim', standIns: true });
    expect(result.cells).toHaveLength(12);
  });

  it('writes every report format beside result.json, rendered from the same run', async () => {
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    expect(junit.match(/<testsuite /g)).toHaveLength(12);
    expect(junit).toContain('chatwoot-rejects-contact-id');
    const summary = await readFile(join(out, 'summary.md'), 'utf8');
    expect(summary).toMatch(/sim/);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Invalid attribute key - [contact_id]');
  });

  it('reproduces the known-answer grid, from running the scenarios', () => {
    for (const cell of result.cells) {
      const broken = cell.evolution === '1.7.4' && cell.chatwoot !== '3.7.0';
      expect(`${cell.id} ${cell.status}/${cell.verdict}`).toBe(`${cell.id} ${broken ? 'break/expected-break' : 'pass/pass'}`);
    }
    for (const storage of ['local', 'minio']) {
      const grid = stdout.text.slice(stdout.text.indexOf(`storage: ${storage}`));
      expect(grid).toMatch(/\n {2}3\.7\.0 +✓ +✓\n/);
      expect(grid).toMatch(/\n {2}3\.8\.0 +✗ expected +✓\n/);
      expect(grid).toMatch(/\n {2}3\.9\.0 +✗ expected +✓\n/);
    }
  });

  it('diagnoses the contact_id 422 on 1.7.4 × 3.8.0 / 3.9.0 with the decisive exchange', () => {
    for (const chatwoot of ['3.8.0', '3.9.0']) {
      for (const storage of ['local', 'minio']) {
        const cell = result.cells.find((c) => c.id === `cw${chatwoot}-evo1.7.4-${storage}`)!;
        const scenario = cell.scenarios.find((s) => s.id === 'bot-command/status-round-trip')!;
        expect(scenario.status).toBe('break');
        expect(scenario.diagnosis?.rule).toBe('chatwoot-rejects-contact-id');
        const decisive = scenario.evidence.exchanges.find((e) => e.id === scenario.evidence.decisive?.exchangeId);
        expect(decisive?.request.url).toMatch(/\/conversations\/filter$/);
        expect(decisive?.response?.status).toBe(422);
        expect(decisive?.response?.body).toContain('Invalid attribute key - [contact_id]');
        const ptBr = cell.scenarios.find((s) => s.id === 'filter-contract/bot-conversation-lookup-pt-br')!;
        expect(ptBr.diagnosis?.rule).toBe('chatwoot-rejects-contact-id');
      }
    }
    expect(stdout.text).toContain('chatwoot-rejects-contact-id');
    expect(stdout.text).toContain('remedy:    Upgrade Evolution to 1.7.5 (PR #582) or stay on Chatwoot 3.7.0');
  });

  it('says where the run contradicts the seed guide (1.7.5 works on 3.8/3.9)', () => {
    expect(result.seedContradictions.map((c) => c.id)).toContain('evolution-1.7.5-did-not-fully-fix');
    expect(stdout.text).toContain('Where this run contradicts the troubleshooting guide');
  });

  it('started fewer than half the services of a stack per cell', () => {
    expect(result.services!.planned * 2).toBeLessThan(result.services!.naive);
    expect(result.services!.started).toBeGreaterThan(0);
  });
});
