/**
 * Every bad input a user can give, through the real CLI (tsx src/cli/bin.ts): each must end with its named
 * error code and the documented exit code (2 usage/config, 3 infrastructure), one line on stderr (plus an
 * optional `hint:` line), no stack trace, and a bounded length. "today" records what the code did before
 * issue 10 was fixed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'src/cli/bin.ts');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const SAMPLE = join(ROOT, 'fixtures/results/sample-result.json');
const MAX_STDERR_CHARS = 1_200;

interface Probe {
  name: string;
  /** Arguments; `{dir}` and `{port}` are replaced. */
  args: string[];
  env?: Record<string, string>;
  code: string;
  exit: number;
  /** What the one line must say. */
  says?: RegExp;
  /** What the code did before the fix. */
  today: string;
}

const REPORT_HEAD = 'title: t\nsymptom: s\n';
const VERSIONS = 'versions:\n  chatwoot: 3.8.0\n  evolution: 1.7.4\n';
const UPGRADE = ['--chatwoot', '3.7.0', '--evolution', '1.7.4', '--to', 'chatwoot@3.8.0'];

const PROBES: Probe[] = [
  // unknown flags and arguments
  {
    name: 'unknown flag',
    args: ['run', '--bogus'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /unknown option --bogus for run/,
    today: 'EVOCHAT_E_INTERNAL + CACError stack, exit 3',
  },
  {
    name: 'misspelt flag',
    args: ['run', '--chatwot', '3.8.0'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /unknown option --chatwot for run; did you mean --chatwoot\?/,
    today: 'EVOCHAT_E_INTERNAL, exit 3',
  },
  {
    name: 'flag of another command',
    args: ['list', '--backend', 'sim'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /unknown option --backend for list \(run, can-i-upgrade, repro take it\)/,
    today: 'EVOCHAT_E_INTERNAL, exit 3',
  },
  {
    name: 'value for a switch',
    args: ['list', '--json=yes'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--json takes no value/,
    today: 'yes became a positional argument; list ran, exit 0',
  },
  {
    name: 'extra positional argument',
    args: ['run', 'extra', '--chatwoot', '9.9.9'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /unexpected argument "extra" for run/,
    today: 'ignored (without --chatwoot 9.9.9 the whole matrix ran)',
  },
  {
    name: 'flag given twice',
    args: ['run', '--matrix', 'a.json', '--matrix', 'b.json'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--matrix given 2 times/,
    today: 'EVOCHAT_E_CONFIG "cannot read matrix file a.json,b.json: ERR_INVALID_ARG_TYPE"',
  },
  { name: 'repro without a file', args: ['repro'], code: 'EVOCHAT_E_USAGE', exit: 2, says: /repro needs <file>/, today: 'EVOCHAT_E_INTERNAL, exit 3' },
  { name: 'report without a file', args: ['report'], code: 'EVOCHAT_E_USAGE', exit: 2, says: /report needs <result>/, today: 'EVOCHAT_E_INTERNAL, exit 3' },
  { name: 'twin without a role', args: ['twin'], code: 'EVOCHAT_E_USAGE', exit: 2, says: /twin needs <role>/, today: 'EVOCHAT_E_INTERNAL, exit 3' },
  { name: 'unknown command', args: ['nonsense'], code: 'EVOCHAT_E_USAGE', exit: 2, says: /unknown command "nonsense"/, today: 'right' },
  // --jobs, --port, --timeout and other values
  {
    name: '--jobs -1',
    args: ['run', '--jobs', '-1'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--jobs -1: expected a whole number from 1 to 64/,
    today: 'EVOCHAT_E_INTERNAL "Unknown option `-1`", exit 3',
  },
  { name: '--jobs abc', args: ['run', '--jobs', 'abc'], code: 'EVOCHAT_E_USAGE', exit: 2, says: /--jobs abc: expected a whole number/, today: 'right' },
  { name: '--jobs 0', args: ['run', '--jobs', '0'], code: 'EVOCHAT_E_USAGE', exit: 2, says: /--jobs 0: expected a whole number/, today: 'right' },
  { name: '--jobs 2.5', args: ['run', '--jobs', '2.5'], code: 'EVOCHAT_E_USAGE', exit: 2, says: /--jobs 2\.5: expected a whole number/, today: 'right' },
  {
    name: '--jobs followed by a flag',
    args: ['run', '--jobs', '--out', 'x'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--jobs needs a value \(--jobs <n>\)$/,
    today: 'EVOCHAT_E_INTERNAL "value is missing", exit 3',
  },
  {
    name: 'a value that starts with a dash',
    args: ['list', '--matrix', '-m.json'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--matrix needs a value .*write --matrix=-m\.json/,
    today: 'EVOCHAT_E_INTERNAL "Unknown option -m", exit 3',
  },
  {
    name: 'a secret that starts with a dash is not echoed',
    args: ['doctor', '--chatwoot-token', '-secret-token-value'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--chatwoot-token needs a value(?!.*secret-token-value)/,
    today: 'EVOCHAT_E_INTERNAL "Unknown option -s", exit 3',
  },
  {
    name: 'a platform token on the command line is refused (issue 20), its value never echoed',
    args: ['run', '--chatwoot-url', 'http://127.0.0.1:{port}', '--platform-token', 'tok-on-the-command-line'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /^error EVOCHAT_E_USAGE: --platform-token: run takes no credential on the command line \(shell history, ps\); give it in EVOCHAT_CHATWOOT_PLATFORM_TOKEN or platformToken in --config FILE$/,
    today: 'EVOCHAT_E_USAGE unknown option --platform-token for run',
  },
  {
    name: 'an Evolution key on the command line of repro is refused',
    args: ['repro', 'x.yaml', '--evolution-key=k3y-on-the-command-line'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /^error EVOCHAT_E_USAGE: --evolution-key: repro takes no credential on the command line .*EVOCHAT_EVOLUTION_KEY or evolutionKey in --config FILE$/,
    today: 'EVOCHAT_E_USAGE unknown option --evolution-key for repro (doctor takes it)',
  },
  {
    name: 'can-i-upgrade --chatwoot-url with --from-result',
    args: ['can-i-upgrade', '--chatwoot-url', 'http://127.0.0.1:{port}', '--evolution', '1.7.4', '--to', 'evolution@1.7.5', '--from-result', 'r.json'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--from-result and --chatwoot-url exclude each other/,
    today: 'not an option of can-i-upgrade',
  },
  {
    name: 'can-i-upgrade --chatwoot-url moving Chatwoot',
    args: ['can-i-upgrade', '--chatwoot-url', 'http://127.0.0.1:{port}', '--evolution', '1.7.4', '--to', 'chatwoot@3.9.0'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /the attached Chatwoot is the Chatwoot of both pairs; only --to evolution@<version> can move/,
    today: 'not an option of can-i-upgrade',
  },
  {
    name: 'can-i-upgrade with both servers attached',
    args: [
      'can-i-upgrade',
      '--chatwoot-url',
      'http://127.0.0.1:{port}',
      '--evolution-url',
      'http://127.0.0.1:{port}',
      '--evolution',
      '1.7.4',
      '--to',
      'evolution@1.7.5',
    ],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /with both servers attached nothing can move/,
    today: 'not an option of can-i-upgrade',
  },
  {
    name: 'run --evolution-url without --chatwoot-url',
    args: ['run', '--evolution-url', 'http://127.0.0.1:{port}'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--evolution-url applies only with --chatwoot-url/,
    today: 'unknown option --evolution-url for run (doctor takes it)',
  },
  {
    name: 'repro --as-version without --chatwoot-url',
    args: ['repro', 'x.yaml', '--as-version', '3.8.0'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--as-version applies only with --chatwoot-url/,
    today: 'not an option of repro',
  },
  {
    name: '--jobs without a value',
    args: ['run', '--jobs'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--jobs needs a value/,
    today: 'EVOCHAT_E_INTERNAL "value is missing", exit 3',
  },
  {
    name: 'can-i-upgrade --jobs -1',
    args: ['can-i-upgrade', ...UPGRADE, '--jobs', '-1'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--jobs -1: expected a whole number from 1 to 64/,
    today: 'EVOCHAT_E_INTERNAL, exit 3',
  },
  {
    name: 'can-i-upgrade --jobs 100',
    args: ['can-i-upgrade', ...UPGRADE, '--jobs', '100', '--from-result', SAMPLE],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--jobs 100: expected a whole number from 1 to 64/,
    today: 'accepted (answered from the result, exit 1)',
  },
  {
    name: 'a version cac reads as a number',
    args: ['can-i-upgrade', '--chatwoot', '3.10', '--evolution', '1.7.4', '--to', 'chatwoot@3.9.0'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--chatwoot 3\.10: unknown Chatwoot version/,
    today: '"--chatwoot is required" (3.10 became the number 3.1)',
  },
  {
    name: 'unknown --backend',
    args: ['run', '--backend', 'nope'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--backend nope: expected auto, sim or docker/,
    today: 'right code, after a [plan] line on stderr',
  },
  {
    name: 'unknown --images',
    args: ['run', '--images', 'nope', '--backend', 'sim'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--images nope: expected upstream or twin/,
    today: 'right code, after a [plan] line on stderr',
  },
  {
    name: 'doctor --timeout abc',
    args: ['doctor', '--timeout', 'abc'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--timeout must be a positive integer/,
    today: 'a usage error about missing settings instead',
  },
  {
    name: 'twin --port -1',
    args: ['twin', 'chatwoot', '--port', '-1'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--port must be an integer 0-65535, got -1/,
    today: 'EVOCHAT_E_INTERNAL, exit 3',
  },
  {
    name: 'twin --port 70000',
    args: ['twin', 'chatwoot', '--port', '70000'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /--port must be an integer 0-65535/,
    today: 'right',
  },
  // ports
  {
    name: 'chatwoot twin on a busy port',
    args: ['twin', 'chatwoot', '--port', '{port}'],
    code: 'EVOCHAT_E_PORT_IN_USE',
    exit: 3,
    says: /port {port} on 127\.0\.0\.1 is already in use/,
    today: 'EVOCHAT_E_INTERNAL + EADDRINUSE stack, exit 3',
  },
  {
    name: 'evolution twin on a busy port',
    args: ['twin', 'evolution', '--port', '{port}'],
    code: 'EVOCHAT_E_PORT_IN_USE',
    exit: 3,
    says: /port {port} on 127\.0\.0\.1 is already in use/,
    today: 'EVOCHAT_E_INTERNAL, exit 3',
  },
  {
    name: 's3 twin on a busy port',
    args: ['twin', 's3', '--port', '{port}'],
    code: 'EVOCHAT_E_PORT_IN_USE',
    exit: 3,
    says: /port {port} on 127\.0\.0\.1 is already in use/,
    today: 'EVOCHAT_E_INTERNAL, exit 3',
  },
  {
    name: 'proxy twin on a busy port',
    args: ['twin', 'proxy', '--port', '{port}'],
    env: { TWIN_PROXY_UPSTREAM: 'http://127.0.0.1:9' },
    code: 'EVOCHAT_E_PORT_IN_USE',
    exit: 3,
    says: /port {port} on 127\.0\.0\.1 is already in use/,
    today: 'EVOCHAT_E_INTERNAL, exit 3',
  },
  {
    name: 'twin on an address this machine lacks',
    args: ['twin', 'chatwoot', '--host', '192.0.2.1', '--port', '0'],
    code: 'EVOCHAT_E_LISTEN',
    exit: 3,
    says: /cannot listen on 192\.0\.2\.1:0: not an address of this machine/,
    today: 'EVOCHAT_E_INTERNAL + stack, exit 3',
  },
  // bug reports
  {
    name: 'bug report: YAML alias bomb',
    args: ['repro', '{dir}/bomb.yaml'],
    code: 'EVOCHAT_E_BUG_REPORT',
    exit: 2,
    says: /aliases expand to more than 50 nodes/,
    today: 'EVOCHAT_E_INTERNAL ReferenceError + stack, exit 3',
  },
  {
    name: 'bug report: self-referencing alias',
    args: ['repro', '{dir}/self.yaml'],
    code: 'EVOCHAT_E_BUG_REPORT',
    exit: 2,
    says: /YAML alias \*v at line 6, column 9 refers to the node that contains it/,
    today: 'printError crashed in JSON.stringify: exit 1',
  },
  {
    name: 'bug report: deeply nested JSON',
    args: ['repro', '{dir}/deep.json'],
    code: 'EVOCHAT_E_BUG_REPORT',
    exit: 2,
    says: /nested deeper than 100 levels/,
    today: 'printError crashed (stack overflow): exit 1',
  },
  {
    name: 'bug report: invalid evidence pattern',
    args: ['repro', '{dir}/bad-pattern.yaml'],
    code: 'EVOCHAT_E_BUG_REPORT',
    exit: 2,
    says: /at expect\[0\]\.evidence: not a regular expression in RE2 syntax/,
    today: 'named, but headed "names 1 unknown scenario"',
  },
  {
    name: 'bug report: missing',
    args: ['repro', '{dir}/nope.yaml'],
    code: 'EVOCHAT_E_BUG_REPORT',
    exit: 2,
    says: /cannot read bug report .*nope\.yaml: no such file/,
    today: 'right',
  },
  {
    name: 'bug report: a directory',
    args: ['repro', '{dir}'],
    code: 'EVOCHAT_E_BUG_REPORT',
    exit: 2,
    says: /is a directory, not a file/,
    today: 'right code, "EISDIR"',
  },
  {
    name: 'bug report: binary garbage',
    args: ['repro', '{dir}/garbage.bin'],
    code: 'EVOCHAT_E_BUG_REPORT',
    exit: 2,
    says: /is a binary file/,
    today: 'right code, a YAML error',
  },
  // doctor --config
  {
    name: 'doctor config: YAML alias bomb',
    args: ['doctor', '--config', '{dir}/bomb.yaml'],
    code: 'EVOCHAT_E_CONFIG',
    exit: 2,
    says: /aliases expand to more than 50 nodes/,
    today: "right (yaml's default limit)",
  },
  {
    name: 'doctor config: self-referencing alias',
    args: ['doctor', '--config', '{dir}/self-seq.yaml'],
    code: 'EVOCHAT_E_CONFIG',
    exit: 2,
    says: /YAML alias \*x at line 1, column 12 refers to the node that contains it/,
    today: 'right code, "unknown key" over two lines',
  },
  {
    name: 'doctor config: deeply nested JSON',
    args: ['doctor', '--config', '{dir}/deep.json'],
    code: 'EVOCHAT_E_CONFIG',
    exit: 2,
    says: /nested deeper than 100 levels/,
    today: 'right code, two lines',
  },
  {
    name: 'doctor config: a directory',
    args: ['doctor', '--config', '{dir}'],
    code: 'EVOCHAT_E_CONFIG',
    exit: 2,
    says: /is a directory, not a file/,
    today: 'right code, "EISDIR"',
  },
  // matrix.json
  {
    name: 'matrix: deeply nested JSON',
    args: ['list', '--matrix', '{dir}/deep.json'],
    code: 'EVOCHAT_E_CONFIG',
    exit: 2,
    says: /nested deeper than 100 levels/,
    today: 'printError crashed (stack overflow): exit 1',
  },
  {
    name: 'matrix: deeply nested, invalid JSON',
    args: ['list', '--matrix', '{dir}/deep-invalid.json'],
    code: 'EVOCHAT_E_CONFIG',
    exit: 2,
    says: /invalid JSON at line 1, column 101: nested deeper than 100 levels/,
    today: 'EVOCHAT_E_INTERNAL stack overflow in the syntax scan, exit 3',
  },
  {
    name: 'matrix: a 50 MB value',
    args: ['list', '--matrix', '{dir}/huge.json'],
    code: 'EVOCHAT_E_CONFIG',
    exit: 2,
    says: /huge\.json: is 48 MB; at most 1\.0 MB is read/,
    today: 'the 50 MB value echoed whole to stderr',
  },
  {
    name: 'matrix: an offending value of 500 KB',
    args: ['list', '--matrix', '{dir}/long-value.json'],
    code: 'EVOCHAT_E_CONFIG',
    exit: 2,
    says: /at axes: expected object got "x{200}"… \(499800 more chars\)/,
    today: 'the 500 KB value echoed whole',
  },
  {
    name: 'matrix: empty file',
    args: ['list', '--matrix', '{dir}/empty.json'],
    code: 'EVOCHAT_E_CONFIG',
    exit: 2,
    says: /invalid JSON at line 1, column 1: unexpected end of input/,
    today: 'right code, the reason twice over two lines',
  },
  {
    name: 'matrix: binary garbage',
    args: ['list', '--matrix', '{dir}/garbage.bin'],
    code: 'EVOCHAT_E_CONFIG',
    exit: 2,
    says: /is a binary file/,
    today: 'right code, two lines',
  },
  {
    name: 'matrix: a directory',
    args: ['list', '--matrix', '{dir}'],
    code: 'EVOCHAT_E_CONFIG',
    exit: 2,
    says: /cannot read matrix file .*: is a directory, not a file/,
    today: 'right ("EISDIR")',
  },
  {
    name: 'matrix: missing',
    args: ['run', '--matrix', '{dir}/nope.json'],
    code: 'EVOCHAT_E_CONFIG',
    exit: 2,
    says: /cannot read matrix file .*nope\.json: no such file/,
    today: 'right ("ENOENT")',
  },
  // result files
  {
    name: 'report: missing result',
    args: ['report', '{dir}/nope.json'],
    code: 'EVOCHAT_E_RESULT_SCHEMA',
    exit: 2,
    says: /cannot read the result file .*: no such file/,
    today: 'right code, plus "at (file): ENOENT" on a second line',
  },
  {
    name: 'report: a directory',
    args: ['report', '{dir}'],
    code: 'EVOCHAT_E_RESULT_SCHEMA',
    exit: 2,
    says: /is a directory, not a file/,
    today: 'right code, two lines',
  },
  {
    name: 'report: deeply nested',
    args: ['report', '{dir}/deep.json'],
    code: 'EVOCHAT_E_RESULT_SCHEMA',
    exit: 2,
    says: /nested deeper than 100 levels/,
    today: 'right code, two lines',
  },
  {
    name: 'report: unknown --format',
    args: ['report', SAMPLE, '--format', 'pdf'],
    code: 'EVOCHAT_E_USAGE',
    exit: 2,
    says: /unknown --format "pdf"/,
    today: 'right',
  },
  {
    name: 'run --compare: missing',
    args: ['run', '--compare', '{dir}/nope.json', '--backend', 'sim'],
    code: 'EVOCHAT_E_RESULT_SCHEMA',
    exit: 2,
    says: /cannot read the result file/,
    today: 'right code, two lines',
  },
  {
    name: 'can-i-upgrade --from-result: binary',
    args: ['can-i-upgrade', ...UPGRADE, '--from-result', '{dir}/garbage.bin'],
    code: 'EVOCHAT_E_RESULT_SCHEMA',
    exit: 2,
    says: /is a binary file/,
    today: 'right code, two lines and a hint',
  },
];

interface Ran {
  exit: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [BIN, ...args],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 120_000, maxBuffer: 200 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const exit = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ exit, stdout, stderr });
      },
    );
  });
}

async function inBatches<T, R>(items: readonly T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const index = next++;
        out[index] = await run(items[index]!);
      }
    }),
  );
  return out;
}

let dir: string;
let busy: Server;
let port: number;
const results = new Map<string, Ran>();

function expand(text: string): string {
  return text.replaceAll('{dir}', dir).replaceAll('{port}', String(port));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evochat-bad-input-'));
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (const [index, name] of [...'bcdefghi'].entries()) laughs.push(`${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[index]}`).join(',')}]`);
  await writeFile(join(dir, 'bomb.yaml'), `${laughs.join('\n')}\ntitle: *i\n`);
  await writeFile(join(dir, 'self.yaml'), `${REPORT_HEAD}versions: &v\n  chatwoot: 3.8.0\n  evolution: 1.7.4\n  self: *v\n`);
  await writeFile(join(dir, 'self-seq.yaml'), 'a: &x [ 1, *x ]\n');
  await writeFile(join(dir, 'deep.json'), `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
  await writeFile(join(dir, 'deep-invalid.json'), '['.repeat(200_000));
  await writeFile(join(dir, 'bad-pattern.yaml'), `${REPORT_HEAD}${VERSIONS}expect:\n  - id: bot-command/status-round-trip\n    evidence: '(unclosed'\n`);
  await writeFile(join(dir, 'garbage.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)));
  await writeFile(join(dir, 'huge.json'), `{"axes":"${'x'.repeat(50_000_000)}"}`);
  await writeFile(join(dir, 'long-value.json'), `{"axes":"${'x'.repeat(500_000)}"}`);
  await writeFile(join(dir, 'empty.json'), '');
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  port = (busy.address() as { port: number }).port;
  const ran = await inBatches(PROBES, 4, (probe) => cli(probe.args.map(expand), probe.env));
  PROBES.forEach((probe, index) => results.set(probe.name, ran[index]!));
}, 900_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (busy ? busy.close(() => resolve()) : resolve()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bad input through the real CLI', () => {
  it.each(PROBES.map((probe) => [probe.name, probe] as const))('%s', (_name, probe) => {
    const ran = results.get(probe.name)!;
    const context = `${probe.name} (before the fix: ${probe.today})\n${ran.stderr.slice(0, 2000)}`;
    expect(ran.exit, context).toBe(probe.exit);
    const lines = ran.stderr.trimEnd().split('\n');
    expect(lines[0], context).toMatch(new RegExp(`^error ${probe.code}: `));
    if (probe.says) expect(lines[0], context).toMatch(new RegExp(expand(probe.says.source)));
    expect(lines.length === 1 || (lines.length === 2 && lines[1]!.startsWith('hint: ')), context).toBe(true);
    expect(ran.stderr, context).not.toMatch(/\n\s+at .*:\d+:\d+/);
    expect(ran.stderr.length, context).toBeLessThanOrEqual(MAX_STDERR_CHARS);
  });

  it('a UTF-8 byte order mark does not make matrix.json invalid (today: "unexpected \\uFEFF")', async () => {
    const file = join(dir, 'bom.json');
    await writeFile(file, `\uFEFF${await readFile(join(ROOT, 'matrix.json'), 'utf8')}`);
    const ran = await cli(['list', '--matrix', file]);
    expect(ran.stderr).toBe('');
    expect(ran.exit).toBe(0);
    expect(ran.stdout).toMatch(/^12 cells/);
  }, 120_000);

  it('--debug (or EVOCHAT_DEBUG=1) adds the stack trace', async () => {
    const [flag, env] = await Promise.all([cli(['run', '--jobs', '0', '--debug']), cli(['run', '--jobs', '0'], { EVOCHAT_DEBUG: '1' })]);
    for (const ran of [flag, env]) {
      expect(ran.exit).toBe(2);
      expect(ran.stderr).toMatch(/^error EVOCHAT_E_USAGE: --jobs 0: expected a whole number from 1 to 64\nUsageError: --jobs 0/);
      expect(ran.stderr).toMatch(/\n\s+at .*option-values\.ts:\d+:\d+/);
    }
  }, 120_000);
});
