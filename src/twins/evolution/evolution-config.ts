import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../../errors/index.ts';
import { EVOLUTION_VERSIONS, type EvolutionGeneration, type EvolutionVersion } from '../../model/axes.ts';
import { evolutionProfile, type EvolutionProfile } from '../../model/evolution-profiles.ts';
import { UPSTREAM_BODY_LIMIT_BYTES } from './read-limited-body.ts';

/** Profiles the Evolution twin can play: every value of the Evolution axis (model/evolution-profiles.ts). */
export { EVOLUTION_VERSIONS };
export type EvolutionTwinVersion = EvolutionVersion;

export const LOG_LEVELS = ['ERROR', 'WARN', 'DEBUG', 'INFO', 'LOG', 'VERBOSE', 'DARK', 'WEBHOOKS'] as const;
/** 2.x adds WEBSOCKET (its `.env.example` LOG_LEVEL). */
export const LOG_LEVELS_2 = [...LOG_LEVELS, 'WEBSOCKET'] as const;
export type LogLevel = (typeof LOG_LEVELS_2)[number];

export const LANGUAGES = ['en', 'pt-BR', 'es'] as const;
export type BotLanguage = (typeof LANGUAGES)[number];

/** The image's baked-in key (evolution-api-1.7.md §1.2, Authentication). */
export const IMAGE_DEFAULT_API_KEY = 'B6D711FCDE4D4FD5936544120E713976';
/** The image's baked-in SERVER_URL. */
export const IMAGE_DEFAULT_SERVER_URL = 'http://localhost:8080';
/** Upstream's Baileys qrTimeout (evolution-api-1.7.md §3b). */
export const UPSTREAM_QR_REFRESH_MS = 40_000;

export interface EvolutionConfig {
  version: EvolutionTwinVersion;
  generation: EvolutionGeneration;
  /** What this version does (model/evolution-profiles.ts); the twin reads it instead of comparing versions. */
  profile: EvolutionProfile;
  port: number;
  /** Verbatim: webhook_url = `${serverUrl}/chatwoot/webhook/${encodeURIComponent(instance)}`. */
  serverUrl: string;
  authType: 'apikey';
  apiKey: string;
  exposeInFetchInstances: boolean;
  language: BotLanguage;
  qrcodeLimit: number;
  qrcodeColor: string;
  logLevels: readonly LogLevel[];
  logColor: boolean;
  /** Inverted upstream flags: true only for the literal string 'false' (§1.2 quirks). */
  chatwootMessageDelete: boolean;
  chatwootMessageRead: boolean;
  /** Parent of `store/` and `instances/`; undefined means "make a temp dir". */
  storeDir: string | undefined;
  qrRefreshMs: number;
  /** JSON / urlencoded body limit (upstream 136mb); a smaller one only for tests (TWIN_BODY_LIMIT_BYTES). */
  bodyLimitBytes: number;
  /** Generation 2 only (evolution-api-2.x.md §1); undefined on 1.7. */
  gen2: Gen2Config | undefined;
}

/** How long a deleted 2.x instance's row outlives the answer: TWIN_DELETION_DELAY_MS, else random in the profile's window (§M.1). */
export type DeletionDelay = { fixedMs: number } | { rangeMs: readonly [number, number] };

