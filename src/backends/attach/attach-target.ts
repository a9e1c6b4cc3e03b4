import { MAX_CONFIG_FILE_BYTES, readTextFile } from '../../common/read-text-file.ts';
import { z } from 'zod';
import { ConfigError, UsageError } from '../../errors/index.ts';
import { checkJsonText } from '../../matrix/json-syntax.ts';
import { checkYamlText } from '../../matrix/yaml-syntax.ts';
import { toConfigIssues } from '../../matrix/zod-config-issues.ts';

/**
 * A running deployment the harness attaches to (doctor, attach backend): where Chatwoot and
 * Evolution answer and the credentials to read them. Secrets live here and nowhere else; every
 * printer redacts them by value.
 */
export interface AttachTarget {
  /** Base URL without a trailing slash, as this machine reaches it. */
  chatwootUrl: string;
  /** A Chatwoot user access token. Secret. */
  chatwootToken: string;
  accountId: number;
  evolutionUrl: string;
  /** Evolution's global AUTHENTICATION_API_KEY. Secret. */
  evolutionKey: string;
  /** The Evolution instance whose Chatwoot integration is inspected; optional. */
  instance: string | undefined;
}

/** Where each setting can come from, in order of precedence: flags, then env, then the config file. */
export const ATTACH_ENV_VARS = {
  chatwootUrl: 'EVOCHAT_CHATWOOT_URL',
  chatwootToken: 'EVOCHAT_CHATWOOT_TOKEN',
  accountId: 'EVOCHAT_ACCOUNT',
  evolutionUrl: 'EVOCHAT_EVOLUTION_URL',
  evolutionKey: 'EVOCHAT_EVOLUTION_KEY',
  instance: 'EVOCHAT_INSTANCE',
} as const satisfies Record<keyof AttachTarget, string>;

export const ATTACH_FLAGS = {
  chatwootUrl: '--chatwoot-url',
  chatwootToken: '--chatwoot-token',
  accountId: '--account',
  evolutionUrl: '--evolution-url',
  evolutionKey: '--evolution-key',
  instance: '--instance',
} as const satisfies Record<keyof AttachTarget, string>;

const httpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'expected an http(s) URL such as https://chat.example.com')
  .transform((value) => value.replace(/\/+$/, ''));

const nonEmptySecret = z.string().trim().min(1, 'must not be empty');

/** The config file (`--config`): the same settings, JSON or YAML, keys as in AttachTarget. */
export const AttachConfigFile = z
  .strictObject({
    chatwootUrl: z.string().optional(),
    chatwootToken: z.string().optional(),
    accountId: z.union([z.number(), z.string()]).optional(),
    evolutionUrl: z.string().optional(),
    evolutionKey: z.string().optional(),
    instance: z.string().optional(),
  })
  .meta({ title: 'evochat-matrix doctor target', description: 'Where the deployment answers and how to authenticate (secrets: keep the file private).' });

const AttachTargetSchema = z.object({
  chatwootUrl: httpUrl,
  chatwootToken: nonEmptySecret,
  accountId: z.coerce
    .number({ error: 'expected a positive integer account id' })
    .int('expected a positive integer account id')
    .positive('expected a positive integer account id'),
  evolutionUrl: httpUrl,
  evolutionKey: nonEmptySecret,
  instance: z.string().trim().min(1, 'must not be empty').optional(),
});

/** The settings as given on the command line (`doctor`'s flags, camelCased: `--account` is `account`). */
export interface AttachFlags {
  chatwootUrl?: string | undefined;
  chatwootToken?: string | undefined;
  account?: string | number | undefined;
  evolutionUrl?: string | undefined;
  evolutionKey?: string | undefined;
  instance?: string | undefined;
}

export interface AttachTargetSources {
  flags: AttachFlags;
  env: Record<string, string | undefined>;
  /** Parsed config file contents, if one was given. */
  file?: z.infer<typeof AttachConfigFile>;
  fileName?: string;
}

const FLAG_KEYS: Record<keyof AttachTarget, keyof AttachFlags> = {
  chatwootUrl: 'chatwootUrl',
  chatwootToken: 'chatwootToken',
  accountId: 'account',
  evolutionUrl: 'evolutionUrl',
  evolutionKey: 'evolutionKey',
  instance: 'instance',
};

function firstGiven(...values: (string | number | undefined)[]): string | undefined {
  for (const value of values) {
    if (value === undefined || value === '') continue;
    return String(value);
  }
  return undefined;
}

/**
 * Merges flags > env > file and validates. Missing or malformed settings are a usage error (exit 2)
 * naming the flag, the env var and the file key, never echoing a secret value.
 */
export function resolveAttachTarget(sources: AttachTargetSources): AttachTarget {
  const keys = Object.keys(ATTACH_ENV_VARS) as (keyof AttachTarget)[];
  const merged: Record<string, unknown> = {};
  for (const key of keys) {
    merged[key] = firstGiven(sources.flags[FLAG_KEYS[key]], sources.env[ATTACH_ENV_VARS[key]], sources.file?.[key]);
  }
  const parsed = AttachTargetSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]) as keyof AttachTarget;
      const where = `${ATTACH_FLAGS[key]} / ${ATTACH_ENV_VARS[key]}${sources.fileName ? ` / ${key} in ${sources.fileName}` : ''}`;
      const missing = merged[key] === undefined;
      const secret = key === 'chatwootToken' || key === 'evolutionKey';
      return {
        path: key,
        message: missing ? `missing: give ${where}` : `${issue.message} (from ${where})`,
        ...(missing || secret ? {} : { value: merged[key] }),
      };
    });
    throw new UsageError(`doctor needs ${problems.map((p) => p.path).join(', ')}: ${problems.map((p) => p.message).join('; ')}`, {
      details: { issues: problems },
      hint: 'tokens can come from env vars or --config <file> so they stay out of shell history',
    });
  }
  return { ...parsed.data, instance: parsed.data.instance };
}

/**
 * Reads a `--config` file against a schema (JSON or YAML by content: JSON is valid YAML, but JSON errors are clearer). Problems
 * name their dotted path, never a value: a config file is where secrets live.
 */
export async function loadSecretsFile<S extends z.ZodType>(file: string, schema: S): Promise<z.output<S>> {
  const read = await readTextFile(file, MAX_CONFIG_FILE_BYTES);
  if (!read.ok) throw new ConfigError(`cannot read config file ${file}: ${read.reason}`, [], { details: { file } });
  const text = read.text;
  const checked = /^\s*[{[]/.test(text) ? checkJsonText(text) : checkYamlText(text);
  if (!checked.ok) throw new ConfigError(`${file}: ${checked.reason}`, [], { details: { file } });
  const raw = checked.value;
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issues = toConfigIssues(parsed.error.issues, raw, schema).map(({ value: _value, ...issue }) => issue);
    throw new ConfigError(`${file} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'})`, issues, { details: { file } });
  }
  return parsed.data;
}

/** Reads doctor's `--config` file. */
export function loadAttachConfigFile(file: string): Promise<z.infer<typeof AttachConfigFile>> {
  return loadSecretsFile(file, AttachConfigFile);
}

/** The values the redactor must hide wherever they appear. */
export function attachSecrets(target: AttachTarget): string[] {
  return [target.chatwootToken, target.evolutionKey];
}
