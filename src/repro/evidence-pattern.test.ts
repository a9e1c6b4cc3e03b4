import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.ts';
import { SUITE_CATALOG } from '../scenario/suite-catalog.ts';
import { compileEvidencePattern } from './evidence-pattern.ts';
import { loadBugReport } from './load-bug-report.ts';

const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const OBSERVE = fileURLToPath(new URL('./test-support/observe-evidence.ts', import.meta.url));
/** Only a safety net for the old, backtracking code: the child is killed and the test fails instead of hanging. */
const HANG_DEADLINE_MS = 60_000;

interface Observed {
  met: boolean;
  actual: string;
  exchange?: string;
  ms: number;
}

/** Runs observe() in a child and resolves on its exit; a child still busy at the deadline is killed (= hung). */
function observeInChild(pattern: string, bodies: number, mode: 'match' | 'no-match'): Promise<Observed | 'hung'> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [OBSERVE, pattern, String(bodies), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const deadline = setTimeout(() => child.kill('SIGKILL'), HANG_DEADLINE_MS);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      if (signal === 'SIGKILL') resolve('hung');
      else if (code !== 0) reject(new Error(`observe child exited ${code}`));
      else resolve(JSON.parse(out) as Observed);
    });
  });
}

describe('evidence patterns from bug reports', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evidence-pattern-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'a catastrophic-backtracking pattern over 1 MB of evidence gives the right answer instead of hanging',
    async () => {
      // (.+)+\x01 hangs a backtracking engine on 30 characters; here 16 bodies of 64 KB, plus logs and the message.
      const [none, found, classes] = await Promise.all([
        observeInChild('(.+)+\\x01', 16, 'no-match'),
        observeInChild('(.+)+\\x01', 16, 'match'),
        observeInChild('([a-z]+)*[0-9]', 16, 'no-match'),
      ]);
      expect(none).toMatchObject({ met: false, actual: 'nothing in the evidence matches /(.+)+\\x01/' });
      expect(found).toMatchObject({ met: true, exchange: 'x15' });
      expect(classes).toMatchObject({ met: false });
    },
    3 * HANG_DEADLINE_MS,
  );

  it('matches like the documented syntax: unanchored, `.` across newlines, escapes, (?i)', () => {
    expect(compileEvidencePattern('Invalid attribute key - \\[contact_id\\]').test('{"error":"Invalid attribute key - [contact_id]. The key"}')).toBe(true);
    expect(compileEvidencePattern('first.second').test('first\nsecond')).toBe(true);
    expect(compileEvidencePattern('(?i)você precisa').test('Você precisa entrar')).toBe(true);
    expect(compileEvidencePattern('^422$').test('status 422')).toBe(false);
  });

  it('an invalid, unsupported, too long or too complex pattern is a bug-report error at load time, with its dotted path', async () => {
    const cases: Array<[string, RegExp]> = [
      ['(', /not a regular expression in RE2 syntax: .*missing closing \)/],
      ['(?=look-ahead)', /not a regular expression in RE2 syntax: .*\(\?=/],
      ['(a)\\1', /not a regular expression in RE2 syntax/],
      ['[\\s\\S]{1000}x[\\s\\S]{1000}', /too complex \(RE2 program size \d+, at most 1000\)/],
      ['a'.repeat(501), /(at most 500|longer than 500)/],
    ];
    for (const [index, [pattern, message]] of cases.entries()) {
      const file = join(dir, `p${index}.yaml`);
      const report = {
        title: 't',
        symptom: 's',
        versions: { chatwoot: '3.8.0', evolution: '1.7.4' },
        expect: [{ id: 'bot-command/status-round-trip', evidence: pattern }],
      };
      await writeFile(file, JSON.stringify(report));
      const error = await loadBugReport(file, SUITE_CATALOG).catch((caught: unknown) => caught);
      expect(error, pattern).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('EVOCHAT_E_BUG_REPORT');
      const issue = (error as ConfigError).issues.find((candidate) => candidate.path === 'expect[0].evidence');
      expect(issue?.message, pattern).toMatch(message);
    }
  });
});
