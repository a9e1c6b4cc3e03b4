import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRepro } from '../../repro/run-repro.ts';
import { runMatrix } from '../../runner/run-matrix.ts';
import { harvestingFactory, scanForCredentials, type Credentials } from './test-support/run-credentials.ts';

/**
 * End to end: a full sim matrix and a repro bundle, then every file they wrote is searched for every credential
 * the run used or received — the stack's tokens and keys, what crossed the wire (signup passwords, the
 * instance keys Evolution answered with, Chatwoot's hmac/pubsub tokens and inbox identifiers) and what the
 * twins hold. None may appear.
 */
const root = join(import.meta.dirname, '../../..');

describe('no credential in any artifact of a run', () => {
  let dir: string;
  const matrixCredentials: Credentials = new Map();
  const reproCredentials: Credentials = new Map();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evochat-secrets-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("full matrix: result.json, reports, cells/*, services/* hold none of the run's credentials", async () => {
    const out = join(dir, 'matrix');
    await runMatrix({
      matrixFile: join(root, 'matrix.json'),
      backend: 'sim',
      images: 'upstream',
      outDir: out,
      command: 'evochat-matrix run (artifact secrets test)',
      env: {},
      deps: { createBackend: harvestingFactory(matrixCredentials) },
    });
    const kinds = new Set(matrixCredentials.values());
    // The harvest itself must have found what the run is known to create, or the scan proves nothing.
    for (const kind of [
      'stack chatwoot token',
      'evolution global apikey',
      's3 secret access key',
      'hash.apikey',
      'password',
      'hmac_token',
      'pubsub_token',
      'inbox_identifier',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    const hits = await scanForCredentials(out, matrixCredentials);
    console.log(`artifact secrets: ${matrixCredentials.size} credentials, ${hits.total} occurrences in ${out}`);
    expect(hits.byFileAndKind).toEqual({});
  }, 600_000);

  it("repro bundle (meant to be shared) holds none of the run's credentials", async () => {
    const out = join(dir, 'bundle');
    await runRepro({
      file: join(root, 'fixtures/bug-reports/qr-code-missing-evolution-605.yaml'),
      outDir: out,
      backend: 'sim',
      images: 'upstream',
      deps: { createBackend: harvestingFactory(reproCredentials) },
    });
    expect(new Set(reproCredentials.values())).toContain('hash.apikey');
    const hits = await scanForCredentials(out, reproCredentials);
    console.log(`repro secrets: ${reproCredentials.size} credentials, ${hits.total} occurrences in ${out}`);
    expect(hits.byFileAndKind).toEqual({});
  }, 300_000);
});
