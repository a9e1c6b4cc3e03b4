import type { Redactor } from '../common/redact.ts';
import type { AttachTarget } from '../backends/attach/attach-target.ts';
import type { ProbeClient } from '../backends/attach/probe-client.ts';
import type { Storage } from '../model/axes.ts';
import type { SuiteCatalog } from '../model/suite-catalog-types.ts';
import type { KnownResult } from './known-result.ts';
import type { ConsumerExpectations } from './consumer-expectations.ts';
import { DoctorFacts } from './doctor-facts.ts';

export interface DoctorContext {
  target: AttachTarget;
  client: ProbeClient;
  redactor: Redactor;
  allowWrites: boolean;
  /** The most recent matrix result for "the verdict known for this pair". */
  known: KnownResult;
  /** The suites (their kind tells compatibility scenarios from deliberate faults). */
  catalog: SuiteCatalog;
  /** What each Evolution version sends to Chatwoot (fixtures/call-sequences), for the filter contract. */
  consumerExpectations: ConsumerExpectations;
  /** How long the --allow-writes round trip waits for the bot's reply. */
  roundTripTimeoutMs: number;
  now(): number;
  facts: DoctorFacts;
  /** Set by the storage check when the data_url redirect shows the ActiveStorage service. */
  detectedStorage: Storage | undefined;
}

export interface DoctorContextOptions {
  target: AttachTarget;
  client: ProbeClient;
  redactor: Redactor;
  known: KnownResult;
  catalog: SuiteCatalog;
  consumerExpectations: ConsumerExpectations;
  roundTripTimeoutMs?: number;
  now?: () => number;
}

export function createDoctorContext(options: DoctorContextOptions): DoctorContext {
  const now = options.now ?? Date.now;
  return {
    target: options.target,
    client: options.client,
    redactor: options.redactor,
    allowWrites: options.client.allowWrites,
    known: options.known,
    catalog: options.catalog,
    consumerExpectations: options.consumerExpectations,
    roundTripTimeoutMs: options.roundTripTimeoutMs ?? 20_000,
    now,
    facts: new DoctorFacts(options.target, options.client, options.redactor),
    detectedStorage: undefined,
  };
}