/** The 2.x variables the twin honours (evolution-api-2.x.md §1.2, §1.3, §2.1), after the image's `.env` defaults. */
export interface Gen2Config {
  deletionDelay: DeletionDelay;
  /** `CHATWOOT_ENABLED === 'true'`: only the exact lower-case string enables Chatwoot (§1.2). */
  chatwootEnabled: boolean;
  /** `!CHATWOOT_BOT_CONTACT || CHATWOOT_BOT_CONTACT === 'true'` (2.1.0+). */
  botContact: boolean;
  /** CHATWOOT_IMPORT_DATABASE_CONNECTION_URI as set (the image bakes an "available" placeholder, §0.3). */
  importDatabaseUri: string;
  /** Non-empty and not upstream's own placeholder `postgres://user:password@hostname:port/dbname` (§1.2). */
  importDatabaseAvailable: boolean;
  /** `GET /` clientName: DATABASE_CONNECTION_CLIENT_NAME (the image: evolution_exchange). */
  clientName: string | undefined;
  database: {
    /** DATABASE_PROVIDER: the entrypoint accepts postgresql, mysql (and psql_bouncer on 2.3.6) and exits 1 otherwise. */
    provider: string | undefined;
    /** DATABASE_CONNECTION_URI (Prisma's datasource url). */
    uri: string | undefined;
    /** DATABASE_SAVE_DATA_NEW_MESSAGE: the S3 upload sits inside this save (§2.3). */
    saveNewMessage: boolean;
  };
  cache: {
    /** CACHE_REDIS_ENABLED === 'true' and CACHE_REDIS_URI !== '' (src/cache/cacheengine.ts). */
    redis: boolean;
    redisUri: string;
    /** CACHE_LOCAL_ENABLED === 'true', used only when Redis is not. */
    local: boolean;
  };
  s3: {
    enabled: boolean;
    accessKey: string | undefined;
    secretKey: string | undefined;
    bucket: string | undefined;
    /** parseInt(S3_PORT || '9000'). */
    port: number;
    /** A bare host name (minio-js endPoint). */
    endpoint: string | undefined;
    useSsl: boolean;
    region: string | undefined;
    /** 2.3.0+: no public-read policy on the bucket. */
    skipPolicy: boolean;
  };
}

/** Upstream's own "not configured" placeholder for the import database (chatwoot.service.ts@2.3.6:2445-2449). */
export const IMPORT_DATABASE_PLACEHOLDER = 'postgres://user:password@hostname:port/dbname';

const positiveInt = (name: string) => z.string().regex(/^\d+$/, `${name} must be a non-negative integer`).transform(Number);

const versionSchema = z.object({ TWIN_VERSION: z.enum(EVOLUTION_VERSIONS).default('1.7.5') });

/**
 * Only the upstream variables the 1.7 twin honours, plus TWIN_ knobs. Every other variable
 * (including CHATWOOT_ENABLED and S3_*, which 1.7.x does not have: §1.4, §4) is ignored.
 */
const envSchema = z.object({
  TWIN_VERSION: z.enum(EVOLUTION_VERSIONS).default('1.7.5'),
  SERVER_PORT: positiveInt('SERVER_PORT').pipe(z.number().max(65535, 'SERVER_PORT must be at most 65535')).optional(),
  SERVER_URL: z.string().default(IMAGE_DEFAULT_SERVER_URL),
  AUTHENTICATION_TYPE: z
    .enum(['apikey', 'jwt'])
    .default('apikey')
    .refine((value) => value === 'apikey', 'only AUTHENTICATION_TYPE=apikey is supported by the twin'),
  AUTHENTICATION_API_KEY: z.string().min(1, 'AUTHENTICATION_API_KEY must not be empty').default(IMAGE_DEFAULT_API_KEY),
  AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES: z.string().default('true'),
  LANGUAGE: z.enum(LANGUAGES).default('en'),
  QRCODE_LIMIT: positiveInt('QRCODE_LIMIT').default(30),
  QRCODE_COLOR: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/, 'QRCODE_COLOR must be a hex colour like #198754')
    .default('#198754'),
  LOG_LEVEL: z.string().default(LOG_LEVELS.join(',')),
  LOG_COLOR: z.string().default('true'),
  CHATWOOT_MESSAGE_DELETE: z.string().optional(),
  CHATWOOT_MESSAGE_READ: z.string().optional(),
  TWIN_STORE_DIR: z.string().min(1).optional(),
  TWIN_QR_REFRESH_MS: positiveInt('TWIN_QR_REFRESH_MS').pipe(z.number().min(10, 'TWIN_QR_REFRESH_MS must be at least 10')).default(UPSTREAM_QR_REFRESH_MS),
  TWIN_BODY_LIMIT_BYTES: positiveInt('TWIN_BODY_LIMIT_BYTES')
    .pipe(z.number().min(1, 'TWIN_BODY_LIMIT_BYTES must be at least 1'))
    .default(UPSTREAM_BODY_LIMIT_BYTES),
});

/** Blank values count as unset, like an env file line `NAME=`. */
function withoutBlanks(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') out[key] = value;
  return out;
}

/**
 * The 2.x twin's variables (evolution-api-2.x.md §1): no AUTHENTICATION_TYPE any more, any LANGUAGE (unknown ones fall
 * back to en), non-inverted CHATWOOT_MESSAGE_*, and the generation-2 switches read raw in `gen2`.
 */
