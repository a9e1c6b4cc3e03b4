import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../cli/commands/run.ts';
import type { Exchange, RunResult } from '../model/result-schema.ts';

/**
 * End to end on the sim backend: the harness requests a scenario's clients send are recorded with that scenario
 * (cell and id) by the real proxies, survive into the cell's exchanges.json and result.json, and no scenario's
 * evidence lists an exchange another scenario sent.
 */
const root = join(import.meta.dirname, '../..');
const cellId = 'cw3.8.0-evo1.7.4-local';

function sink() {
  const out = { text: '', isTTY: false, write: (chunk: string) => ((out.text += chunk), true) };
  return out as unknown as NodeJS.WritableStream & { text: string };
}

describe('scenario tags in a sim run', () => {
  let out: string;
  let exitCode: number;
  let result: RunResult;
  let exchanges: Exchange[];

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'evochat-tags-'));
    exitCode = await runCommand(
      {
        matrix: join(root, 'matrix.json'),
        backend: 'sim',
        chatwoot: '3.8.0',
        evolution: '1.7.4',
        storage: 'local',
        suite: 'filter-contract,config-faults,attachment-storage,qr-delivery',
        out,
        progress: false,
      },
      { stdout: sink(), stderr: sink(), env: { NO_COLOR: '1' }, handleSignals: false },
    );
    result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult;
    exchanges = JSON.parse(await readFile(join(out, 'cells', cellId, 'exchanges.json'), 'utf8')) as Exchange[];
  }, 300_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('runs as expected', () => {
    expect(exitCode).toBe(0);
    expect(result.cells.map((cell) => cell.id)).toEqual([cellId]);
  });

  it('records every harness request a scenario sent with that scenario, and only those', () => {
    const scenarioIds = result.cells[0]!.scenarios.map((scenario) => scenario.id);
    const harness = exchanges.filter((exchange) => exchange.link.startsWith('harness->'));
    const tagged = harness.filter((exchange) => exchange.scenario !== undefined);
    expect(tagged.length).toBeGreaterThan(10);
    for (const exchange of tagged) {
      expect(exchange.scenario!.cell).toBe(cellId);
      expect(scenarioIds).toContain(exchange.scenario!.id);
      expect(Object.keys(exchange.request.headers)).not.toContain('x-evochat-scenario');
    }
    // Every suite here sends harness requests, and each shows up under its own scenarios.
    for (const suite of ['filter-contract', 'config-faults', 'attachment-storage', 'qr-delivery']) {
      expect(tagged.some((exchange) => exchange.scenario!.id.startsWith(`${suite}/`))).toBe(true);
    }
    // What no scenario sent: the backend's provisioning of the cell accounts (Platform API) before the scenarios ran.
    const untagged = harness.filter((exchange) => exchange.scenario === undefined);
    expect(untagged.length).toBeGreaterThan(0);
    for (const exchange of untagged) expect(`${exchange.request.method} ${exchange.request.url.split('?')[0]}`).toMatch(/^POST \/platform\/api\/v1\//);
    // The products' own traffic names no scenario.
    expect(exchanges.filter((exchange) => !exchange.link.startsWith('harness->') && exchange.scenario !== undefined)).toEqual([]);
  });

  it("lists no exchange another scenario sent in any scenario's evidence, and the filter-contract 422 under its own", () => {
    for (const scenario of result.cells[0]!.scenarios) {
      for (const exchange of scenario.evidence.exchanges) {
        if (exchange.scenario) expect(`${scenario.id}: ${exchange.scenario.cell} ${exchange.scenario.id}`).toBe(`${scenario.id}: ${cellId} ${scenario.id}`);
      }
    }
    const lookup = result.cells[0]!.scenarios.find((scenario) => scenario.id === 'filter-contract/bot-conversation-lookup')!;
    expect(lookup.diagnosis?.rule).toBe('chatwoot-rejects-contact-id');
    const decisive = lookup.evidence.exchanges.find((exchange) => exchange.id === lookup.evidence.decisive?.exchangeId);
    expect(decisive?.scenario).toEqual({ cell: cellId, id: 'filter-contract/bot-conversation-lookup' });
  });
});
