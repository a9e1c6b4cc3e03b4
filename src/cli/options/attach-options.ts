import { z } from 'zod';
import { pathOption } from './option-fields.ts';

/**
 * The attach flags every running command shares (run, repro, can-i-upgrade): a running Chatwoot takes the Chatwoot axis,
 * optionally a running Evolution the Evolution axis; their secrets only in the env or the `--config` file.
 */
export const attachOptionFields = {
  chatwootUrl: z.string().optional(),
  asVersion: z.string().optional(),
  advertiseHost: z.string().optional(),
  evolutionUrl: z.string().optional(),
  /** A JSON or YAML file with `platformToken` / `evolutionKey` (attach-credentials.ts). */
  config: pathOption,
};

export interface AttachOptions {
  chatwootUrl?: string | undefined;
  asVersion?: string | undefined;
  advertiseHost?: string | undefined;
  evolutionUrl?: string | undefined;
  config?: string | undefined;
}

export function attachOptionsOf(options: AttachOptions): AttachOptions {
  const { chatwootUrl, asVersion, advertiseHost, evolutionUrl, config } = options;
  return { chatwootUrl, asVersion, advertiseHost, evolutionUrl, config };
}

/** Flags that would put a credential of an attached server on the command line; each names where it goes instead. */
export const REFUSED_CREDENTIAL_FLAGS: Readonly<Record<string, string>> = {
  '--platform-token': 'EVOCHAT_CHATWOOT_PLATFORM_TOKEN or platformToken in --config FILE',
  '--chatwoot-platform-token': 'EVOCHAT_CHATWOOT_PLATFORM_TOKEN or platformToken in --config FILE',
  '--chatwoot-token': 'EVOCHAT_CHATWOOT_PLATFORM_TOKEN or platformToken in --config FILE',
  '--token': 'EVOCHAT_CHATWOOT_PLATFORM_TOKEN or platformToken in --config FILE',
  '--evolution-key': 'EVOCHAT_EVOLUTION_KEY or evolutionKey in --config FILE',
  '--api-key': 'EVOCHAT_EVOLUTION_KEY or evolutionKey in --config FILE',
};