const envSchema2 = z.object({
  TWIN_VERSION: z.enum(EVOLUTION_VERSIONS),
  SERVER_PORT: positiveInt('SERVER_PORT').pipe(z.number().max(65535, 'SERVER_PORT must be at most 65535')).optional(),
  SERVER_URL: z.string().optional(),
  AUTHENTICATION_API_KEY: z.string().optional(),
  AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES: z.string().optional(),
  LANGUAGE: z.string().optional(),
  QRCODE_LIMIT: z.string().optional(),
  QRCODE_COLOR: z.string().optional(),
  LOG_LEVEL: z.string().optional(),
  LOG_COLOR: z.string().optional(),
  CHATWOOT_MESSAGE_DELETE: z.string().optional(),
  CHATWOOT_MESSAGE_READ: z.string().optional(),
  TWIN_STORE_DIR: z.string().min(1).optional(),
  TWIN_QR_REFRESH_MS: positiveInt('TWIN_QR_REFRESH_MS').pipe(z.number().min(10, 'TWIN_QR_REFRESH_MS must be at least 10')).default(UPSTREAM_QR_REFRESH_MS),
  TWIN_BODY_LIMIT_BYTES: positiveInt('TWIN_BODY_LIMIT_BYTES')
    .pipe(z.number().min(1, 'TWIN_BODY_LIMIT_BYTES must be at least 1'))
    .default(UPSTREAM_BODY_LIMIT_BYTES),
  TWIN_DELETION_DELAY_MS: positiveInt('TWIN_DELETION_DELAY_MS').optional(),
});

