import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors/index.ts';
import { parseChatwootConfig } from './chatwoot-config.ts';

const noDir = { makeStorageDir: () => '/tmp/unused-chatwoot-twin-dir', randomSecret: () => 'secret' };

function configError(env: Record<string, string>): ConfigError {
  try {
    parseChatwootConfig(env, noDir);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseChatwootConfig', () => {
  it('uses upstream defaults and says when the version was defaulted', () => {
    const config = parseChatwootConfig({}, noDir);
    expect(config).toMatchObject({
      version: '3.9.0',
      versionWasDefaulted: true,
      port: 3000,
      frontendUrl: 'http://0.0.0.0:3000',
      defaultLocale: 'en',
      accountSignup: 'false',
      rackAttack: true,
      contactSearchLimitPerMinute: 100,
      messageFloodLimitPerMinute: 200,
      storage: { kind: 'local', dir: '/tmp/unused-chatwoot-twin-dir', dirWasDefaulted: true },
      sidekiqConcurrency: 10,
    });
  });

  it('reads SIDEKIQ_CONCURRENCY (webhook deliveries in flight) and refuses 0 or non-numbers', () => {
    expect(parseChatwootConfig({ SIDEKIQ_CONCURRENCY: '3' }, noDir).sidekiqConcurrency).toBe(3);
    expect(configError({ SIDEKIQ_CONCURRENCY: '0' }).message).toContain('SIDEKIQ_CONCURRENCY must be at least 1');
    expect(configError({ SIDEKIQ_CONCURRENCY: 'many' }).issues[0]).toMatchObject({ path: 'SIDEKIQ_CONCURRENCY', value: 'many' });
  });

  it('applies the per-version search limit and flood guard (3.7/3.8: 5 and none; 3.9: env)', () => {
    const env = { RATE_LIMIT_CONTACT_SEARCH: '7', CONVERSATION_MESSAGE_PER_MINUTE_LIMIT: '3' };
    expect(parseChatwootConfig({ ...env, TWIN_VERSION: '3.7.0' }, noDir)).toMatchObject({
      contactSearchLimitPerMinute: 5,
      messageFloodLimitPerMinute: undefined,
    });
    expect(parseChatwootConfig({ ...env, TWIN_VERSION: '3.8.0' }, noDir)).toMatchObject({
      contactSearchLimitPerMinute: 5,
      messageFloodLimitPerMinute: undefined,
    });
    expect(parseChatwootConfig({ ...env, TWIN_VERSION: '3.9.0' }, noDir)).toMatchObject({ contactSearchLimitPerMinute: 7, messageFloodLimitPerMinute: 3 });
  });

  it('ignores upstream variables it does not model and strips a trailing slash from FRONTEND_URL', () => {
    const config = parseChatwootConfig(
      { POSTGRES_HOST: 'postgres', REDIS_URL: 'redis://redis:6379', SECRET_KEY_BASE: 'abc', FRONTEND_URL: 'http://chatwoot:3000/', RAILS_ENV: 'production' },
      noDir,
    );
    expect(config.frontendUrl).toBe('http://chatwoot:3000');
    expect(config.secretKeyBase).toBe('abc');
  });

  it('turns rack-attack off outside production or with ENABLE_RACK_ATTACK=false', () => {
    expect(parseChatwootConfig({ RAILS_ENV: 'development' }, noDir).rackAttack).toBe(false);
    expect(parseChatwootConfig({ ENABLE_RACK_ATTACK: 'false' }, noDir).rackAttack).toBe(false);
  });

  it('names the variable and the allowed values on bad input', () => {
    expect(configError({ TWIN_VERSION: '3.10.0' }).message).toContain('TWIN_VERSION must be one of 3.7.0, 3.8.0, 3.9.0');
    expect(configError({ ENABLE_ACCOUNT_SIGNUP: 'yes' }).message).toContain('ENABLE_ACCOUNT_SIGNUP must be one of false, true, api_only');
    expect(configError({ ACTIVE_STORAGE_SERVICE: 'amazon' }).message).toContain('ACTIVE_STORAGE_SERVICE must be one of local, s3_compatible');
    expect(configError({ ENABLE_RACK_ATTACK: 'maybe' }).message).toContain('ENABLE_RACK_ATTACK must be one of true, false, 1, 0');
    expect(configError({ PORT: 'http' }).issues[0]).toMatchObject({ path: 'PORT', value: 'http' });
  });

  it('requires the storage variables for s3_compatible and reads path style', () => {
    expect(configError({ ACTIVE_STORAGE_SERVICE: 's3_compatible', STORAGE_BUCKET_NAME: 'b' }).message).toContain(
      'STORAGE_ACCESS_KEY_ID, STORAGE_SECRET_ACCESS_KEY, STORAGE_ENDPOINT',
    );
    const config = parseChatwootConfig(
      {
        ACTIVE_STORAGE_SERVICE: 's3_compatible',
        STORAGE_BUCKET_NAME: 'chatwoot',
        STORAGE_ACCESS_KEY_ID: 'key',
        STORAGE_SECRET_ACCESS_KEY: 'secret',
        STORAGE_ENDPOINT: 'http://127.0.0.1:9000/',
        STORAGE_FORCE_PATH_STYLE: 'true',
      },
      noDir,
    );
    expect(config.storage).toEqual({
      kind: 's3_compatible',
      bucket: 'chatwoot',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
    });
  });

  it('TWIN_PROFILE_OVERRIDES replaces named profile facts and refuses unknown facts or wrong types', () => {
    const altered = parseChatwootConfig({ TWIN_VERSION: '4.14.2', TWIN_PROFILE_OVERRIDES: '{"conversationFilterAcceptsContactId":false}' }, noDir);
    expect(altered.profile.conversationFilterAcceptsContactId).toBe(false);
    expect(altered.profile.contactFilterCompanyKey).toBe('company_name');
    expect(configError({ TWIN_PROFILE_OVERRIDES: '{"noSuchFact":true}' }).message).toContain('noSuchFact is not a profile fact');
    expect(configError({ TWIN_PROFILE_OVERRIDES: '{"healthRoute":"yes"}' }).message).toContain('healthRoute: expected a boolean');
    expect(configError({ TWIN_PROFILE_OVERRIDES: '[1]' }).message).toContain('expected a JSON object');
  });
});
