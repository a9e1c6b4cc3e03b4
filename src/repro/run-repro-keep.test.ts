import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellStack } from '../stack/stack.ts';
import { renderKeptStacks, runRepro } from './run-repro.ts';

const REPORT = fileURLToPath(new URL('../../fixtures/bug-reports/server-url-localhost-evolution-1375.yaml', import.meta.url));

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'repro-keep-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

async function answers(url: string): Promise<number | string> {
  try {
    const response = await request(url, { signal: AbortSignal.timeout(2_000) });
    await response.body.dump();
    return response.statusCode;
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}

describe('repro --keep', () => {
  it('leaves the stack the scenarios ran on up until released, prints where and how to get in, then stops it', async () => {
    let kept: CellStack[] = [];
    const whileHeld: Array<number | string> = [];
    let printed = '';
    const run = await runRepro({
      file: REPORT,
      outDir: out,
      backend: 'sim',
      images: 'upstream',
      keep: {
        hold: async (stacks) => {
          kept = stacks;
          printed = renderKeptStacks(stacks);
          whileHeld.push(await answers(`${stacks[0]!.chatwoot.url}/api`), await answers(`${stacks[0]!.evolution.url}/`));
        },
      },
    });
    expect(run.verdict.outcome).toBe('reproduced');
    expect(whileHeld).toEqual([200, 200]);
    expect(printed).toContain(`Chatwoot   ${kept[0]!.chatwoot.url}  account ${kept[0]!.chatwoot.accountId}  api_access_token: ${kept[0]!.chatwoot.token}`);
    expect(printed).toContain(`apikey: ${kept[0]!.evolution.apiKey}`);
    // Released: the environment is stopped.
    expect(await answers(`${kept[0]!.chatwoot.url}/api`)).toBe('ECONNREFUSED');
  }, 120_000);
});
