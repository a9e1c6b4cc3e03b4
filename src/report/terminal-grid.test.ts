import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_CATALOG } from '../matrix/test-support/test-catalog.ts';
import { checkMatrix } from '../matrix/load-matrix.ts';
import { planRun } from '../matrix/plan.ts';
import { selectCells, type CellFilters } from '../matrix/select-cells.ts';
import { assembleResult, type BackendInfo } from '../runner/assemble-result.ts';
import { fakeRun } from '../runner/test-support/fake-run.ts';
import type { ScenarioOutcome } from '../model/scenario-outcome.ts';
import { renderTerminalReport } from './terminal-grid.ts';
import { shouldUseColor } from './terminal-style.ts';

const matrix = checkMatrix(JSON.parse(readFileSync(join(import.meta.dirname, '../../matrix.json'), 'utf8')), TEST_CATALOG).config!;
const SIM: BackendInfo = { name: 'sim', reason: 'auto: no Docker engine answered', standIns: true };

function result(options: { backend?: BackendInfo; filters?: CellFilters; override?: (o: ScenarioOutcome) => ScenarioOutcome } = {}) {
  const plan = planRun(selectCells(matrix, options.filters), matrix.settings);
  const run = fakeRun(plan.cells, TEST_CATALOG, options.override);
  return assembleResult({
    runId: 'r',
    toolVersion: '0.1.0',
    command: 'run',
    startedAt: new Date(0),
    finishedAt: new Date(12_345),
    backend: options.backend ?? SIM,
    plan,
    catalog: TEST_CATALOG,
    expectations: matrix.expectations,
    outcomes: run.outcomes,
    evidence: run.evidence,
    phases: {},
    servicesStarted: plan.services.length,
  });
}

const ANSI = '\u001b[';
const gridRow = (text: string, storage: string, chatwoot: string) => {
  const lines = text.split('\n');
  const start = lines.indexOf(`storage: ${storage}`);
  return lines.slice(start).find((line) => line.trimStart().startsWith(chatwoot)) ?? '';
};

describe('renderTerminalReport', () => {
  it('says loudly that sim results are stand-ins and why sim was chosen', () => {
    const text = renderTerminalReport(result(), { color: false });
    expect(text.split('\n')[0]).toBe('evochat-matrix · backend: sim — stand-ins, not upstream results');
    expect(text).toContain('why: auto: no Docker engine answered');
    expect(text).toContain('· 17 product services planned (a separate stack per cell would need 66); 17 started in-process');
  });

  it('names docker upstream images without the stand-in warning', () => {
    const text = renderTerminalReport(result({ backend: { name: 'docker', images: 'upstream', reason: '--backend docker', standIns: false } }), {
      color: false,
    });
    expect(text.split('\n')[0]).toBe('evochat-matrix · backend: docker (upstream images) — upstream images');
    expect(text).not.toContain('stand-ins');
  });

  it('draws one grid per storage, rows Chatwoot and columns Evolution', () => {
    const text = renderTerminalReport(result(), { color: false });
    for (const storage of ['local', 'minio']) {
      expect(gridRow(text, storage, '3.7.0')).toMatch(/^ {2}3\.7\.0 +✓ +✓$/);
      expect(gridRow(text, storage, '3.8.0')).toMatch(/^ {2}3\.8\.0 +✗ expected +✓$/);
      expect(gridRow(text, storage, '3.9.0')).toMatch(/^ {2}3\.9\.0 +✗ expected +✓$/);
    }
    expect(text).toMatch(/chatwoot ↓ {2}evolution → +1\.7\.4 +1\.7\.5/);
  });

  it('lists breaks by cause with remedy and the decisive exchange, and the seed contradictions', () => {
    const text = renderTerminalReport(result(), { color: false, resultFile: 'out/result.json' });
    expect(text).toContain('expected break · chatwoot-rejects-contact-id — 20 scenarios in 4 cells');
    expect(text).toContain('remedy:    Upgrade Evolution to 1.7.5 (PR #582) or stay on Chatwoot 3.7.0');
    expect(text).toContain('cells:     cw3.8.0-evo1.7.4 (local, minio), cw3.9.0-evo1.7.4 (local, minio)');
    expect(text).toContain(
      'evidence:  [evolution->chatwoot] POST /api/v1/accounts/2/conversations/filter → 422 {"error":"Invalid attribute key - [contact_id].',
    );
    expect(text).toContain('fault, broke as expected · webhook-double-slash — 12 scenarios in 12 cells');
    expect(text).toContain('Where this run contradicts the troubleshooting guide “Evolution API与Chatwoot集成故障排查指南”');
    expect(text).not.toContain('seed guide');
    expect(text).toContain('v1.7.5 "did not fully solve" the incompatibility');
    expect(text.trimEnd().split('\n').at(-1)).toBe('everything as expected — 12 cells: 8 pass, 4 expected break · exit 0 · out/result.json');
  });

  it('marks unexpected results and infrastructure errors', () => {
    const text = renderTerminalReport(
      result({
        filters: { storage: ['local'] },
        override: (o) =>
          o.cellId === 'cw3.9.0-evo1.7.5-local' && o.id === 'bot-command/status-round-trip'
            ? { ...o, status: 'break', message: 'the bot reply did not arrive within 5000 ms' }
            : o.cellId === 'cw3.7.0-evo1.7.4-local' && o.suite === 'auth'
              ? { ...o, status: 'error', message: 'chatwoot did not answer' }
              : o,
      }),
      { color: false },
    );
    expect(gridRow(text, 'local', '3.9.0')).toMatch(/✗ expected +✗ UNEXPECTED$/);
    expect(gridRow(text, 'local', '3.7.0')).toMatch(/! error +✓$/);
    expect(text).toContain('UNEXPECTED BREAK — 1 scenario in 1 cell');
    expect(text).toContain('cause:     undiagnosed: the bot reply did not arrive within 5000 ms');
    expect(text).toContain('infrastructure error — 5 scenarios in 1 cell');
    expect(text).not.toContain('storage: minio');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^1 cell with an UNEXPECTED result — 6 cells: .* · exit 1$/);
  });

  it('uses colour only when asked', () => {
    expect(renderTerminalReport(result(), { color: false })).not.toContain(ANSI);
    expect(renderTerminalReport(result(), { color: true })).toContain(ANSI);
  });
});

describe('shouldUseColor', () => {
  it('honours NO_COLOR and non-TTY streams', () => {
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({}, {})).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
  });
});
