/**
 * For the end-to-end redaction test: every credential a sim run used or received, gathered independently of
 * the redactor (from the stack handles, the raw wire and the twins' own state), and a scan of files for them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Backend } from '../../backend.ts';
import { createBackendFromRegistry, type BackendFactory } from '../../../runner/backend-registry.ts';
import type { SimEnvironment } from '../sim-environment.ts';

/** value → what it is (never printed: reports name the kind and the file). */
export type Credentials = Map<string, string>;

/**
 * Field names that carry credentials in what the twins and the harness send (upstream notes: Chatwoot §2, §3.2,
 * §6; Evolution §2.3, §3). Written out here on purpose instead of importing the product's list.
 */
const WIRE_FIELDS = new Set([
  'access_token',
  'api_access_token',
  'pubsub_token',
  'hmac_token',
  'inbox_identifier',
  'password',
  'password_confirmation',
  'token',
  'chatwoot_token',
  'apikey',
  'secret',
]);
const WIRE_HEADERS = new Set(['api_access_token', 'apikey']);

/** The first place a value was seen names it. */
function collect(found: Credentials, kind: string, value: unknown): void {
  if (typeof value === 'string' && value.length >= 6 && !found.has(value)) found.set(value, kind);
}

function walk(found: Credentials, value: unknown, under?: string): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(found, item, under);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'hash' && item && typeof item === 'object') walk(found, item, 'hash');
      else if (WIRE_FIELDS.has(key)) collect(found, under ? `${under}.${key}` : key, item);
      else walk(found, item, under);
    }
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function getJson(url: string, headers: Record<string, string>): Promise<unknown> {
  const response = await fetch(url, { headers });
  return response.ok ? response.json() : undefined;
}

/** Reads what a sim environment holds, before it stops. */
export async function harvestCredentials(env: SimEnvironment, found: Credentials): Promise<void> {
  for (const stack of env.stacks.values()) {
    collect(found, 'stack chatwoot token', stack.chatwoot.token);
    collect(found, 'stack chatwoot pt_BR token', stack.chatwootPtBr?.token);
    collect(found, 'evolution global apikey', stack.evolution.apiKey);
    collect(found, 's3 access key id', stack.s3?.accessKeyId);
    collect(found, 's3 secret access key', stack.s3?.secretAccessKey);
  }
  collect(found, 's3 access key id', env.s3?.accessKeyId);
  collect(found, 's3 secret access key', env.s3?.secretAccessKey);

  // Everything that crossed a link, unredacted.
  for (const proxy of env.proxies) {
    for (const { exchange } of proxy.recorded()) {
      for (const [name, value] of [...Object.entries(exchange.request.headers), ...Object.entries(exchange.response?.headers ?? {})]) {
        if (WIRE_HEADERS.has(name.toLowerCase().replace(/-/g, '_'))) collect(found, `header ${name}`, value);
      }
      walk(found, parse(exchange.request.body));
      if (exchange.response) walk(found, parse(exchange.response.body));
    }
  }

  // The twins' own state, asked directly (not through the recording proxies).
  for (const runtime of env.chatwoots.values()) {
    if (!runtime.twin) continue;
    for (const account of [...runtime.accounts.values(), ...(runtime.ptBr ? [runtime.ptBr] : [])]) {
      const headers = { api_access_token: account.token };
      walk(found, await getJson(`${runtime.twin.url}/api/v1/profile`, headers));
      walk(found, await getJson(`${runtime.twin.url}/api/v1/accounts/${account.accountId}/inboxes`, headers));
    }
  }
  for (const runtime of env.evolutions.values()) {
    const store = /store (\S+)/.exec(runtime.log.lines().find((line) => line.includes('simulated WhatsApp, store')) ?? '')?.[1];
    if (!store) continue;
    const authDir = join(store, 'store', 'auth', 'apikey');
    for (const file of await readdir(authDir).catch(() => [] as string[])) {
      walk(found, parse(await readFile(join(authDir, file), 'utf8')));
    }
  }
}

/** A backend factory whose sim environments are harvested just before they stop. */
export function harvestingFactory(found: Credentials, base: BackendFactory = createBackendFromRegistry): BackendFactory {
  return async (choice) => {
    const backend: Backend = await base(choice);
    return {
      name: backend.name,
      async start(plan, options) {
        const env = (await backend.start(plan, options)) as SimEnvironment;
        const stop = env.stop.bind(env);
        let harvested: Promise<void> | undefined;
        env.stop = async () => {
          harvested ??= harvestCredentials(env, found);
          await harvested;
          return stop();
        };
        return env;
      },
    };
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

function occurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count += 1;
  return count;
}

export interface SecretHits {
  total: number;
  /** `<file> <kind>` → occurrences. */
  byFileAndKind: Record<string, number>;
}

/** Every occurrence of any credential (as is, JSON-escaped or URL-encoded) in every file under `dir`. */
export async function scanForCredentials(dir: string, credentials: Credentials): Promise<SecretHits> {
  const forms = [...credentials].flatMap(([value, kind]) =>
    [...new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])].map((form) => ({ form, kind })),
  );
  const hits: SecretHits = { total: 0, byFileAndKind: {} };
  for (const file of await filesUnder(dir)) {
    const text = await readFile(file, 'utf8');
    const name = relative(dir, file).replace(/^cells\/[^/]+\//, 'cells/*/');
    for (const { form, kind } of forms) {
      const count = occurrences(text, form);
      if (count === 0) continue;
      hits.total += count;
      const key = `${name} ${kind}`;
      hits.byFileAndKind[key] = (hits.byFileAndKind[key] ?? 0) + count;
    }
  }
  return hits;
}
