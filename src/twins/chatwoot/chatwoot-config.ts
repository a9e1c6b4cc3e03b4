import { z } from 'zod';
import { makeOwnedTempDir } from '../../common/owned-temp-dir.ts';
import { ConfigError, type ConfigIssue } from '../../errors/index.ts';
import { CHATWOOT_VERSIONS, type ChatwootVersion } from '../../model/axes.ts';
import { refusesPrivateWebhookTargets, SAFE_FETCH_OPT_OUT_ENV } from '../../model/chatwoot-profiles.ts';
import { webhookPolicy, type WebhookPolicy } from './webhooks/webhook-policy.ts';
import { isAvailableLocale } from './locales.ts';
import { profileFor, type ChatwootProfile } from './version-profile.ts';

export const DEFAULT_TWIN_VERSION: ChatwootVersion = '3.9.0';

export type SignupMode = 'false' | 'true' | 'api_only';

export type StorageConfig =
  | { kind: 'local'; dir: string; dirWasDefaulted: boolean }
  | {
      kind: 's3_compatible';
      bucket: string;
      accessKeyId: string;
      secretAccessKey: string;
      region: string;
      endpoint: string;
      forcePathStyle: boolean;
    };

/** Everything the Chatwoot twin reads from its environment, normalised. */
export interface ChatwootTwinConfig {
  version: ChatwootVersion;
  /** What `GET /api` reports: TWIN_API_VERSION (a fork's version string, e.g. `3.8.0-uno`), else the profile's version. */
  apiVersion: string;
  /** What this version does differently (version-profile.ts). */
  profile: ChatwootProfile;
  /** True when TWIN_VERSION was not set and the default was used (said in the startup log). */
  versionWasDefaulted: boolean;
  port: number;
  /** Host of every generated URL (data_url included), without a trailing slash. */
  frontendUrl: string;
  defaultLocale: string;
  /**
   * What decides signup: ENABLE_ACCOUNT_SIGNUP from the env, else the installation config, until 4.2.x; from 4.3.0 the
   * installation config alone, seeded `false` (chatwoot-3.10-4.x.md §M 1). TWIN_INSTALLATION_ENABLE_ACCOUNT_SIGNUP
   * stands in for that row (what a super admin sets in the settings or with `rails runner`).
   */
  accountSignup: SignupMode;
  /** ENABLE_ACCOUNT_SIGNUP was set but this version ignores it (4.3.0+): said in the startup log. */
  accountSignupEnvIgnored: boolean;
  /** CW_API_ONLY_SERVER=true: signup on 4.13.0+ still answers with a session (§M 2). */
  apiOnlyServer: boolean;
  /**
   * TWIN_PLATFORM_TOKEN (else EVOCHAT_PLATFORM_TOKEN, which the docker backend's `rails runner` step gives the real
   * image's PlatformApp): the access token of a PlatformApp a super admin created; no PlatformApp when unset.
   */
  platformToken: string | undefined;
  /** rack-attack is active only in production with ENABLE_RACK_ATTACK not false. */
  rackAttack: boolean;
  rackAttackLimitPerMinute: number;
  /** Per account per minute (chatwoot-3.7-3.9.md §3.1): profile.contactSearchLimit. */
  contactSearchLimitPerMinute: number;
  /** 3.9.0 only (§3.3): messages per conversation per minute; undefined = no flood guard. */
  messageFloodLimitPerMinute: number | undefined;
  storage: StorageConfig;
  /** Webhook deliveries in flight at once: the Sidekiq worker's thread count (§5, default 10). */
  sidekiqConcurrency: number;
  /** API-inbox webhooks of this version: headers, signature, content normalizer, private-target refusal (chatwoot-3.10-4.x.md §4). */
  webhooks: WebhookPolicy;
  /** Signs blob ids; SECRET_KEY_BASE when given. */
  secretKeyBase: string;
  maxBodyBytes: number;
}

const BOOLEAN_VALUES = ['true', 'false', '1', '0'] as const;

