import { lookup } from 'node:dns/promises';
import { createRedactor, type Redactor } from '../../common/redact.ts';
import { ChatwootPlatformClient } from '../../clients/chatwoot-platform-client.ts';
import { ErrorCodes, InfrastructureError } from '../../errors/index.ts';
import { AttachLedger, type LedgerKind, type RemovalReport } from './attach-ledger.ts';
import type { AttachedChatwoot } from './attached-chatwoot.ts';
import type { AttachedEvolution } from './attached-evolution.ts';

/**
 * One run's hold on an attached Chatwoot: the checked server, the ledger of what the run created on it, and the
 * clean-up. The command that attaches owns it and awaits cleanup() whatever happens (normal end, failure, Ctrl-C),
 * so the deletions never depend on the backend's own shutdown having been reached.
 */
export class AttachSession {
  private ledger: AttachLedger | undefined;
  private cleaning: Promise<RemovalReport | undefined> | undefined;
  readonly platform: ChatwootPlatformClient;

  constructor(
    readonly chatwoot: AttachedChatwoot,
    readonly redactor: Redactor = createRedactor(),
    /** `--evolution-url`: the running Evolution the cells use instead of twins; its instances are ledgered too. */
    readonly evolution?: AttachedEvolution,
  ) {
    redactor.add(chatwoot.platformToken);
    redactor.add(evolution?.apiKey);
    this.platform = new ChatwootPlatformClient({ baseUrl: chatwoot.url, token: chatwoot.platformToken, redactor });
  }

  /** Starts the ledger in the run's artifacts folder (before the first create). */
  startLedger(dir: string, runId: string): void {
    this.ledger ??= AttachLedger.start(dir, {
      url: this.chatwoot.url,
      runId,
      platform: this.platform,
      evolution: this.evolution ? { url: this.evolution.url, apiKey: this.evolution.apiKey } : undefined,
    });
  }

  get ledgerFile(): string | undefined {
    return this.ledger?.file;
  }

  record(kind: Exclude<LedgerKind, 'instance'>, id: number, label: string): void {
    if (!this.ledger) throw new InfrastructureError(ErrorCodes.internal, 'the attach ledger was not started before the first create');
    this.ledger.record(kind, id, label);
  }

  /** An instance the run created on the attached Evolution (by name). */
  recordInstance(name: string): void {
    if (!this.ledger) throw new InfrastructureError(ErrorCodes.internal, 'the attach ledger was not started before the first create');
    this.ledger.recordInstance(name);
  }

  pending(): number {
    return this.ledger?.pending().length ?? 0;
  }

  /** Deletes everything the run created; later creates are deleted as they are recorded. Idempotent. */
  cleanup(): Promise<RemovalReport | undefined> {
    this.cleaning ??= this.ledger ? this.ledger.removeAll() : Promise.resolve(undefined);
    return this.cleaning;
  }

  /** Deletes what was created since the last cleanup (the preflight's own account). */
  async removeNow(): Promise<RemovalReport | undefined> {
    return this.ledger?.removeAll({ close: false });
  }
}

/**
 * Where the proxies the attached Chatwoot calls back listen: on the address `--advertise-host` names (an address of this
 * machine, so never a wildcard), else loopback.
 */
export async function bindAddressFor(advertiseHost: string | undefined): Promise<string> {
  if (advertiseHost === undefined) return '127.0.0.1';
  const bare = advertiseHost.replace(/^\[|\]$/g, '');
  try {
    return (await lookup(bare)).address;
  } catch (error) {
    throw new InfrastructureError(
      ErrorCodes.attachPreflight,
      `--advertise-host ${advertiseHost}: this machine cannot resolve it (${(error as { code?: string }).code ?? 'lookup failed'})`,
      {
        hint: 'give an address of this machine that the attached Chatwoot reaches (its LAN or VPN address)',
      },
    );
  }
}
