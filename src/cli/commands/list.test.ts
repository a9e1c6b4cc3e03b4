import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors/index.ts';
import { TEST_CATALOG } from '../../matrix/test-support/test-catalog.ts';
import { listCommand } from './list.ts';

function capture() {
  const sink = { text: '', write: (chunk: string) => ((sink.text += chunk), true) };
  return sink as unknown as NodeJS.WritableStream & { text: string };
}

const projectMatrix = join(import.meta.dirname, '../../../matrix.json');

describe('listCommand', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evochat-list-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints cells, suites with their scenarios, and the planned services', async () => {
    const stdout = capture();
    expect(await listCommand({ matrix: projectMatrix }, { stdout, stderr: capture(), catalog: TEST_CATALOG })).toBe(0);
    expect(stdout.text).toContain('12 cells');
    expect(stdout.text).toMatch(/cw3\.8\.0-evo1\.7\.4-minio +chatwoot 3\.8\.0 {2}evolution 1\.7\.4 {2}minio/);
    expect(stdout.text).toContain('config-faults [fault] (needs writes)');
    expect(stdout.text).toContain('- bot-command/status-round-trip  [expected to break in some cells]');
    expect(stdout.text).toContain('services: 17 planned (a stack per cell would start 66)');
  });

  it('prints JSON with --json', async () => {
    const stdout = capture();
    await listCommand({ matrix: projectMatrix, json: true }, { stdout, stderr: capture(), catalog: TEST_CATALOG });
    const payload = JSON.parse(stdout.text);
    expect(payload.cells).toHaveLength(12);
    expect(payload.cells[0]).toEqual({ id: 'cw3.7.0-evo1.7.4-local', chatwoot: '3.7.0', evolution: '1.7.4', storage: 'local' });
    expect(payload.suites.map((s: { id: string }) => s.id)).toEqual(TEST_CATALOG.map((s) => s.id));
    expect(payload.services.planned).toBe(17);
  });

  it('fails with a ConfigError on a broken matrix file', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, '{"axes": {"chatwoot": [], "evolution": ["1.7.4"], "storage": ["local"]}}');
    await expect(listCommand({ matrix: file }, { stdout: capture(), stderr: capture(), catalog: TEST_CATALOG })).rejects.toBeInstanceOf(ConfigError);
  });
});
