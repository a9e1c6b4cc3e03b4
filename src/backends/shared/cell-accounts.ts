/**
 * Per-cell Chatwoot accounts on a shared Chatwoot, provisioned over the Platform API exactly as on every backend and
 * version (chatwoot-3.7-3.9.md §6 B; chatwoot-3.10-4.x.md §M: signup is off from 4.3.0 whatever the env says, and
 * sessionless from 4.13.0): one `en` account per cell, plus one `pt_BR` account shared by the cells of a standard
 * Chatwoot (for the locale-dependent 422s). Each gets its own confirmed administrator, whose token the cell uses;
 * the accounts are deleted when the run ends. The PlatformApp token is created once per Chatwoot by the backend.
 */
import { randomBytes } from 'node:crypto';
import type { Redactor } from '../../common/redact.ts';
import { ChatwootPlatformClient } from '../../clients/chatwoot-platform-client.ts';
import { platformFailure } from './platform-failure.ts';
import type { PlannedCell } from '../../matrix/plan-types.ts';
import { instancePrefixFor } from '../../stack/build-cell-stack.ts';
import type { ChatwootEndpoint } from '../../stack/stack.ts';

export interface CellAccountsInput {
  /** Where the harness reaches this Chatwoot. */
  url: string;
  /** What Evolution is told to use (chatwoot_url). */
  urlFromEvolution: string;
  serviceId: string;
  cells: readonly string[];
  /** Standard Chatwoots also get the shared pt_BR account. */
  withPtBr: boolean;
  runId: string;
  redactor: Redactor;
  /** The access token of this Chatwoot's PlatformApp (secret). */
  platformToken: string;
  /** DEFAULT_LOCALE of that Chatwoot, carried into the endpoints. */
  defaultLocale?: string;
  /** Told of every account and user as soon as it exists (the attach backend's ledger). */
  onCreated?: (kind: 'account' | 'user', id: number, label: string) => void;
}

export interface CellAccounts {
  /** Cell id → its own `en` account. */
  accounts: Map<string, ChatwootEndpoint>;
  ptBr: ChatwootEndpoint | undefined;
  /** Deletes every account provisioned here (best effort; what is left is removed with the Chatwoot). */
  remove(): Promise<void>;
}

function slug(text: string): string {
  return text
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

export async function provisionCellAccounts(input: CellAccountsInput): Promise<CellAccounts> {
  const platform = new ChatwootPlatformClient({ baseUrl: input.url, token: input.platformToken, redactor: input.redactor });
  const created: number[] = [];
  const provision = async (label: string, locale: 'en' | 'pt_BR'): Promise<ChatwootEndpoint> => {
    // Chatwoot's password rule: upper, lower, digit and special character (§6).
    const password = `Evo#${randomBytes(6).toString('hex')}a1`;
    input.redactor.add(password);
    const tag = slug(`${input.runId}-${input.serviceId}-${label}`);
    try {
      const account = await platform.createAccount({ name: `evochat ${label}`, locale });
      created.push(account.id);
      input.onCreated?.('account', account.id, `evochat ${label}`);
      const user = await platform.createUser({ name: `evochat ${label}`, email: `${tag}@evochat.test`, password });
      input.onCreated?.('user', user.id, `${tag}@evochat.test`);
      await platform.addAccountUser(account.id, user.id, 'administrator');
      return {
        url: input.url,
        urlFromEvolution: input.urlFromEvolution,
        accountId: account.id,
        token: user.accessToken,
        locale,
        ...(input.defaultLocale ? { defaultLocale: input.defaultLocale } : {}),
      };
    } catch (error) {
      throw platformFailure(error, { serviceId: input.serviceId, what: `the ${locale} account of ${label}`, redactor: input.redactor });
    }
  };
  const accounts = new Map<string, ChatwootEndpoint>();
  for (const cellId of input.cells) accounts.set(cellId, await provision(cellId, 'en'));
  const ptBr = input.withPtBr ? await provision('pt-br', 'pt_BR') : undefined;
  return {
    accounts,
    ptBr,
    remove: async () => {
      await Promise.all(created.map((id) => platform.deleteAccount(id).catch(() => undefined)));
    },
  };
}

/**
 * Account id → cells using it, for ONE Chatwoot: what the evidence classifier of that Chatwoot's proxies
 * attributes `/accounts/<id>/` requests by. Never merge these across Chatwoots: every Chatwoot numbers its
 * accounts from 1, so the same id names different cells on different Chatwoots.
 */
export function accountCells(accounts: CellAccounts): Map<number, string[]> {
  const byAccount = new Map<number, string[]>();
  for (const [cellId, endpoint] of accounts.accounts) byAccount.set(endpoint.accountId, [cellId]);
  if (accounts.ptBr) byAccount.set(accounts.ptBr.accountId, [...accounts.accounts.keys()]);
  return byAccount;
}

/** Per cell, text that marks a log line as that cell's: its instance prefix and the paths of its accounts. */
export function cellLogMarkers(cells: readonly PlannedCell[], all: Iterable<CellAccounts>): Map<string, string[]> {
  const markers = new Map<string, string[]>(cells.map((cell) => [cell.id, [instancePrefixFor(cell)]]));
  for (const { accounts, ptBr } of all) {
    for (const [cellId, endpoint] of accounts) markers.get(cellId)?.push(`/accounts/${endpoint.accountId}/`);
    if (ptBr) for (const cellId of accounts.keys()) markers.get(cellId)?.push(`/accounts/${ptBr.accountId}/`);
  }
  return markers;
}