function configError(issues: ConfigIssue[]): ConfigError {
  return new ConfigError(`invalid Evolution twin environment: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

function zodIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => ({ path: `env.${issue.path.join('.')}`, message: issue.message }));
}

function logLevelsOf(raw: string, allowed: readonly string[]): LogLevel[] {
  const levels = raw
    .split(',')
    .map((level) => level.trim())
    .filter(Boolean);
  const unknownLevels = levels.filter((level) => !allowed.includes(level));
  if (unknownLevels.length > 0) {
    throw new ConfigError(`invalid Evolution twin environment: env.LOG_LEVEL: unknown level(s) ${unknownLevels.join(', ')}`, [
      { path: 'env.LOG_LEVEL', message: 'unknown log level', value: unknownLevels, allowed },
    ]);
  }
  return levels as LogLevel[];
}

export function parseEvolutionConfig(env: Record<string, string | undefined>, portOverride?: number): EvolutionConfig {
  const version = versionSchema.safeParse(withoutBlanks({ TWIN_VERSION: env.TWIN_VERSION }));
  if (!version.success) throw configError(zodIssues(version.error));
  const profile = evolutionProfile(version.data.TWIN_VERSION);
  return profile.generation === '1.7' ? parseConfig17(env, portOverride) : parseConfig2(env, profile, portOverride);
}

/**
 * 2.x: the image bakes `.env.example` in as `/evolution/.env` and dotenv fills every variable the container does
 * not set (an empty string counts as set), so unset means the profile's image value (evolution-api-2.x.md §0.3, §1.1).
 */
function parseConfig2(env: Record<string, string | undefined>, profile: EvolutionProfile, portOverride: number | undefined): EvolutionConfig {
  const merged: Record<string, string> = { ...profile.imageEnv };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) merged[key] = value;
  const parsed = envSchema2.safeParse(merged);
  if (!parsed.success) throw configError(zodIssues(parsed.error));
  const e = parsed.data;
  const raw = (name: string): string | undefined => merged[name];
  const qrLimit = Number.parseInt(e.QRCODE_LIMIT ?? '', 10);
  const language = (LANGUAGES as readonly string[]).includes(e.LANGUAGE ?? '') ? (e.LANGUAGE as BotLanguage) : 'en';
  const importUri = raw('CHATWOOT_IMPORT_DATABASE_CONNECTION_URI') ?? '';
  const redisUri = raw('CACHE_REDIS_URI') ?? '';
  return {
    version: e.TWIN_VERSION,
    generation: profile.generation,
    profile,
    port: portOverride ?? e.SERVER_PORT ?? 8080,
    serverUrl: e.SERVER_URL ?? '',
    authType: 'apikey',
    // env.config.ts@2.3.6:869: `AUTHENTICATION_API_KEY || 'BQYHJGJHJ'`.
    apiKey: e.AUTHENTICATION_API_KEY || 'BQYHJGJHJ',
    exposeInFetchInstances: e.AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES === 'true',
    language,
    qrcodeLimit: Number.isNaN(qrLimit) ? 30 : qrLimit,
    qrcodeColor: e.QRCODE_COLOR || '#198754',
    logLevels: logLevelsOf(e.LOG_LEVEL || LOG_LEVELS_2.join(','), LOG_LEVELS_2),
    logColor: e.LOG_COLOR === 'true',
    // Not inverted any more in 2.x (§1.2).
    chatwootMessageDelete: e.CHATWOOT_MESSAGE_DELETE === 'true',
    chatwootMessageRead: e.CHATWOOT_MESSAGE_READ === 'true',
    storeDir: e.TWIN_STORE_DIR,
    qrRefreshMs: e.TWIN_QR_REFRESH_MS,
    bodyLimitBytes: e.TWIN_BODY_LIMIT_BYTES,
    gen2: {
      deletionDelay:
        e.TWIN_DELETION_DELAY_MS !== undefined ? { fixedMs: e.TWIN_DELETION_DELAY_MS } : { rangeMs: profile.deletionWindowMs?.goneAfterMs ?? [0, 0] },
      chatwootEnabled: raw('CHATWOOT_ENABLED') === 'true',
      botContact: !raw('CHATWOOT_BOT_CONTACT') || raw('CHATWOOT_BOT_CONTACT') === 'true',
      importDatabaseUri: importUri,
      importDatabaseAvailable: importUri !== '' && importUri !== IMPORT_DATABASE_PLACEHOLDER,
      // The raw variable up to 2.3.0 (index.router.ts@2.2.3:67); 2.3.6 defaults an empty one to 'evolution', a corner not played.
      clientName: raw('DATABASE_CONNECTION_CLIENT_NAME'),
      database: {
        provider: raw('DATABASE_PROVIDER') || undefined,
        uri: raw('DATABASE_CONNECTION_URI') || undefined,
        saveNewMessage: raw('DATABASE_SAVE_DATA_NEW_MESSAGE') === 'true',
      },
      cache: { redis: raw('CACHE_REDIS_ENABLED') === 'true' && redisUri !== '', redisUri, local: raw('CACHE_LOCAL_ENABLED') === 'true' },
      s3: {
        enabled: raw('S3_ENABLED') === 'true',
        accessKey: raw('S3_ACCESS_KEY'),
        secretKey: raw('S3_SECRET_KEY'),
        bucket: raw('S3_BUCKET'),
        port: Number.parseInt(raw('S3_PORT') || '9000', 10),
        endpoint: raw('S3_ENDPOINT'),
        useSsl: raw('S3_USE_SSL') === 'true',
        region: raw('S3_REGION'),
        skipPolicy: raw('S3_SKIP_POLICY') === 'true',
      },
    },
  };
}

function parseConfig17(env: Record<string, string | undefined>, portOverride: number | undefined): EvolutionConfig {
  const parsed = envSchema.safeParse(withoutBlanks(env));
  if (!parsed.success) throw configError(zodIssues(parsed.error));
  const e = parsed.data;
  const profile = evolutionProfile(e.TWIN_VERSION);
  const levels = logLevelsOf(e.LOG_LEVEL, LOG_LEVELS);
  return {
    version: e.TWIN_VERSION,
    generation: profile.generation,
    profile,
    port: portOverride ?? e.SERVER_PORT ?? 8080,
    serverUrl: e.SERVER_URL,
    authType: 'apikey',
    apiKey: e.AUTHENTICATION_API_KEY,
    exposeInFetchInstances: e.AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES === 'true',
    language: e.LANGUAGE,
    qrcodeLimit: e.QRCODE_LIMIT,
    qrcodeColor: e.QRCODE_COLOR,
    logLevels: levels,
    logColor: e.LOG_COLOR === 'true',
    chatwootMessageDelete: e.CHATWOOT_MESSAGE_DELETE === 'false',
    chatwootMessageRead: e.CHATWOOT_MESSAGE_READ === 'false',
    storeDir: e.TWIN_STORE_DIR,
    qrRefreshMs: e.TWIN_QR_REFRESH_MS,
    bodyLimitBytes: e.TWIN_BODY_LIMIT_BYTES,
    gen2: undefined,
  };
}
