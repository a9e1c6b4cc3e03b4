import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../errors/index.ts';
import { loadAttachConfigFile, resolveAttachTarget } from './attach-target.ts';

const FULL = {
  chatwootUrl: 'https://chat.example.com/',
  chatwootToken: 'flag-token',
  account: '3',
  evolutionUrl: 'http://evo.internal:8080',
  evolutionKey: 'flag-key',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'attach-target-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveAttachTarget', () => {
  it('normalises URLs and coerces the account id', () => {
    expect(resolveAttachTarget({ flags: FULL, env: {} })).toEqual({
      chatwootUrl: 'https://chat.example.com',
      chatwootToken: 'flag-token',
      accountId: 3,
      evolutionUrl: 'http://evo.internal:8080',
      evolutionKey: 'flag-key',
      instance: undefined,
    });
  });

  it('takes flags over env over the config file', () => {
    const target = resolveAttachTarget({
      flags: { chatwootUrl: 'http://flag:3000' },
      env: { EVOCHAT_CHATWOOT_URL: 'http://env:3000', EVOCHAT_CHATWOOT_TOKEN: 'env-token', EVOCHAT_INSTANCE: 'env-instance' },
      file: {
        chatwootUrl: 'http://file:3000',
        chatwootToken: 'file-token',
        accountId: 7,
        evolutionUrl: 'http://file:8080',
        evolutionKey: 'file-key',
        instance: 'file-instance',
      },
      fileName: 'doctor.yaml',
    });
    expect(target).toMatchObject({
      chatwootUrl: 'http://flag:3000',
      chatwootToken: 'env-token',
      accountId: 7,
      evolutionKey: 'file-key',
      instance: 'env-instance',
    });
  });

  it('names every missing setting with its flag and env var, and never echoes a secret', () => {
    let error: unknown;
    try {
      resolveAttachTarget({ flags: { chatwootUrl: 'not a url', chatwootToken: 'sekret-token-value', account: 'x' }, env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as UsageError).message;
    expect(message).toContain('--evolution-url / EVOCHAT_EVOLUTION_URL');
    expect(message).toContain('--evolution-key / EVOCHAT_EVOLUTION_KEY');
    expect(message).toContain('expected an http(s) URL');
    expect(message).toContain('positive integer account id');
    expect(JSON.stringify((error as UsageError).toJSON())).not.toContain('sekret-token-value');
  });
});

describe('loadAttachConfigFile', () => {
  it('reads YAML and JSON', async () => {
    await writeFile(join(dir, 'a.yaml'), 'chatwootUrl: http://c:3000\naccountId: 2\n');
    await writeFile(join(dir, 'a.json'), '{"evolutionKey":"k"}');
    expect(await loadAttachConfigFile(join(dir, 'a.yaml'))).toEqual({ chatwootUrl: 'http://c:3000', accountId: 2 });
    expect(await loadAttachConfigFile(join(dir, 'a.json'))).toEqual({ evolutionKey: 'k' });
  });

  it('rejects unknown keys without printing values (the file holds secrets)', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'chatwoot_token: s3cr3t-value\n');
    const error = await loadAttachConfigFile(join(dir, 'bad.yaml')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]).toMatchObject({ path: 'chatwoot_token', message: 'unknown key' });
    expect(JSON.stringify((error as ConfigError).toJSON())).not.toContain('s3cr3t-value');
  });
});
