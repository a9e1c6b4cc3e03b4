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
