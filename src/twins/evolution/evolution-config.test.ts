import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors/index.ts';
import { IMAGE_DEFAULT_API_KEY, parseEvolutionConfig } from './evolution-config.ts';

describe('parseEvolutionConfig', () => {
  it('uses the image defaults and the 1.7.5 profile when nothing is set', () => {
    const config = parseEvolutionConfig({});
    expect(config).toMatchObject({
      version: '1.7.5',
      port: 8080,
      serverUrl: 'http://localhost:8080',
      apiKey: IMAGE_DEFAULT_API_KEY,
      exposeInFetchInstances: true,
      language: 'en',
      qrcodeLimit: 30,
      qrcodeColor: '#198754',
      logColor: true,
      chatwootMessageDelete: false,
      chatwootMessageRead: false,
      qrRefreshMs: 40_000,
    });
    expect(config.logLevels).toEqual(['ERROR', 'WARN', 'DEBUG', 'INFO', 'LOG', 'VERBOSE', 'DARK', 'WEBHOOKS']);
  });

  it('carries the profile of its version (model/evolution-profiles.ts)', () => {
    const config = parseEvolutionConfig({ TWIN_VERSION: '1.7.4' });
    expect(config.generation).toBe('1.7');
    expect(config.profile).toMatchObject({ version: '1.7.4', botConversationLookup: 'conversations-filter' });
  });

  it("takes unset 2.x variables from the version's .env.example, an empty one counting as set (2.x §0.3, §1.1)", () => {
    const config = parseEvolutionConfig({ TWIN_VERSION: '2.3.6', CHATWOOT_IMPORT_DATABASE_CONNECTION_URI: '' });
    expect(config).toMatchObject({ generation: '2', apiKey: '429683C4C977415CAAFCCE10F7D57E11', qrcodeColor: '#175197', serverUrl: 'http://localhost:8080' });
    expect(config.gen2).toMatchObject({
      chatwootEnabled: false,
      botContact: true,
      importDatabaseUri: '',
      importDatabaseAvailable: false,
      clientName: 'evolution_exchange',
      database: { provider: 'postgresql', uri: 'postgresql://user:pass@postgres:5432/evolution_db?schema=evolution_api', saveNewMessage: true },
      cache: { redis: true, redisUri: 'redis://localhost:6379/6', local: false },
      s3: { enabled: false, port: 443, endpoint: 's3.domain.com', useSsl: true },
    });
    // The baked import URI counts as "available" (§1.2): only upstream's own placeholder and '' do not.
    expect(parseEvolutionConfig({ TWIN_VERSION: '2.1.2' }).gen2?.importDatabaseAvailable).toBe(true);
  });

  it.each([
    ['true', true],
    ['True', false],
    ['1', false],
    ['true ', false],
    ['', false],
  ])('enables 2.x Chatwoot only for CHATWOOT_ENABLED exactly "true" (%j → %s)', (value, enabled) => {
    expect(parseEvolutionConfig({ TWIN_VERSION: '2.2.3', CHATWOOT_ENABLED: value }).gen2?.chatwootEnabled).toBe(enabled);
  });

  it('reads CHATWOOT_BOT_CONTACT as unset-or-"true" and CHATWOOT_MESSAGE_* not inverted on 2.x', () => {
    expect(parseEvolutionConfig({ TWIN_VERSION: '2.2.3', CHATWOOT_BOT_CONTACT: '' }).gen2?.botContact).toBe(true);
    expect(parseEvolutionConfig({ TWIN_VERSION: '2.2.3', CHATWOOT_BOT_CONTACT: 'false' }).gen2?.botContact).toBe(false);
    expect(parseEvolutionConfig({ TWIN_VERSION: '2.2.3', CHATWOOT_MESSAGE_READ: 'false' }).chatwootMessageRead).toBe(false);
    expect(parseEvolutionConfig({ TWIN_VERSION: '2.2.3' }).chatwootMessageRead).toBe(true);
  });

  it('keeps a deleted 2.x instance for the measured window, or TWIN_DELETION_DELAY_MS (§M.1)', () => {
    expect(parseEvolutionConfig({ TWIN_VERSION: '2.2.3' }).gen2?.deletionDelay).toEqual({ rangeMs: [70, 190] });
    expect(parseEvolutionConfig({ TWIN_VERSION: '2.2.3', TWIN_DELETION_DELAY_MS: '5' }).gen2?.deletionDelay).toEqual({ fixedMs: 5 });
  });

  it('falls back to en for a LANGUAGE 2.x has no translation for', () => {
    expect(parseEvolutionConfig({ TWIN_VERSION: '2.3.6', LANGUAGE: 'fr' }).language).toBe('en');
    expect(parseEvolutionConfig({ TWIN_VERSION: '2.3.6', LANGUAGE: 'pt-BR' }).language).toBe('pt-BR');
  });

  it('keeps SERVER_URL verbatim, trailing slash included', () => {
    expect(parseEvolutionConfig({ SERVER_URL: 'http://evolution:8080/' }).serverUrl).toBe('http://evolution:8080/');
  });

  it('inverts CHATWOOT_MESSAGE_DELETE/READ: only the literal "false" turns them on (§1.2)', () => {
    expect(parseEvolutionConfig({ CHATWOOT_MESSAGE_DELETE: 'false', CHATWOOT_MESSAGE_READ: 'false' })).toMatchObject({
      chatwootMessageDelete: true,
      chatwootMessageRead: true,
    });
    expect(parseEvolutionConfig({ CHATWOOT_MESSAGE_DELETE: 'true', CHATWOOT_MESSAGE_READ: 'false # false | true' })).toMatchObject({
      chatwootMessageDelete: false,
      chatwootMessageRead: false,
    });
  });

  it('reads LOG_COLOR and AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES as === "true"', () => {
    const config = parseEvolutionConfig({ LOG_COLOR: 'TRUE', AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES: 'yes' });
    expect(config.logColor).toBe(false);
    expect(config.exposeInFetchInstances).toBe(false);
  });

  it('ignores variables 1.7.x does not have (CHATWOOT_ENABLED, S3_*)', () => {
    const plain = parseEvolutionConfig({});
    expect(parseEvolutionConfig({ CHATWOOT_ENABLED: 'false', S3_ENABLED: 'true', S3_BUCKET: 'x' })).toEqual(plain);
  });

  it('lets the port option override SERVER_PORT', () => {
    expect(parseEvolutionConfig({ SERVER_PORT: '9000' }).port).toBe(9000);
    expect(parseEvolutionConfig({ SERVER_PORT: '9000' }, 0).port).toBe(0);
  });

  it.each([
    [{ TWIN_VERSION: '1.7.3' }, 'env.TWIN_VERSION'],
    [{ LANGUAGE: 'fr' }, 'env.LANGUAGE'],
    [{ QRCODE_LIMIT: 'ten' }, 'env.QRCODE_LIMIT'],
    [{ SERVER_PORT: '70000' }, 'env.SERVER_PORT'],
    [{ AUTHENTICATION_TYPE: 'jwt' }, 'env.AUTHENTICATION_TYPE'],
    [{ LOG_LEVEL: 'ERROR,LOUD' }, 'env.LOG_LEVEL'],
    [{ TWIN_QR_REFRESH_MS: '5' }, 'env.TWIN_QR_REFRESH_MS'],
    [{ TWIN_WEBHOOK_PAUSE_MS: '0', QRCODE_COLOR: 'green' }, 'env.QRCODE_COLOR'],
  ])('rejects %o with a ConfigError naming %s', (env, path) => {
    let thrown: unknown;
    try {
      parseEvolutionConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).issues.map((issue) => issue.path)).toContain(path);
    expect((thrown as ConfigError).message).toContain(path);
  });
});
