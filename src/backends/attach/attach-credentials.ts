import { z } from 'zod';
import type { Redactor } from '../../common/redact.ts';
import { loadSecretsFile } from './attach-target.ts';

/** Where the PlatformApp token of an attached Chatwoot comes from: never a flag (shell history, `ps`). */
export const PLATFORM_TOKEN_ENV = 'EVOCHAT_CHATWOOT_PLATFORM_TOKEN';
/** The global AUTHENTICATION_API_KEY of an attached Evolution (`--evolution-url`); the same variable doctor reads. */
export const EVOLUTION_KEY_ENV = 'EVOCHAT_EVOLUTION_KEY';

const secret = z.string().trim().min(1, 'must not be empty');

/** `--config FILE` of run / repro / can-i-upgrade / clean --attached: the credentials of the attached servers, nothing else. */
export const AttachCredentialsFile = z
  .strictObject({
    platformToken: secret.optional().meta({ description: `The attached Chatwoot's PlatformApp access token (as ${PLATFORM_TOKEN_ENV})` }),
    evolutionKey: secret.optional().meta({ description: `The attached Evolution's global AUTHENTICATION_API_KEY (as ${EVOLUTION_KEY_ENV})` }),
  })
  .meta({ title: 'evochat-matrix attach credentials', description: 'Secrets of the servers --chatwoot-url / --evolution-url name: keep the file private.' });

export interface AttachCredentials {
  platformToken: string | undefined;
  evolutionKey: string | undefined;
  /** Where each value was read (or would be looked for), for messages: `EVOCHAT_CHATWOOT_PLATFORM_TOKEN`, `platformToken in creds.json`. */
  sources: { platformToken: string; evolutionKey: string };
}

/**
 * The credentials of an attach run: the env first, then the `--config` file (JSON or YAML, checked). Every value found is
 * handed to the redactor at once, so no artifact, log or error prints it.
 */
export async function resolveAttachCredentials(input: {
  env: Readonly<Record<string, string | undefined>>;
  configFile?: string | undefined;
  redactor: Redactor;
}): Promise<AttachCredentials> {
  const file = input.configFile === undefined ? undefined : await loadSecretsFile(input.configFile, AttachCredentialsFile);
  const fromEnv = (name: string) => {
    const value = input.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const pick = (envName: string, key: 'platformToken' | 'evolutionKey') => {
    const env = fromEnv(envName);
    if (env !== undefined) return { value: env, source: envName };
    if (file?.[key] !== undefined) return { value: file[key], source: `${key} in ${input.configFile}` };
    return { value: undefined, source: `${envName} or ${key} in --config FILE` };
  };
  const token = pick(PLATFORM_TOKEN_ENV, 'platformToken');
  const key = pick(EVOLUTION_KEY_ENV, 'evolutionKey');
  const credentials: AttachCredentials = {
    platformToken: token.value,
    evolutionKey: key.value,
    sources: { platformToken: token.source, evolutionKey: key.source },
  };
  input.redactor.add(credentials.platformToken);
  input.redactor.add(credentials.evolutionKey);
  return credentials;
}