const booleanVar = (name: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((value) => (BOOLEAN_VALUES as readonly string[]).includes(value), {
      message: `${name} must be one of ${BOOLEAN_VALUES.join(', ')}`,
    })
    .transform((value) => value === 'true' || value === '1');

const positiveIntVar = (name: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { message: `${name} must be a non-negative integer` })
    .transform(Number);

const enumVar = <T extends string>(name: string, values: readonly [T, ...T[]]) =>
  z
    .string()
    .trim()
    .refine((value): value is T => (values as readonly string[]).includes(value), {
      message: `${name} must be one of ${values.join(', ')}`,
    });

const envSchema = z.object({
  TWIN_VERSION: enumVar('TWIN_VERSION', CHATWOOT_VERSIONS).optional(),
  PORT: positiveIntVar('PORT')
    .refine((port) => port <= 65535, 'PORT must be at most 65535')
    .optional(),
  FRONTEND_URL: z
    .string()
    .trim()
    .refine((value) => /^https?:\/\/[^\s/]+/.test(value), { message: 'FRONTEND_URL must be an http(s) URL' })
    .optional(),
  DEFAULT_LOCALE: z.string().trim().refine(isAvailableLocale, { message: 'DEFAULT_LOCALE must be a Chatwoot locale such as en or pt_BR' }).optional(),
  ENABLE_ACCOUNT_SIGNUP: enumVar('ENABLE_ACCOUNT_SIGNUP', ['false', 'true', 'api_only'] as const).optional(),
  TWIN_INSTALLATION_ENABLE_ACCOUNT_SIGNUP: enumVar('TWIN_INSTALLATION_ENABLE_ACCOUNT_SIGNUP', ['false', 'true', 'api_only'] as const).optional(),
  CW_API_ONLY_SERVER: booleanVar('CW_API_ONLY_SERVER').optional(),
  TWIN_PLATFORM_TOKEN: z.string().trim().min(1).optional(),
  TWIN_API_VERSION: z.string().trim().min(1).max(64).optional(),
  TWIN_PROFILE_OVERRIDES: z.string().trim().optional(),
  // The harness's docker specs put the same token here for the real image's `rails runner` step (chatwoot-specs.ts).
  EVOCHAT_PLATFORM_TOKEN: z.string().trim().min(1).optional(),
  ENABLE_RACK_ATTACK: booleanVar('ENABLE_RACK_ATTACK').optional(),
  RACK_ATTACK_LIMIT: positiveIntVar('RACK_ATTACK_LIMIT').optional(),
  RAILS_ENV: z.string().trim().optional(),
  RATE_LIMIT_CONTACT_SEARCH: positiveIntVar('RATE_LIMIT_CONTACT_SEARCH').optional(),
  CONVERSATION_MESSAGE_PER_MINUTE_LIMIT: positiveIntVar('CONVERSATION_MESSAGE_PER_MINUTE_LIMIT').optional(),
  ACTIVE_STORAGE_SERVICE: enumVar('ACTIVE_STORAGE_SERVICE', ['local', 's3_compatible'] as const).optional(),
  STORAGE_BUCKET_NAME: z.string().trim().optional(),
  STORAGE_ACCESS_KEY_ID: z.string().optional(),
  STORAGE_SECRET_ACCESS_KEY: z.string().optional(),
  STORAGE_REGION: z.string().trim().optional(),
  STORAGE_ENDPOINT: z.string().trim().optional(),
  STORAGE_FORCE_PATH_STYLE: booleanVar('STORAGE_FORCE_PATH_STYLE').optional(),
  SECRET_KEY_BASE: z.string().optional(),
  // 4.14.1+ (PR #14548): only `true` lifts the private-target refusal (chatwoot-3.10-4.x.md §4.2); read as is.
  [SAFE_FETCH_OPT_OUT_ENV]: z.string().trim().optional(),
  SIDEKIQ_CONCURRENCY: positiveIntVar('SIDEKIQ_CONCURRENCY')
    .refine((threads) => threads >= 1, 'SIDEKIQ_CONCURRENCY must be at least 1')
    .optional(),
  TWIN_STORAGE_DIR: z.string().trim().min(1).optional(),
  TWIN_MAX_BODY_BYTES: positiveIntVar('TWIN_MAX_BODY_BYTES').optional(),
});

/** Empty strings count as unset, as they do for Rails' ENV.fetch(..., default) in practice with compose files. */
function withoutBlanks(env: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') result[key] = value;
  }
  return result;
}

export interface ParseConfigOptions {
  /** Used when TWIN_STORAGE_DIR is unset; defaults to a fresh temp dir. */
  makeStorageDir?: () => string;
  randomSecret?: () => string;
}

/**
 * Parses the upstream env vars (chatwoot-3.7-3.9.md §5) plus the TWIN_ knobs. Unknown variables
 * (POSTGRES_*, REDIS_URL, …) are accepted and ignored so the docker backend can pass upstream env unchanged.
 */
