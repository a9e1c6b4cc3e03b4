import { afterAll, beforeAll, describe, inject, test, type TestContext } from 'vitest';
import { createRedactor, type Redactor } from '../common/redact.ts';
import { waitFor } from '../common/wait-for.ts';
import { ChatwootClient } from '../clients/chatwoot-client.ts';
import { EvolutionClient } from '../clients/evolution-client.ts';
import { EvidenceClient, type LogLine } from '../clients/evidence-client.ts';
import { WhatsappSimClient } from '../clients/whatsapp-sim-client.ts';
import { UsageError } from '../errors/index.ts';
import type { Exchange, ExchangeScenario } from '../model/result-schema.ts';
import type { Capability } from '../model/capabilities.ts';
import type { CellStack, ChatwootEndpoint, EvolutionEndpoint } from '../stack/stack.ts';
import { classifyScenarioError, dropFramesOfBreak, ScenarioBreak } from './classify-scenario-error.ts';
import type { ScenarioOutcome } from '../model/scenario-outcome.ts';
import { SUITE_RUN_KEY, type ScenarioMeta, type SuiteRunInput } from './scenario-meta.ts';
import { suiteInfo } from './suite-catalog.ts';
import { holdForTest } from '../common/test-hold.ts';
import type { SuiteInfo } from '../model/suite-catalog-types.ts';

/** Why a missing capability skips a scenario, worded for the report. */
const CAPABILITY_SKIP_REASON: Record<Capability, string> = {
  whatsappPeer: 'needs whatsappPeer: real Evolution images have no simulated WhatsApp to scan a QR or send messages',
  writes: 'needs writes: the target is read-only (attach without --allow-writes)',
  s3Inspect: 'needs s3Inspect: the object store cannot be inspected here',
  storageLatency: 'needs storageLatency: no latency can be injected in front of the object store here',
  evidence: 'needs evidence: exchanges are not recorded on this backend',
};

export function capabilitySkipReason(capability: Capability): string {
  return CAPABILITY_SKIP_REASON[capability];
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /**
   * Checked after each unsuccessful probe: evidence that the awaited event can no longer happen
   * (e.g. Evolution's lookup got a 422 and upstream never retries) ends the wait early as a break.
   */
  failFast?: () => Promise<{ message: string; decisive?: ScenarioOutcome['decisive'] } | undefined>;
}

/** Everything a scenario may use; built from the CellStack only, so it runs the same on sim, docker and attach. */
export interface ScenarioContext {
  readonly stack: CellStack;
  readonly suite: SuiteInfo;
  readonly scenarioId: string;
  /** Epoch ms when the scenario started: its evidence window begins here. */
  readonly startedAtMs: number;
  readonly redactor: Redactor;
  readonly signal: AbortSignal;
  has(capability: Capability): boolean;
  /** Skips the scenario unless the stack has the capability (reason recorded). */
  require(capability: Capability): void;
  skip(reason: string): never;
  /** Fails the scenario as a product break. */
  fail(message: string, decisive?: ScenarioOutcome['decisive']): never;
  /** Points the report at the exchange or log line that decided the outcome. */
  decisive(decisive: NonNullable<ScenarioOutcome['decisive']>): void;
  /**
   * Ties evidence to this scenario: exchanges and log lines mentioning a marker (e.g. its instance name),
   * or with a listed exchange id. Diagnosis then ignores what scenarios running beside it left in the
   * cell's evidence window. Calls add up.
   */
  scope(scope: { markers?: readonly string[]; exchangeIds?: readonly string[] }): void;
  note(text: string): void;
  /** `<instancePrefix><label>`: instance names never collide between cells sharing an Evolution. */
  instanceName(label: string): string;
  chatwoot(account?: 'en' | 'pt_BR'): ChatwootClient;
  evolution(): EvolutionClient;
  /** Clients for other endpoints of the stack (the fault variants). */
  chatwootFor(endpoint: ChatwootEndpoint): ChatwootClient;
  evolutionFor(endpoint: EvolutionEndpoint): EvolutionClient;
  whatsapp(): WhatsappSimClient;
  /** The cell's recorded exchanges since the scenario started (empty without the evidence capability). */
  exchanges(filter?: { link?: string; since?: number; failed?: boolean; contains?: string }): Promise<Exchange[]>;
  logs(filter?: { service?: string; since?: number; contains?: string }): Promise<LogLine[]>;
  /** Waits for an event with a deadline (never a fixed sleep); a passed deadline is a break unless the service was unreachable. */
  waitFor<T>(description: string, probe: () => Promise<T | undefined | false> | T | undefined | false, options: WaitOptions): Promise<T>;
  /** Per cell and suite: runs `factory` once; later scenarios get the same result (or the same failure). */
  shared<T>(key: string, factory: () => Promise<T>): Promise<T>;
}

