import type { CellClassifier, ClassifiableRequest } from './evidence-types.ts';

export interface CellAttribution {
  /** Chatwoot account id → cells using that account (a shared pt_BR account maps to several). */
  accounts: ReadonlyMap<number, readonly string[]>;
  /** Instance name prefix → cell (CellStack.instancePrefix). */
  instancePrefixes: ReadonlyMap<string, string>;
  /** Cells to attribute an exchange to when nothing in it names one (e.g. every cell of a shared object store). */
  fallback?: readonly string[];
}

const ACCOUNT_PATH = /\/api\/v1\/accounts\/(\d+)(?:[/?]|$)/;
/** Evolution routes ending in `/:instanceName`, and Chatwoot's webhook to `/chatwoot/webhook/:instance` (with `//` tolerated). */
const INSTANCE_PATH = /^\/+(?:instance|chatwoot|message|chat|group|webhook|settings|typebot|websocket|rabbitmq|sqs|proxy)\/+[A-Za-z]+\/+([^/?#]+)/;

/** The instance name in an Evolution request path, URL-decoded; undefined when the path names none. */
export function instanceNameOf(url: string): string | undefined {
  const match = INSTANCE_PATH.exec(url);
  if (!match?.[1]) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

export function accountIdOf(url: string): number | undefined {
  const match = ACCOUNT_PATH.exec(url);
  return match?.[1] ? Number(match[1]) : undefined;
}

/**
 * Attributes a request to cells: an instance name names exactly one cell (most specific), an
 * account id the cells using that account; otherwise the fallback.
 */
export function createCellClassifier(attribution: CellAttribution): CellClassifier {
  const prefixes = [...attribution.instancePrefixes.entries()].sort((a, b) => b[0].length - a[0].length);
  return (request: ClassifiableRequest) => {
    const instance = instanceNameOf(request.url);
    if (instance !== undefined) {
      const owner = prefixes.find(([prefix]) => instance.startsWith(prefix));
      if (owner) return [owner[1]];
    }
    const account = accountIdOf(request.url);
    if (account !== undefined) {
      const cells = attribution.accounts.get(account);
      if (cells) return cells;
    }
    return attribution.fallback ?? [];
  };
}
