import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../../errors/index.ts';
import { UPSTREAM_BODY_LIMIT_BYTES } from './read-limited-body.ts';

/** Profiles the Evolution twin can play (evolution-api-1.7.md §5). */
export const EVOLUTION_VERSIONS = ['1.7.4', '1.7.5'] as const;
export type EvolutionTwinVersion = (typeof EVOLUTION_VERSIONS)[number];

export const LOG_LEVELS = ['ERROR', 'WARN', 'DEBUG', 'INFO', 'LOG', 'VERBOSE', 'DARK', 'WEBHOOKS'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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
}

const positiveInt = (name: string) => z.string().regex(/^\d+$/, `${name} must be a non-negative integer`).transform(Number);

/**
 * Only the upstream variables the twin honours, plus TWIN_ knobs. Every other variable
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

export function parseEvolutionConfig(env: Record<string, string | undefined>, portOverride?: number): EvolutionConfig {
  const parsed = envSchema.safeParse(withoutBlanks(env));
  if (!parsed.success) {
    const issues: ConfigIssue[] = parsed.error.issues.map((issue) => ({
      path: `env.${issue.path.join('.')}`,
      message: issue.message,
    }));
    throw new ConfigError(`invalid Evolution twin environment: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  const e = parsed.data;
  const levels = e.LOG_LEVEL.split(',')
    .map((level) => level.trim())
    .filter(Boolean);
  const unknownLevels = levels.filter((level) => !LOG_LEVELS.includes(level as LogLevel));
  if (unknownLevels.length > 0) {
    throw new ConfigError(`invalid Evolution twin environment: env.LOG_LEVEL: unknown level(s) ${unknownLevels.join(', ')}`, [
      { path: 'env.LOG_LEVEL', message: 'unknown log level', value: unknownLevels, allowed: LOG_LEVELS },
    ]);
  }
  return {
    version: e.TWIN_VERSION,
    port: portOverride ?? e.SERVER_PORT ?? 8080,
    serverUrl: e.SERVER_URL,
    authType: 'apikey',
    apiKey: e.AUTHENTICATION_API_KEY,
    exposeInFetchInstances: e.AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES === 'true',
    language: e.LANGUAGE,
    qrcodeLimit: e.QRCODE_LIMIT,
    qrcodeColor: e.QRCODE_COLOR,
    logLevels: levels as LogLevel[],
    logColor: e.LOG_COLOR === 'true',
    chatwootMessageDelete: e.CHATWOOT_MESSAGE_DELETE === 'false',
    chatwootMessageRead: e.CHATWOOT_MESSAGE_READ === 'false',
    storeDir: e.TWIN_STORE_DIR,
    qrRefreshMs: e.TWIN_QR_REFRESH_MS,
    bodyLimitBytes: e.TWIN_BODY_LIMIT_BYTES,
  };
}