export interface CellScenarios {
  readonly stack: CellStack;
  scenario(name: string, body: (s: ScenarioContext) => Promise<void>, options?: { timeoutMs?: number }): void;
}

const FAIL_FAST_INTERVAL_MS = 400;

/**
 * Polls `probe` until it yields a value or the deadline passes (DeadlineError, keeping the last probe
 * error); after each miss, `failFast` may end the wait as a break with the evidence that decided it.
 */
function waitWithFailFast<T>(description: string, probe: () => Promise<T | undefined | false> | T | undefined | false, options: WaitOptions): Promise<T> {
  const { failFast } = options;
  let nextFailFastAt = 0;
  return waitFor(probe, {
    timeoutMs: options.timeoutMs,
    intervalMs: options.intervalMs ?? 200,
    description,
    afterMiss: failFast
      ? async () => {
          // Evidence reads are heavier than the probe: at most every FAIL_FAST_INTERVAL_MS.
          if (Date.now() < nextFailFastAt) return;
          nextFailFastAt = Date.now() + FAIL_FAST_INTERVAL_MS;
          const failure = await failFast().catch(() => undefined);
          if (failure) throw new ScenarioBreak(failure.message, failure.decisive);
        }
      : undefined,
  });
}

function chatwootClientFor(endpoint: ChatwootEndpoint, redactor: Redactor, scenario: ExchangeScenario, keepAlive: boolean): ChatwootClient {
  return new ChatwootClient({ baseUrl: endpoint.url, accountId: endpoint.accountId, token: endpoint.token, redactor, scenario, keepAlive });
}

function secretsOf(stack: CellStack): string[] {
  return [
    stack.chatwoot.token,
    stack.chatwootPtBr?.token,
    stack.evolution.apiKey,
    stack.s3?.accessKeyId,
    stack.s3?.secretAccessKey,
    stack.faults.trailingSlashEvolution?.apiKey,
    stack.faults.unreachableEvolution?.apiKey,
    stack.faults.slowStorage?.chatwoot.token,
    stack.faults.slowStorage?.s3.accessKeyId,
    stack.faults.slowStorage?.s3.secretAccessKey,
  ].filter((secret): secret is string => typeof secret === 'string');
}

