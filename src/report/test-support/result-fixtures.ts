/**
 * Test inputs for the renderers: the hand-made results in fixtures/results/ (never run output), and
 * results built from them with hostile or huge content. Only tests import this module.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RunResult, type CellResult, type Exchange, type ScenarioResult } from '../../model/result-schema.ts';

export const FIXTURES_DIR = fileURLToPath(new URL('../../../fixtures/results/', import.meta.url));

export type FixtureName = 'sample-result' | 'previous-result' | 'docker-upstream-result';

export function fixturePath(name: FixtureName | 'wrong-schema-version' | 'corrupt-result'): string {
  return `${FIXTURES_DIR}${name}.json`;
}

export function loadFixture(name: FixtureName): RunResult {
  return RunResult.parse(JSON.parse(readFileSync(fixturePath(name), 'utf8')));
}

/** The cell of the sample whose verdict is unexpected-break (the red cell). */
export const RED_CELL_ID = 'cw3.9.0-evo1.7.5-minio';
/** The body of its decisive exchange. */
export const RED_CELL_BODY_TEXT = 'Validation failed: Too many messages';

/** Text that breaks naive renderers: markup, CDATA ends, fences, control characters, ANSI colours. */
export const HOSTILE_TEXT =
  '</script><script>alert(1)</script> </details> ]]> <!-- & "quoted" \'single\' | pipe ``` fence \u0007bell \u001b[31mred\u001b[0m \u2028sep';

function mapScenarios(result: RunResult, map: (scenario: ScenarioResult, cell: CellResult) => ScenarioResult): RunResult {
  return {
    ...result,
    cells: result.cells.map((cell) => ({ ...cell, scenarios: cell.scenarios.map((scenario) => map(scenario, cell)) })),
  };
}

/** The sample with hostile text in the red cell's message, diagnosis, decisive body and logs. */
export function hostileResult(): RunResult {
  const result = mapScenarios(loadFixture('sample-result'), (scenario, cell) => {
    if (cell.id !== RED_CELL_ID || scenario.verdict !== 'unexpected-break') return scenario;
    const decisiveId = scenario.evidence.decisive?.exchangeId;
    return {
      ...scenario,
      message: `message ${HOSTILE_TEXT}`,
      diagnosis: scenario.diagnosis && { ...scenario.diagnosis, summary: `summary ${HOSTILE_TEXT}`, remedy: `remedy ${HOSTILE_TEXT}` },
      evidence: {
        ...scenario.evidence,
        exchanges: scenario.evidence.exchanges.map((exchange): Exchange =>
          exchange.id === decisiveId && exchange.response
            ? { ...exchange, response: { ...exchange.response, body: `{"error":"${RED_CELL_BODY_TEXT}","note":${JSON.stringify(HOSTILE_TEXT)}}` } }
            : exchange,
        ),
        logs: scenario.evidence.logs.map((excerpt) => ({ ...excerpt, lines: [...excerpt.lines, `log ${HOSTILE_TEXT}`] })),
      },
    };
  });
  return { ...result, seedContradictions: [...result.seedContradictions, { claim: `claim ${HOSTILE_TEXT}`, observed: 'observed', cells: [] }] };
}

/**
 * The sample with every break made unexpected, and the broken scenarios' messages, exchange bodies and
 * log excerpts blown up to `bytesPerItem` bytes / thousands of lines: a run with huge evidence.
 */
export function hugeResult(bytesPerItem = 1024 * 1024): RunResult {
  const big = 'x'.repeat(bytesPerItem);
  const hugeLines = Array.from({ length: 5000 }, (_, index) => `line ${index} ${'y'.repeat(200)}`);
  const result = mapScenarios(loadFixture('sample-result'), (scenario) => {
    if (scenario.status !== 'break' && scenario.status !== 'error') return scenario;
    return {
      ...scenario,
      verdict: scenario.status === 'break' ? 'unexpected-break' : scenario.verdict,
      message: `${scenario.message ?? 'broke'} message:${big}`,
      evidence: {
        ...scenario.evidence,
        exchanges: scenario.evidence.exchanges.map((exchange) => ({
          ...exchange,
          request: { ...exchange.request, body: `request:${big}` },
          response: exchange.response ? { ...exchange.response, body: `response:${big}` } : null,
        })),
        logs: [...scenario.evidence.logs, { service: 'chatwoot', truncated: false, lines: hugeLines }],
      },
    };
  });
  const cells = result.cells.map((cell) => ({
    ...cell,
    verdict: cell.scenarios.some((scenario) => scenario.verdict === 'unexpected-break') ? ('unexpected-break' as const) : cell.verdict,
  }));
  return { ...result, cells };
}

/** The absolute path of a program on PATH, if installed (tests that need xmllint / chromium). */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(':').filter((entry) => entry !== '')) {
    const candidate = `${dir}/${name}`;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
