/**
 * Test-only child process: judges one bug-report expectation over a scenario with a lot of recorded
 * evidence and prints {met, actual, ms} as JSON. Run in a child so a pattern that hangs the event loop
 * fails the test by its deadline instead of freezing the test runner.
 * argv: <pattern> <number of 64 KB bodies> <"match" | "no-match">
 */
import type { CellResult, ScenarioResult } from '../../model/result-schema.ts';
import { makeExchange } from '../../verdict/test-support/make-exchange.ts';
import { observe } from '../judge-reproduction.ts';

const [pattern = '', count = '16', mode = 'no-match'] = process.argv.slice(2);
const body = 'a'.repeat(64 * 1024);
const exchanges = Array.from({ length: Number(count) }, (_, i) =>
  makeExchange({ id: `x${i}`, status: 422, responseBody: mode === 'match' && i === Number(count) - 1 ? `${body}\u0001` : body }),
);
const scenario: ScenarioResult = {
  id: 'bot-command/status-round-trip',
  suite: 'bot-command',
  title: 't',
  seedSymptom: 's',
  status: 'break',
  verdict: 'unexpected-break',
  durationMs: 1,
  message: body,
  evidence: { exchanges, logs: [{ service: 'evolution', lines: Array.from({ length: 100 }, () => body.slice(0, 2000)), truncated: false }] },
};
const cell = { id: 'c', scenarios: [scenario] } as unknown as CellResult;
const started = performance.now();
const observation = observe({ id: scenario.id, status: 'break', evidence: pattern }, cell);
process.stdout.write(
  `${JSON.stringify({ met: observation.met, actual: observation.actual.slice(0, 200), exchange: observation.exchange?.id, ms: Math.round(performance.now() - started) })}\n`,
);
