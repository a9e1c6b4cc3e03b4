import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../../common/redact.ts';
import { ConfigError } from '../../errors/index.ts';
import { EVOLUTION_KEY_ENV, PLATFORM_TOKEN_ENV, resolveAttachCredentials } from './attach-credentials.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'attach-credentials-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('resolveAttachCredentials: env, then --config', () => {
  it('reads a JSON file, says where each value came from, and redacts the values wherever they appear', async () => {
    const config = await file('creds.json', '{"platformToken": "file-platform-token", "evolutionKey": "file-evo-key"}');
    const redactor = createRedactor();
    const credentials = await resolveAttachCredentials({ env: {}, configFile: config, redactor });
    expect(credentials).toEqual({
      platformToken: 'file-platform-token',
      evolutionKey: 'file-evo-key',
      sources: { platformToken: `platformToken in ${config}`, evolutionKey: `evolutionKey in ${config}` },
    });
    expect(redactor.text('GET /x?token=file-platform-token apikey: file-evo-key')).toBe(`GET /x?token=${REDACTED} apikey: ${REDACTED}`);
  });

  it('the env wins over the file; YAML works too; nothing found names both places', async () => {
    const config = await file('creds.yaml', 'platformToken: from-yaml\n');
    const both = await resolveAttachCredentials({ env: { [PLATFORM_TOKEN_ENV]: ' from-env ' }, configFile: config, redactor: createRedactor() });
    expect(both.platformToken).toBe('from-env');
    expect(both.sources.platformToken).toBe(PLATFORM_TOKEN_ENV);
    expect(both.evolutionKey).toBeUndefined();
    expect(both.sources.evolutionKey).toBe(`${EVOLUTION_KEY_ENV} or evolutionKey in --config FILE`);
    expect((await resolveAttachCredentials({ env: {}, configFile: config, redactor: createRedactor() })).platformToken).toBe('from-yaml');
  });

  it('an unknown key or an empty value is a config error naming the path, never the value', async () => {
    const config = await file('bad.json', '{"platform_token": "typo-secret-value", "evolutionKey": "  "}');
    const failure = await resolveAttachCredentials({ env: {}, configFile: config, redactor: createRedactor() }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    const error = failure as ConfigError;
    expect(error.message).toBe(`${config} is invalid (2 problems)`);
    expect(error.issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['evolutionKey']));
    expect(JSON.stringify(error.issues)).toContain('platform_token');
    expect(JSON.stringify({ message: error.message, issues: error.issues, details: error.details })).not.toContain('typo-secret-value');
  });
});
