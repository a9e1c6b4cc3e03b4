/**
 * Per-cell Chatwoot accounts on a shared Chatwoot, created over HTTP with the signup API (chatwoot-3.7-3.9.md
 * §6 D) exactly as on every backend: one `en` account per cell, plus one `pt_BR` account shared by the cells of a
 * standard Chatwoot (for the locale-dependent 422s). Backend-neutral: the docker backend uses it; the sim
 * backend does the same in its bootstrapChatwoot and can switch to this.
 */
import { randomBytes } from 'node:crypto';
import type { Redactor } from '../../common/redact.ts';
import { signupChatwootAccount } from '../../clients/chatwoot-client.ts';
import { signupFailure } from './signup-failure.ts';
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
}

export interface CellAccounts {
  /** Cell id → its own `en` account. */
  accounts: Map<string, ChatwootEndpoint>;
  ptBr: ChatwootEndpoint | undefined;
}

function slug(text: string): string {
  return text
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

export async function signupCellAccounts(input: CellAccountsInput): Promise<CellAccounts> {
  const signup = async (label: string, locale: 'en' | 'pt_BR'): Promise<ChatwootEndpoint> => {
    // Chatwoot's password rule: upper, lower, digit and special character (§6).
    const password = `Evo#${randomBytes(6).toString('hex')}a1`;
    input.redactor.add(password);
    const tag = slug(`${input.runId}-${input.serviceId}-${label}`);
    try {
      const session = await signupChatwootAccount(
        input.url,
        { accountName: `evochat ${label}`, email: `${tag}@evochat.test`, password, userName: `evochat ${label}`, locale },
        input.redactor,
      );
      return { url: input.url, urlFromEvolution: input.urlFromEvolution, accountId: session.accountId, token: session.token, locale };
    } catch (error) {
      throw signupFailure(error, { serviceId: input.serviceId, locale, redactor: input.redactor });
    }
  };
  const accounts = new Map<string, ChatwootEndpoint>();
  for (const cellId of input.cells) accounts.set(cellId, await signup(cellId, 'en'));
  const ptBr = input.withPtBr ? await signup('pt-br', 'pt_BR') : undefined;
  return { accounts, ptBr };
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
