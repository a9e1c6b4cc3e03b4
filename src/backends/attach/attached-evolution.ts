import { randomBytes } from 'node:crypto';
import type { Redactor } from '../../common/redact.ts';
import { ErrorCodes, ExitCodes, HarnessError, InfrastructureError, UsageError } from '../../errors/index.ts';
import { EVOLUTION_VERSIONS, type EvolutionVersion } from '../../model/axes.ts';
import { EVOLUTION_KEY_ENV } from './attach-credentials.ts';
import { checkAttachUrl, getText, tlsVerifyError, transportReason } from './attached-chatwoot.ts';

/** A running Evolution the cells use (`--evolution-url`), checked: it answers `GET /` as Evolution, its version has a profile, its global key passes. */
export interface AttachedEvolution {
  /** Base URL without a trailing slash (an origin: no path prefix). */
  url: string;
  /** The global AUTHENTICATION_API_KEY. Secret. */
  apiKey: string;
  /** What `GET /` said. */
  reportedVersion: string;
  version: EvolutionVersion;
}

export function attachedEvolutionLabel(evolution: Pick<AttachedEvolution, 'reportedVersion' | 'url'>): string {
  return `attached: Evolution ${evolution.reportedVersion} at ${evolution.url}`;
}

/** Why a whatsappPeer scenario skips on an attached Evolution (issue 20). */
export const ATTACHED_EVOLUTION_PEER_REASON = 'needs the simulated WhatsApp peer; an attached Evolution talks to real WhatsApp';

function isEvolutionVersion(value: string): value is EvolutionVersion {
  return (EVOLUTION_VERSIONS as readonly string[]).includes(value);
}

/**
 * Checks an attached Evolution before anything is created on it. `GET /` needs no key on every version and names the
 * version (evolution-api-1.7.md §2.1: `{status, message: "Welcome to the Evolution API…", version}`; 2.x adds `clientName`, 2.3
 * `whatsappWebVersion`, computed per call: bounded by the timeout, evolution-api-2.x.md §M.2). The key is checked on
 * `GET /instance/fetchInstances?instanceName=<a name no one has>`: the guard answers 401 to a wrong key (a missing one is
 * 403 on 1.7, 401 on 2.x, §2.2), and with the global key the lookup of that one name answers 404, reading no instance.
 */
export async function connectAttachedEvolution(input: {
  evolutionUrl: string;
  apiKey: string | undefined;
  keySource: string;
  redactor: Redactor;
  timeoutMs?: number;
}): Promise<AttachedEvolution> {
  const url = checkAttachUrl(input.evolutionUrl, '--evolution-url', `the global key goes in ${EVOLUTION_KEY_ENV} or evolutionKey in --config FILE`);
  if (new URL(url).pathname !== '/') throw new UsageError(`--evolution-url ${url}: give the origin Evolution answers at (no path prefix)`);
  const apiKey = input.apiKey?.trim();
  if (!apiKey) throw new UsageError(`--evolution-url needs the attached Evolution's global AUTHENTICATION_API_KEY in ${input.keySource}`);
  input.redactor.add(apiKey);
  const timeoutMs = input.timeoutMs ?? 10_000;

  let root: { status: number; text: string };
  try {
    root = await getText(`${url}/`, {}, timeoutMs);
  } catch (error) {
    const tls = tlsVerifyError(error, url, 'the attached Evolution');
    if (tls) throw tls;
    throw new InfrastructureError(ErrorCodes.attachUnreachable, `the attached Evolution at ${url} did not answer GET /: ${transportReason(error, timeoutMs)}`, {
      hint: 'check the URL and that this machine reaches it (curl <url>/)',
    });
  }
  let reported: unknown;
  let message: unknown;
  try {
    ({ version: reported, message } = JSON.parse(root.text) as { version?: unknown; message?: unknown });
  } catch {
    reported = undefined;
  }
  if (root.status !== 200 || typeof reported !== 'string' || typeof message !== 'string' || !/evolution api/i.test(message)) {
    throw new InfrastructureError(
      ErrorCodes.attachUnreachable,
      `${url}/ answered ${root.status} without an Evolution API version: is ${url} an Evolution API (its base URL)?`,
    );
  }
  if (!isEvolutionVersion(reported)) {
    throw new HarnessError(
      ErrorCodes.attachUnknownVersion,
      ExitCodes.usage,
      `the attached Evolution says it is version ${reported.slice(0, 60)}, which matches no profile (known: ${EVOLUTION_VERSIONS.join(', ')})`,
    );
  }

  const nobody = `evochat-keycheck-${randomBytes(6).toString('hex')}`;
  let check: { status: number; text: string };
  try {
    check = await getText(`${url}/instance/fetchInstances?instanceName=${nobody}`, { apikey: apiKey }, timeoutMs);
  } catch (error) {
    throw new InfrastructureError(
      ErrorCodes.attachUnreachable,
      `the attached Evolution at ${url} did not answer the key check: ${transportReason(error, timeoutMs)}`,
    );
  }
  if (check.status === 401 || check.status === 403) {
    throw new HarnessError(
      ErrorCodes.evolutionKeyRefused,
      ExitCodes.usage,
      `the attached Evolution at ${url} refused the key in ${input.keySource} (${check.status} ${input.redactor.text(check.text).slice(0, 80)})`,
      { hint: "it must be the server's global AUTHENTICATION_API_KEY (an instance's own key is not enough to create instances)" },
    );
  }
  // Past the guard any answer means the key passed; the sheets name 404 for an unknown name but not every status (§2.4).
  if (check.status >= 500) {
    throw new InfrastructureError(ErrorCodes.attachUnreachable, `the attached Evolution at ${url} answered the key check with ${check.status}`);
  }
  return { url, apiKey, reportedVersion: reported, version: reported };
}