function runScenario(
  suite: SuiteInfo,
  stack: CellStack,
  scenarioId: string,
  sharedState: Map<string, Promise<unknown>>,
  body: (s: ScenarioContext) => Promise<void>,
) {
  return async (ctx: TestContext) => {
    const startedAtMs = Date.now();
    const redactor = createRedactor(secretsOf(stack));
    const meta: ScenarioMeta = { cellId: stack.cellId, scenarioId, startedAt: new Date(startedAtMs).toISOString() };
    ctx.task.meta.evochat = meta;
    const clients = new Map<string, unknown>();
    const lazy = <T>(key: string, make: () => T): T => {
      if (!clients.has(key)) clients.set(key, make());
      return clients.get(key) as T;
    };
    const evidence = () => (stack.evidenceUrl ? lazy('evidence', () => new EvidenceClient(stack.evidenceUrl!)) : undefined);
    // Every request of this scenario's clients names it: what they record is this scenario's evidence alone.
    const sender: ExchangeScenario = { cell: stack.cellId, id: scenarioId };
    const keepAlive = stack.keepAlive === true;

    const s: ScenarioContext = {
      stack,
      suite,
      scenarioId,
      startedAtMs,
      redactor,
      signal: ctx.signal,
      has: (capability) => stack.capabilities.includes(capability),
      require(capability) {
        if (!stack.capabilities.includes(capability)) ctx.skip(stack.skipReasons?.[capability] ?? capabilitySkipReason(capability));
      },
      skip: (reason) => ctx.skip(reason),
      fail: (message, decisive) => {
        throw new ScenarioBreak(message, decisive);
      },
      decisive(decisive) {
        meta.decisive = decisive;
      },
      scope({ markers = [], exchangeIds = [] }) {
        const current = (meta.scope ??= { markers: [], exchangeIds: [] });
        for (const marker of markers) if (marker !== '' && !current.markers.includes(marker)) current.markers.push(marker);
        for (const id of exchangeIds) if (!current.exchangeIds.includes(id)) current.exchangeIds.push(id);
      },
      note(text) {
        (meta.notes ??= []).push(redactor.text(text));
      },
      instanceName: (label) => `${stack.instancePrefix}${label}`,
      chatwoot(account = 'en') {
        if (account === 'en') return lazy('chatwoot', () => chatwootClientFor(stack.chatwoot, redactor, sender, keepAlive));
        const endpoint = stack.chatwootPtBr;
        if (!endpoint) ctx.skip('needs a pt_BR Chatwoot account: this stack has none');
        return lazy('chatwoot-pt', () => chatwootClientFor(endpoint, redactor, sender, keepAlive));
      },
      evolution: () =>
        lazy(
          'evolution',
          () =>
            new EvolutionClient({
              baseUrl: stack.evolution.url,
              apiKey: stack.evolution.apiKey,
              redactor,
              scenario: sender,
              version: stack.evolution.version,
              keepAlive,
            }),
        ),
      chatwootFor: (endpoint) => lazy(`chatwoot ${endpoint.url} ${endpoint.accountId}`, () => chatwootClientFor(endpoint, redactor, sender, keepAlive)),
      evolutionFor: (endpoint) =>
        lazy(
          `evolution ${endpoint.url}`,
          () => new EvolutionClient({ baseUrl: endpoint.url, apiKey: endpoint.apiKey, redactor, scenario: sender, version: endpoint.version, keepAlive }),
        ),
      whatsapp() {
        if (!stack.whatsappControlUrl || !stack.capabilities.includes('whatsappPeer'))
          ctx.skip(stack.skipReasons?.whatsappPeer ?? capabilitySkipReason('whatsappPeer'));
        return lazy('whatsapp', () => new WhatsappSimClient(stack.whatsappControlUrl!, { scenario: sender, keepAlive }));
      },
      async exchanges(filter = {}) {
        const client = evidence();
        if (!client || !stack.capabilities.includes('evidence')) return [];
        return client.exchanges({ ...filter, since: filter.since ?? startedAtMs });
      },
      async logs(filter = {}) {
        const client = evidence();
        if (!client || !stack.capabilities.includes('evidence')) return [];
        return client.logs({ ...filter, since: filter.since ?? startedAtMs });
      },
      waitFor: (description, probe, options) => waitWithFailFast(description, probe, options),
      shared(key, factory) {
        if (!sharedState.has(key)) sharedState.set(key, factory());
        return sharedState.get(key) as Promise<never>;
      },
    };

    try {
      await holdForTest('scenario', { signal: ctx.signal });
      for (const capability of suite.requires) s.require(capability);
      await body(s);
    } catch (error) {
      if ((error as { code?: string })?.code === 'VITEST_PENDING') throw error;
      const classified = classifyScenarioError(error);
      meta.outcome = { status: classified.status, errorCode: classified.errorCode, message: redactor.text(classified.message) };
      if (error instanceof ScenarioBreak && error.decisive && !meta.decisive) meta.decisive = error.decisive;
      dropFramesOfBreak(error, classified);
      throw error;
    }
  };
}

interface Semaphore {
  acquire(): Promise<() => void>;
}

/** The run's suite slots: one per worker, shared by every suite loaded into it. */
let suiteSlots: Semaphore | undefined;

/** At most `size` holders at once; the rest wait in arrival order. */
function createSemaphore(size: number): Semaphore {
  let free = Math.max(1, size);
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free += 1;
  };
  return {
    acquire() {
      if (free > 0) {
        free -= 1;
        return Promise.resolve(release);
      }
      return new Promise((resolve) => waiting.push(() => resolve(release)));
    },
  };
}

/**
 * Declares a suite file's scenarios: one `describe` per cell (cells run concurrently, up to the run's
 * jobs), and inside it the scenarios in order (they may build on each other through `shared`), or all
 * at once for a suite whose scenarios are independent.
 * Scenario names must match SUITE_CATALOG; the stacks come from runSuites through vitest's `inject`.
 */
