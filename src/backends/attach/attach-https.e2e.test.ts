import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../../cli/test-support/cli-process.ts';
import type { RunResult } from '../../model/result-schema.ts';
import { createThrowawayCa, startTlsFront, type ThrowawayCa, type TlsFront } from '../../evidence/test-support/throwaway-ca.ts';
import { PLATFORM_TOKEN_ENV } from './attached-chatwoot.ts';
import { startExternalChatwootTwin, type ExternalTwin } from './test-support/external-twin.ts';

/**
 * `run --chatwoot-url https://…` (issue 20): a staging server whose certificate a private CA signed. The twin runs as an
 * external server behind a TLS front with a CA made for this test; the user trusts the CA the Node way, NODE_EXTRA_CA_CERTS.
 */
describe('run --chatwoot-url against an https server signed by a private CA', () => {
  let ca: ThrowawayCa;
  let front: TlsFront;
  let twin: ExternalTwin;
  let out: string;

  beforeAll(async () => {
    ca = await createThrowawayCa();
    front = await startTlsFront({ key: ca.key, cert: ca.cert });
    // Its generated URLs point at the https name, as a staging server's do.
    twin = await startExternalChatwootTwin({ version: '3.8.0', env: { FRONTEND_URL: front.url } });
    front.setOrigin(twin.url);
    out = await mkdtemp(join(tmpdir(), 'evochat-attach-https-'));
  }, 90_000);

  afterAll(async () => {
    await twin?.stop();
    await front?.close();
    await ca?.remove();
    await rm(out, { recursive: true, force: true });
  });

  const run = (dir: string, env: Record<string, string>) =>
    startCli('tsx', ['run', '--chatwoot-url', front.url, '--evolution', '1.7.4,1.7.5', '--suite', 'auth,filter-contract', '--no-progress', '--out', dir], {
      [PLATFORM_TOKEN_ENV]: twin.token,
      ...env,
    });

  it('without the CA trusted: EVOCHAT_E_ATTACH_TLS, exit 2, with the fix; nothing reached the server', async () => {
    const cli = run(join(out, 'untrusted'), {});
    const { code } = await cli.exit;
    const errorLines = cli
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('error '));
    expect(errorLines).toEqual([
      `error EVOCHAT_E_ATTACH_TLS: the attached Chatwoot at ${front.url}: its TLS certificate did not verify (UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate)`,
    ]);
    expect(cli.stderr()).toContain('hint: signed by a private CA? trust it for this run: NODE_EXTRA_CA_CERTS=');
    expect(code).toBe(2);
    expect(front.seen).toEqual([]);
    expect(await twin.leftovers(5)).toEqual({ accounts: [], users: [] });
  }, 60_000);

  it('with NODE_EXTRA_CA_CERTS: the suites run through TLS with the server name as SNI and Host, labelled https, nothing left', async () => {
    const dir = join(out, 'trusted');
    const cli = run(dir, { NODE_EXTRA_CA_CERTS: ca.caFile });
    const { code } = await cli.exit;
    expect(cli.stderr()).not.toMatch(/^error /m);
    expect(code).toBe(0);
    const result = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as RunResult;
    expect(Object.fromEntries(result.cells.map((cell) => [cell.id, cell.verdict]))).toEqual({
      'cw3.8.0-evo1.7.4-local': 'expected-break',
      'cw3.8.0-evo1.7.5-local': 'pass',
    });
    expect(result.attached?.chatwoot.label).toBe(`attached: Chatwoot 3.8.0 at ${front.url}`);
    // Every request: the harness's own, and Evolution's through the recording proxy (its Host rewritten to the origin's).
    expect(front.seen.length).toBeGreaterThan(10);
    expect(new Set(front.seen.map((seen) => `${String(seen.servername)} ${seen.host}`))).toEqual(new Set([`localhost localhost:${front.port}`]));
    expect(front.seen.some((seen) => seen.path.includes('/conversations/filter'))).toBe(true);
    expect(await twin.leftovers(12)).toEqual({ accounts: [], users: [] });
  }, 240_000);
});
