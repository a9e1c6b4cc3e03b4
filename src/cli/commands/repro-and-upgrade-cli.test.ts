import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS } from '../../model/axes.ts';

const BIN = fileURLToPath(new URL('../bin.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../../../fixtures/results/sample-result.json', import.meta.url));
const exec = promisify(execFile);

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}
async function cli(args: string[]): Promise<Ran> {
  try {
    const { stdout, stderr } = await exec(TSX, [BIN, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('repro and can-i-upgrade from the command line', () => {
  it('repro with a bug report naming an unknown version: exit 2, the version and the known ones named, no bundle, no stack trace', async () => {
    const report = join(dir, 'report.yaml');
    await writeFile(report, 'title: t\nsymptom: QR never shows\nversions:\n  chatwoot: 3.10.0\n  evolution: 1.7.4\n');
    const ran = await cli(['repro', report, '--out', join(dir, 'bundle'), '--backend', 'sim']);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('error EVOCHAT_E_BUG_REPORT:');
    expect(ran.stderr).toContain(`unknown Chatwoot version "3.10.0" (known: ${CHATWOOT_VERSIONS.join(', ')})`);
    expect(ran.stderr).toContain('at versions.chatwoot: not an allowed value got "3.10.0"');
    expect(ran.stderr).not.toMatch(/\n\s+at .*\.ts:\d+/);
    await expect(stat(join(dir, 'bundle'))).rejects.toThrow();
  }, 60_000);

  it('can-i-upgrade: usage errors exit 2; --from-result answers without running, "unknown" exits 1 with the reason', async () => {
    const usage = await cli(['can-i-upgrade', '--chatwoot', '3.6.0', '--evolution', '1.7.4', '--to', 'chatwoot@3.8.0']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain(`--chatwoot 3.6.0: unknown Chatwoot version (known: ${CHATWOOT_VERSIONS.join(', ')})`);

    const no = await cli(['can-i-upgrade', '--chatwoot', '3.7.0', '--evolution', '1.7.4', '--to', 'chatwoot@3.8.0', '--from-result', SAMPLE]);
    expect(no.code).toBe(1);
    expect(no.stdout.split('\n')[0]).toMatch(/^no: Chatwoot 3\.8\.0 × Evolution 1\.7\.4 \(local storage\) breaks .* upgrade Evolution to 1\.7\.5 first/);

    const yes = await cli(['can-i-upgrade', '--chatwoot', '3.8.0', '--evolution', '1.7.5', '--to', 'chatwoot@3.9.0', '--from-result', SAMPLE, '--json']);
    expect(yes.code).toBe(0);
    expect(JSON.parse(yes.stdout)).toMatchObject({ answer: 'yes', state: 'works', source: { kind: 'result', backend: 'sim', standIns: true } });

    const unknown = await cli([
      'can-i-upgrade',
      '--chatwoot',
      '3.7.0',
      '--evolution',
      '1.7.5',
      '--to',
      'chatwoot@3.8.0',
      '--storage',
      'minio',
      '--from-result',
      SAMPLE,
      '--json',
    ]);
    expect(unknown.code).toBe(1);
    const answer = JSON.parse(unknown.stdout) as { answer: string; state: string; missing: string[] };
    expect(answer).toMatchObject({ answer: 'no', state: 'unknown' });
    expect(answer.missing[0]).toMatch(/^cw3\.8\.0-evo1\.7\.5-minio \(infrastructure error/);
  }, 90_000);

  it('can-i-upgrade --to evolution@2.x: an unknown version lists the known ones; the JSON names what changes from the profiles', async () => {
    const usage = await cli(['can-i-upgrade', '--chatwoot', '3.8.0', '--evolution', '1.7.4', '--to', 'evolution@2.4.0']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain(`--to evolution@2.4.0: unknown Evolution version (known: ${EVOLUTION_VERSIONS.join(', ')})`);

    // The sample result has no 2.x cell: the verdict is unknown (exit 1), the changes are still named.
    const ran = await cli(['can-i-upgrade', '--chatwoot', '3.8.0', '--evolution', '1.7.4', '--to', 'evolution@2.3.6', '--from-result', SAMPLE, '--json']);
    expect(ran.code).toBe(1);
    const answer = JSON.parse(ran.stdout) as { state: string; evolutionChanges: { from: string; to: string; notes: string[] } };
    expect(answer.state).toBe('unknown');
    expect(answer.evolutionChanges).toMatchObject({ from: '1.7.4', to: '2.3.6' });
    expect(answer.evolutionChanges.notes.join('\n')).toMatch(/CHATWOOT_ENABLED=true[\s\S]*a database is required/);
  }, 60_000);
});
