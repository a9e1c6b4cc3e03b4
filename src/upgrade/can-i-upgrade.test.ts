import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canIUpgrade } from './can-i-upgrade.ts';
import { renderUpgradeAnswer } from './render-answer.ts';
import { parseUpgradeQuestion } from './upgrade-question.ts';

const PROJECT_MATRIX = fileURLToPath(new URL('../../matrix.json', import.meta.url));

let dir: string;
let matrixFile: string;
let evolution2Matrix: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'can-i-upgrade-'));
  // The project's matrix with the suites that decide the contact_id question, to keep the runs short.
  const matrix = JSON.parse(await readFile(PROJECT_MATRIX, 'utf8')) as Record<string, unknown>;
  matrixFile = join(dir, 'matrix.json');
  await writeFile(
    matrixFile,
    JSON.stringify({ ...matrix, $schema: undefined, suites: ['filter-contract', 'instance-bootstrap', 'bot-command', 'config-faults'] }),
  );
  evolution2Matrix = join(dir, 'matrix-evolution-2.json');
  const axes = matrix.axes as Record<string, unknown>;
  await writeFile(
    evolution2Matrix,
    JSON.stringify({
      ...matrix,
      $schema: undefined,
      axes: { ...axes, evolution: ['1.7.4', '1.7.5', '2.3.6'] },
      suites: ['filter-contract', 'instance-bootstrap', 'bot-command'],
      expectations: [],
    }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('can-i-upgrade on the sim backend (runs, not a table)', () => {
  it('Evolution 1.7.4, Chatwoot 3.7.0 → 3.8.0: no — upgrade Evolution to 1.7.5 first', async () => {
    const question = parseUpgradeQuestion({ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot@3.8.0' });
    const { answer, source } = await canIUpgrade({ question, matrixFile, backend: 'sim', outDir: join(dir, 'a') });
    expect(answer.answer).toBe('no');
    expect(answer.state).toBe('breaks');
    expect(answer.current.state).toBe('works');
    expect(answer.target.breaking.map((scenario) => scenario.id)).toEqual(
      expect.arrayContaining(['bot-command/status-round-trip', 'filter-contract/bot-conversation-lookup']),
    );
    expect(answer.target.breaking.every((scenario) => !scenario.id.startsWith('config-faults/'))).toBe(true);
    expect(answer.target.breaking.find((s) => s.id === 'bot-command/status-round-trip')?.diagnosis?.rule).toBe('chatwoot-rejects-contact-id');
    expect(answer.recommendation?.steps).toEqual(['upgrade Evolution to 1.7.5', 'upgrade Chatwoot to 3.8.0']);
    expect(answer.alternatives[0]).toMatchObject({ final: { state: 'works' }, first: { state: 'works' } });
    expect(source).toMatchObject({ kind: 'run', backend: 'sim', standIns: true });
    expect(source.files).toHaveLength(2);
    const text = renderUpgradeAnswer({ answer, source });
    expect(text.split('\n')[0]).toBe(
      'no: Chatwoot 3.8.0 × Evolution 1.7.4 (local storage) breaks (3 scenarios) — upgrade Evolution to 1.7.5 first (Chatwoot 3.7.0 × Evolution 1.7.5 works), then upgrade Chatwoot to 3.8.0',
    );

    // The same question answered from the stored results, without running.
    const stored = await canIUpgrade({ question, fromResult: join(dir, 'a', 'alternatives', 'result.json') });
    expect(stored.answer.state).toBe('unknown');
    expect(stored.answer.missing.some((entry) => entry.startsWith('cw3.8.0-evo1.7.4-local (no result for'))).toBe(true);
    const first = await canIUpgrade({ question, fromResult: join(dir, 'a', 'current-and-target', 'result.json') });
    expect(first.answer).toMatchObject({ answer: 'no', state: 'breaks' });
    expect(first.source.kind).toBe('result');
  }, 180_000);

  it('Evolution 1.7.5, Chatwoot 3.8.0 → 3.9.0: yes, without running any alternative', async () => {
    const question = parseUpgradeQuestion({ chatwoot: '3.8.0', evolution: '1.7.5', to: 'chatwoot@3.9.0' });
    const { answer, source } = await canIUpgrade({ question, matrixFile, backend: 'sim', outDir: join(dir, 'b') });
    expect(answer.answer).toBe('yes');
    expect(answer.headline).toBe('yes: Chatwoot 3.9.0 × Evolution 1.7.5 (local storage) works');
    expect(source.files).toEqual([join(dir, 'b', 'current-and-target', 'result.json')]);
  }, 180_000);

  it('Chatwoot 3.8.0, Evolution 1.7.4 → 2.3.6: the verdicts from runs, and what changes for the user from the profiles', async () => {
    const question = parseUpgradeQuestion({ chatwoot: '3.8.0', evolution: '1.7.4', to: 'evolution@2.3.6' });
    const output = await canIUpgrade({ question, matrixFile: evolution2Matrix, backend: 'sim', outDir: join(dir, 'c') });
    const { answer, source } = output;
    expect(answer).toMatchObject({ answer: 'yes', state: 'works', current: { state: 'breaks' }, target: { state: 'works', cellId: 'cw3.8.0-evo2.3.6-local' } });
    expect(answer.target.reason).toMatch(/compatibility scenarios passed/);
    expect(source).toMatchObject({ kind: 'run', backend: 'sim', standIns: true });
    expect(output.evolutionChanges).toMatchObject({ from: '1.7.4', to: '2.3.6' });
    const text = renderUpgradeAnswer(output);
    expect(text.split('\n')[0]).toBe('yes: Chatwoot 3.8.0 × Evolution 2.3.6 (local storage) works; the current Chatwoot 3.8.0 × Evolution 1.7.4 breaks');
    expect(text).toContain(
      '  what changes for you (Evolution 1.7.4 → 2.3.6, from the two profiles):\n    - the /instance/create and /chatwoot/set bodies are camelCase',
    );
    for (const fragment of [
      'integration: "WHATSAPP-BAILEYS"',
      'CHATWOOT_ENABLED=true',
      'a database is required',
      'CACHE_REDIS_ENABLED=true',
      'answers 401 (was 403)',
      'contact_id',
      "Evolution's own media store",
    ]) {
      expect(text).toContain(fragment);
    }
  }, 180_000);
});
