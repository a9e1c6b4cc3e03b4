import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../src/errors/index.ts';
import { callSequenceFixtureSchema, type CallSequenceFixture, type ExpectedCall } from '../../src/model/call-sequence.ts';

/**
 * The calls an Evolution version makes to Chatwoot, recorded per flow by the Evolution-twin side as
 * consumer expectations (Pact-style): `fixtures/call-sequences/<version>/<flow>.json`. The filter
 * contract replays their request shapes, so what is checked follows the recordings, not code branches here.
 */
export type RecordedCall = ExpectedCall;
export type CallSequence = CallSequenceFixture;

export function loadCallSequence(evolutionVersion: string, flow: string): CallSequence {
  const file = fileURLToPath(new URL(`../../fixtures/call-sequences/${evolutionVersion}/${flow}.json`, import.meta.url));
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`no consumer expectation ${evolutionVersion}/${flow}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = callSequenceFixtureSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`consumer expectation ${evolutionVersion}/${flow} does not parse: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

interface FilterCondition {
  attribute_key: string;
  values: unknown[];
  [key: string]: unknown;
}

function conditions(json: unknown): FilterCondition[] {
  const payload = (json as { payload?: unknown })?.payload;
  return Array.isArray(payload) ? (payload as FilterCondition[]) : [];
}

/** The ids a recorded call refers to, read through Chatwoot's own vocabulary (filter keys, REST paths). */
export function referencedIds(call: RecordedCall): { inboxId?: string; contactId?: string } {
  const ids: { inboxId?: string; contactId?: string } = {};
  for (const condition of conditions(call.json)) {
    if (condition.attribute_key === 'inbox_id') ids.inboxId = String(condition.values[0]);
    if (condition.attribute_key === 'contact_id') ids.contactId = String(condition.values[0]);
  }
  const pathContact = /\/contacts\/(\d+)\//.exec(call.path)?.[1];
  if (pathContact) ids.contactId = pathContact;
  return ids;
}

/**
 * The same call aimed at another account and other records: the account in the path, and the
 * recorded inbox/contact ids wherever they appear (path segments, filter values), are replaced.
 */
export function retarget(call: RecordedCall, target: { accountId: number; inboxId?: number; contactId?: number }): RecordedCall {
  const recorded = referencedIds(call);
  const swap = (value: string): string => {
    if (recorded.inboxId !== undefined && value === recorded.inboxId && target.inboxId !== undefined) return String(target.inboxId);
    if (recorded.contactId !== undefined && value === recorded.contactId && target.contactId !== undefined) return String(target.contactId);
    return value;
  };
  let path = call.path.replace(/^\/api\/v1\/accounts\/\d+/, `/api/v1/accounts/${target.accountId}`);
  path = path.replace(/\/contacts\/(\d+)\//, (_whole, id: string) => `/contacts/${swap(id)}/`);
  const json =
    call.json === undefined
      ? undefined
      : {
          ...(call.json as object),
          payload: conditions(call.json).map((condition) =>
            ['inbox_id', 'contact_id'].includes(condition.attribute_key) ? { ...condition, values: condition.values.map((v) => swap(String(v))) } : condition,
          ),
        };
  return { ...call, path, ...(json === undefined ? {} : { json }) };
}

/** In a bot-message flow: the call after `GET …/inboxes` is how this version finds the bot conversation (§3b B3). */
export function botConversationLookup(sequence: CallSequence): RecordedCall {
  const inboxes = sequence.calls.findIndex((call) => call.method === 'GET' && /\/inboxes\/?$/.test(call.path));
  const lookup = inboxes >= 0 ? sequence.calls[inboxes + 1] : undefined;
  if (!lookup) throw new ConfigError(`${sequence.version}/${sequence.flow}: no call after GET inboxes to take as the bot conversation lookup`);
  return lookup;
}

export function contactFilterCalls(sequence: CallSequence): RecordedCall[] {
  return sequence.calls.filter((call) => call.method === 'POST' && /\/contacts\/filter$/.test(call.path));
}