export function parseChatwootConfig(rawEnv: Record<string, string | undefined>, options: ParseConfigOptions = {}): ChatwootTwinConfig {
  const parsed = envSchema.safeParse(withoutBlanks(rawEnv));
  if (!parsed.success) {
    const issues: ConfigIssue[] = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
      // Never echo secrets back in an error.
      ...(/SECRET|PASSWORD|TOKEN|ACCESS_KEY/.test(String(issue.path[0])) ? {} : { value: rawEnv[String(issue.path[0])] }),
    }));
    throw new ConfigError(`invalid Chatwoot twin environment: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  const env = parsed.data;
  const version = env.TWIN_VERSION ?? DEFAULT_TWIN_VERSION;
  const profile = withOverrides(profileFor(version), env.TWIN_PROFILE_OVERRIDES);
  const production = (env.RAILS_ENV ?? 'production') === 'production';

  let storage: StorageConfig;
  if ((env.ACTIVE_STORAGE_SERVICE ?? 'local') === 's3_compatible') {
    const missing = (['STORAGE_BUCKET_NAME', 'STORAGE_ACCESS_KEY_ID', 'STORAGE_SECRET_ACCESS_KEY', 'STORAGE_ENDPOINT'] as const).filter((name) => !env[name]);
    if (missing.length > 0) {
      throw new ConfigError(
        `ACTIVE_STORAGE_SERVICE=s3_compatible needs ${missing.join(', ')}`,
        missing.map((name) => ({ path: name, message: 'required when ACTIVE_STORAGE_SERVICE=s3_compatible' })),
      );
    }
    if (!/^https?:\/\/[^\s/]+/.test(env.STORAGE_ENDPOINT!)) {
      throw new ConfigError('STORAGE_ENDPOINT must be an http(s) URL', [{ path: 'STORAGE_ENDPOINT', message: 'must be an http(s) URL' }]);
    }
    storage = {
      kind: 's3_compatible',
      bucket: env.STORAGE_BUCKET_NAME!,
      accessKeyId: env.STORAGE_ACCESS_KEY_ID!,
      secretAccessKey: env.STORAGE_SECRET_ACCESS_KEY!,
      region: env.STORAGE_REGION ?? 'us-east-1',
      endpoint: env.STORAGE_ENDPOINT!.replace(/\/+$/, ''),
      forcePathStyle: env.STORAGE_FORCE_PATH_STYLE ?? false,
    };
  } else {
    const dir = env.TWIN_STORAGE_DIR ?? (options.makeStorageDir ?? (() => makeOwnedTempDir('chatwoot-storage')))();
    storage = { kind: 'local', dir, dirWasDefaulted: env.TWIN_STORAGE_DIR === undefined };
  }

  return {
    version,
    apiVersion: env.TWIN_API_VERSION ?? version,
    profile,
    versionWasDefaulted: env.TWIN_VERSION === undefined,
    port: env.PORT ?? 3000,
    frontendUrl: (env.FRONTEND_URL ?? 'http://0.0.0.0:3000').replace(/\/+$/, ''),
    defaultLocale: env.DEFAULT_LOCALE ?? 'en',
    accountSignup: (profile.signupFromEnv ? env.ENABLE_ACCOUNT_SIGNUP : undefined) ?? env.TWIN_INSTALLATION_ENABLE_ACCOUNT_SIGNUP ?? 'false',
    accountSignupEnvIgnored: !profile.signupFromEnv && env.ENABLE_ACCOUNT_SIGNUP !== undefined,
    apiOnlyServer: env.CW_API_ONLY_SERVER ?? false,
    platformToken: env.TWIN_PLATFORM_TOKEN ?? env.EVOCHAT_PLATFORM_TOKEN,
    rackAttack: production && (env.ENABLE_RACK_ATTACK ?? true),
    rackAttackLimitPerMinute: env.RACK_ATTACK_LIMIT ?? 3000,
    contactSearchLimitPerMinute:
      profile.contactSearchLimit.kind === 'env'
        ? (env.RATE_LIMIT_CONTACT_SEARCH ?? profile.contactSearchLimit.defaultPerMinute)
        : profile.contactSearchLimit.perMinute,
    messageFloodLimitPerMinute:
      profile.messageFloodDefaultLimit === undefined ? undefined : (env.CONVERSATION_MESSAGE_PER_MINUTE_LIMIT ?? profile.messageFloodDefaultLimit),
    storage,
    sidekiqConcurrency: env.SIDEKIQ_CONCURRENCY ?? 10,
    webhooks: webhookPolicy(profile, refusesPrivateWebhookTargets(profile, { [SAFE_FETCH_OPT_OUT_ENV]: env[SAFE_FETCH_OPT_OUT_ENV] })),
    secretKeyBase: env.SECRET_KEY_BASE ?? (options.randomSecret ?? defaultRandomSecret)(),
    maxBodyBytes: env.TWIN_MAX_BODY_BYTES ?? 64 * 1024 * 1024,
  };
}

/**
 * TWIN_PROFILE_OVERRIDES: a JSON object of profile facts that replace the profile's own, e.g.
 * `{"conversationFilterAcceptsContactId":false}` — a deliberately altered twin (the drift report's tests, a fork's quirk).
 * Only existing facts, each with a value of the type it already has.
 */
function withOverrides(profile: ChatwootProfile, raw: string | undefined): ChatwootProfile {
  if (raw === undefined) return profile;
  const fail = (message: string): never => {
    throw new ConfigError(`invalid Chatwoot twin environment: TWIN_PROFILE_OVERRIDES: ${message}`, [{ path: 'TWIN_PROFILE_OVERRIDES', message }]);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fail('expected a JSON object such as {"conversationFilterAcceptsContactId":false}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('expected a JSON object');
  const facts = profile as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'version' || !(key in facts)) fail(`${key.slice(0, 60)} is not a profile fact`);
    if (typeof value !== typeof facts[key] || (typeof value === 'object' && value !== null)) fail(`${key}: expected a ${typeof facts[key]}`);
  }
  return { ...profile, ...(parsed as Partial<ChatwootProfile>) };
}

function defaultRandomSecret(): string {
  return globalThis.crypto.randomUUID().replace(/-/g, '') + globalThis.crypto.randomUUID().replace(/-/g, '');
}