export interface SuiteOptions {
  /** Cells with a higher priority start first (e.g. the cells with the longest scenarios). */
  priority?: (stack: CellStack) => number;
  /**
   * `sequential` (default): a cell's scenarios run in order and may build on each other. `concurrent`:
   * they are independent (own instances, own services) and run at the same time, bounded by the run's jobs.
   */
  scenarios?: 'sequential' | 'concurrent';
  /**
   * `jobs` (default): at most the run's jobs cells of this suite at once. `waiting`: up to WAITING_CELLS_PER_JOB
   * times as many, for a suite whose scenarios mostly wait on upstream timings (e.g. a 6 s storage latency plus
   * Chatwoot's 5 s webhook timeout) rather than use the CPU: holding them to `jobs` would only queue sleeps. Not
   * unbounded: a hundred cells' worth of webhooks at once starve a small machine's CPU until the waits themselves
   * (Chatwoot's 5 s webhook timeout) expire, and the breaks would be the harness's, not the product's.
   */
  cellsAtOnce?: 'jobs' | 'waiting';
}

/** How many cells of a waiting-bound suite run per job (the default matrix's 12 cells at jobs 4 all run at once). */
export const WAITING_CELLS_PER_JOB = 3;

export function defineSuite(suiteId: string, body: (cell: CellScenarios) => void, suiteOptions: SuiteOptions = {}): void {
  const suite = suiteInfo(suiteId);
  if (!suite) throw new UsageError(`suite "${suiteId}" is not in SUITE_CATALOG`);
  const run = inject(SUITE_RUN_KEY);
  const priority = suiteOptions.priority ?? (() => 0);
  const stacks = run.stacks
    .filter((stack) => (run.suitesByCell[stack.cellId] ?? [suiteId]).includes(suiteId))
    .map((stack, index) => ({ stack, index }))
    .sort((a, b) => priority(b.stack) - priority(a.stack) || a.index - b.index)
    .map(({ stack }) => stack);
  if (stacks.length === 0) return;
  const cellSlots = createSemaphore(
    suiteOptions.cellsAtOnce === 'waiting' ? Math.max(run.jobs, Math.min(stacks.length, run.jobs * WAITING_CELLS_PER_JOB)) : run.jobs,
  );
  suiteSlots ??= createSemaphore(run.suitesAtOnce);
  const slots = suiteSlots;
  // Every suite of a run is loaded into one vitest worker (suites/selected-suites.entry.ts); this slot holds the
  // suites that run at once to `suitesAtOnce`, in load order (the longest first), as that many workers would.
  describe(suiteId, { concurrent: true }, () => {
    let releaseSuite: (() => void) | undefined;
    beforeAll(async () => {
      releaseSuite = await slots.acquire();
    });
    afterAll(() => releaseSuite?.());
    for (const stack of stacks) defineCell(suite, stack, cellSlots, run, suiteOptions, body);
  });
}

/** One cell's describe block of a suite: its scenarios, once the cell has one of the suite's cell slots. */
function defineCell(
  suite: SuiteInfo,
  stack: CellStack,
  cellSlots: Semaphore,
  run: SuiteRunInput,
  suiteOptions: SuiteOptions,
  body: (cell: CellScenarios) => void,
): void {
  describe(stack.cellId, { concurrent: true }, () => {
    let release: (() => void) | undefined;
    beforeAll(async () => {
      release = await cellSlots.acquire();
    });
    afterAll(() => release?.());
    const sharedState = new Map<string, Promise<unknown>>();
    const declared = new Set<string>();
    body({
      stack,
      scenario(name, scenarioBody, options = {}) {
        const scenarioId = `${suite.id}/${name}`;
        if (!suite.scenarios.some((entry) => entry.id === scenarioId)) throw new UsageError(`scenario "${scenarioId}" is not in SUITE_CATALOG`);
        declared.add(scenarioId);
        const declare = suiteOptions.scenarios === 'concurrent' ? test.concurrent : test.sequential;
        declare(name, { timeout: options.timeoutMs ?? run.scenarioTimeoutMs }, runScenario(suite, stack, scenarioId, sharedState, scenarioBody));
      },
    });
    const missing = suite.scenarios.filter((entry) => !declared.has(entry.id)).map((entry) => entry.id);
    if (missing.length > 0) throw new UsageError(`suite ${suite.id} does not define ${missing.join(', ')}`);
  });
}
