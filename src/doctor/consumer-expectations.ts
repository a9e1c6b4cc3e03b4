import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callSequenceFixtureSchema } from '../model/call-sequence.ts';

/**
 * What an Evolution version sends to Chatwoot, from the recorded consumer expectations in
 * fixtures/call-sequences/<version>/ (Pact-style: the requests the consumer makes), so "does this
 * Evolution send contact_id" is answered from data, not from a version switch in code.
 */
export interface ConsumerRequest {
  method: string;
  /** Path as recorded (may contain placeholders such as {account_id}). */
  path: string;
  body: unknown;
  /** Fixture file it came from, relative to the fixtures directory. */
  source: string;
}

export interface ConsumerExpectations {
  /** Every request recorded for this Evolution version; undefined when there is no fixture for it. */
  requestsOf(version: string): Promise<ConsumerRequest[] | undefined>;
  /** Where the fixtures are read from (for messages). */
  readonly dir: string;
}

export const DEFAULT_CALL_SEQUENCES_DIR = fileURLToPath(new URL('../../fixtures/call-sequences/', import.meta.url));

async function filesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(full)));
    else if (entry.name.endsWith('.json')) files.push(full);
  }
  return files.sort();
}

export function loadConsumerExpectations(dir: string = DEFAULT_CALL_SEQUENCES_DIR): ConsumerExpectations {
  const cache = new Map<string, Promise<ConsumerRequest[] | undefined>>();
  const read = async (version: string): Promise<ConsumerRequest[] | undefined> => {
    const versionDir = join(dir, version);
    const files = await filesUnder(versionDir);
    if (files.length === 0) return undefined;
    const requests: ConsumerRequest[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      let fixture;
      try {
        fixture = callSequenceFixtureSchema.parse(JSON.parse(text));
      } catch {
        continue;
      }
      const source = file.slice(dir.length).replace(/^[/\\]/, '');
      for (const call of fixture.calls) requests.push({ method: call.method, path: call.path, body: call.json, source });
    }
    return requests;
  };
  return {
    dir,
    requestsOf(version) {
      let pending = cache.get(version);
      if (!pending) {
        pending = read(version);
        cache.set(version, pending);
      }
      return pending;
    },
  };
}

/** The recorded request that filters conversations by contact_id, if this consumer sends one. */
export function contactIdFilterRequest(requests: readonly ConsumerRequest[]): ConsumerRequest | undefined {
  return requests.find(
    (request) =>
      request.method === 'POST' && /\/conversations\/filter\/?(\?|$)/.test(request.path) && JSON.stringify(request.body ?? '').includes('"contact_id"'),
  );
}
