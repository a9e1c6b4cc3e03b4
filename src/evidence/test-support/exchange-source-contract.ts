/**
 * The filter contract every ExchangeSource honours (ExchangeFilter in evidence-types.ts), as one test body
 * that each backend's source runs: the sim backend's in-process recording proxy and the docker backend's
 * cached reader of a proxy container. Both record the same traffic, through a real proxy, to the same
 * upstream (status-upstream.ts), and must then list the same exchanges for every filter.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedactor } from '../../common/redact.ts';
import { waitFor } from '../../common/wait-for.ts';
import { createCellClassifier } from '../cell-classifier.ts';
import { EvidenceHub, type ExchangeSource } from '../evidence-hub.ts';
import type { CellClassifier, ExchangeFilter } from '../evidence-types.ts';
import { HARNESS_LINK_HEADER, HARNESS_LINK_VALUE, HARNESS_SCENARIO_HEADER } from '../../model/harness-wire.ts';
import { formatScenarioTag } from '../../model/harness-wire.ts';

/** Account 1 is cell-a's, account 2 cell-b's; anything else (the webhook paths) belongs to both. */
export const CONTRACT_CLASSIFIER: CellClassifier = createCellClassifier({
  accounts: new Map([
    [1, ['cell-a']],
    [2, ['cell-b']],
  ]),
  instancePrefixes: new Map(),
  fallback: ['cell-a', 'cell-b'],
});
export const CONTRACT_CELLS = ['cell-a', 'cell-b'] as const;
/** The scenario the harness-tagged traffic names (HARNESS_SCENARIO_HEADER); every source must keep it. */
export const CONTRACT_SCENARIO = { cell: 'cell-a', id: 'contract/harness-read' } as const;
/** The link label the proxy under test records; harness-tagged requests become `harness->chatwoot`. */
export const CONTRACT_LINK = 'evolution->chatwoot';

export interface ContractSubject {
  /** The source under test, reading what the proxy at proxyUrl records (cells by CONTRACT_CLASSIFIER). */
  source: ExchangeSource;
  /** Where the test sends its traffic (host side). */
  proxyUrl: string;
  close(): Promise<void>;
}

interface Traffic {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  harness?: boolean;
}

const BEFORE: Traffic[] = [
  { method: 'GET', path: '/api/v1/accounts/1/early/r200' },
  { method: 'POST', path: '/api/v1/accounts/1/early/r500', body: '{"note":"needle-body early"}' },
];
const AFTER: Traffic[] = [
  { method: 'GET', path: '/api/v1/accounts/1/late/r302' },
  { method: 'GET', path: '/api/v1/accounts/1/late/r404' },
  { method: 'POST', path: '/api/v1/accounts/2/late/r200', body: '{"note":"needle-body late"}' },
  { method: 'GET', path: '/api/v1/accounts/2/late/reset' },
  { method: 'GET', path: '/api/v1/accounts/1/late/half' },
  { method: 'POST', path: '/chatwoot/webhook/needle-url/r201', body: '{"event":"message_created"}', harness: true },
  { method: 'POST', path: '/chatwoot/webhook/other/r401', body: '{"event":"needle-body"}' },
];
const ALL = [...BEFORE, ...AFTER].map((traffic) => traffic.path);

async function send(proxyUrl: string, traffic: Traffic): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (traffic.harness) {
    headers[HARNESS_LINK_HEADER] = HARNESS_LINK_VALUE;
    headers[HARNESS_SCENARIO_HEADER] = formatScenarioTag(CONTRACT_SCENARIO);
  }
  try {
    const response = await request(`${proxyUrl}${traffic.path}`, { method: traffic.method, headers, body: traffic.body });
    await response.body.text();
  } catch {
    // `reset` and `half` fail on the client side too: what counts is what the proxy recorded.
  }
}

/** The recorded request paths, in a stable order (sources do not promise one). */
async function paths(source: ExchangeSource, filter: ExchangeFilter): Promise<string[]> {
  return (await source.list(filter)).map((item) => item.exchange.request.url).sort();
}

const sorted = (list: readonly string[]) => [...list].sort();

/** Registers the contract for one source; `run: false` skips it (the docker gate without an engine). */
export function describeExchangeSourceContract(name: string, setup: () => Promise<ContractSubject>, options: { run?: boolean } = {}): void {
  describe.runIf(options.run ?? true)(`ExchangeSource filter contract: ${name}`, () => {
    let subject: ContractSubject;
    /** Epoch ms after every BEFORE exchange started and before any AFTER one did. */
    let boundary: number;

    beforeAll(async () => {
      subject = await setup();
      for (const traffic of BEFORE) await send(subject.proxyUrl, traffic);
      const early = await waitFor(
        async () => {
          const items = await subject.source.list({});
          return items.length === BEFORE.length ? items : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 100, description: 'the early exchanges to be recorded' },
      );
      boundary = Math.max(...early.map((item) => item.startedAtMs)) + 1;
      // The proxy's clock is this machine's: wait until it is past the boundary, so every later request starts at or after it.
      await waitFor(() => Date.now() > boundary, { timeoutMs: 1_000, intervalMs: 1, description: 'the clock to pass the boundary' });
      await Promise.all(AFTER.map((traffic) => send(subject.proxyUrl, traffic)));
      await waitFor(async () => (await subject.source.list({})).length === ALL.length, {
        timeoutMs: 20_000,
        intervalMs: 100,
        description: 'every exchange to be recorded',
      });
    }, 180_000);

    afterAll(async () => {
      await subject?.close();
    }, 120_000);

    it('no filter (and failed: false) lists everything recorded', async () => {
      expect(await paths(subject.source, {})).toEqual(sorted(ALL));
      expect(await paths(subject.source, { failed: false })).toEqual(sorted(ALL));
    });

    it('since: only exchanges that started at or after it, as epoch ms, digits or an ISO date', async () => {
      const later = sorted(AFTER.map((traffic) => traffic.path));
      expect(await paths(subject.source, { since: boundary })).toEqual(later);
      expect(await paths(subject.source, { since: String(boundary) })).toEqual(later);
      expect(await paths(subject.source, { since: new Date(boundary).toISOString() })).toEqual(later);
      expect(await paths(subject.source, { since: Date.now() + 60_000 })).toEqual([]);
    });

    it('cell: exchanges attributed to it (by account, else to every cell); an unknown cell has none', async () => {
      expect(await paths(subject.source, { cell: 'cell-a' })).toEqual(
        sorted(ALL.filter((path) => path.includes('/accounts/1/') || path.startsWith('/chatwoot/'))),
      );
      expect(await paths(subject.source, { cell: 'cell-b' })).toEqual(
        sorted(ALL.filter((path) => path.includes('/accounts/2/') || path.startsWith('/chatwoot/'))),
      );
      expect(await paths(subject.source, { cell: 'cell-z' })).toEqual([]);
    });

    it('link: the recorded link label, harness-tagged requests under harness-><target>', async () => {
      expect(await paths(subject.source, { link: 'harness->chatwoot' })).toEqual(['/chatwoot/webhook/needle-url/r201']);
      expect(await paths(subject.source, { link: CONTRACT_LINK })).toEqual(sorted(ALL.filter((path) => path !== '/chatwoot/webhook/needle-url/r201')));
      expect(await paths(subject.source, { link: 'nobody->nowhere' })).toEqual([]);
    });

    it('scenario: a harness request keeps the scenario it named, without the header; nothing else has one', async () => {
      const tagged = (await subject.source.list({})).filter((item) => item.exchange.scenario !== undefined);
      expect(tagged.map((item) => item.exchange.request.url)).toEqual(['/chatwoot/webhook/needle-url/r201']);
      expect(tagged[0]!.exchange.scenario).toEqual(CONTRACT_SCENARIO);
      expect(tagged[0]!.exchange.request.headers[HARNESS_SCENARIO_HEADER]).toBeUndefined();
    });

    it('failed: a 4xx/5xx answer or a transport error (before or during the answer), never a 2xx/3xx', async () => {
      expect(await paths(subject.source, { failed: true })).toEqual(
        sorted([
          '/api/v1/accounts/1/early/r500',
          '/api/v1/accounts/1/late/r404',
          '/api/v1/accounts/2/late/reset',
          '/api/v1/accounts/1/late/half',
          '/chatwoot/webhook/other/r401',
        ]),
      );
      const reset = (await subject.source.list({ failed: true, contains: '/late/reset' }))[0];
      expect(reset?.exchange.response).toBeNull();
      expect(reset?.exchange.error).toEqual(expect.any(String));
    });

    it('contains: the text in the request URL or the request body', async () => {
      expect(await paths(subject.source, { contains: 'needle-url' })).toEqual(['/chatwoot/webhook/needle-url/r201']);
      expect(await paths(subject.source, { contains: 'needle-body' })).toEqual(
        sorted(['/api/v1/accounts/1/early/r500', '/api/v1/accounts/2/late/r200', '/chatwoot/webhook/other/r401']),
      );
      // Response bodies are not searched: every answer says "answer <status>".
      expect(await paths(subject.source, { contains: 'answer' })).toEqual([]);
    });

    it('filters combine (all must hold), as a scenario asks for "this cell\'s failed webhook since I sent"', async () => {
      expect(await paths(subject.source, { cell: 'cell-a', link: CONTRACT_LINK, since: boundary, failed: true, contains: '/late/' })).toEqual(
        sorted(['/api/v1/accounts/1/late/r404', '/api/v1/accounts/1/late/half']),
      );
      expect(await paths(subject.source, { cell: 'cell-b', failed: true, contains: 'needle-body' })).toEqual(['/chatwoot/webhook/other/r401']);
      expect(await paths(subject.source, { cell: 'cell-b', since: boundary, failed: true, contains: 'needle-body early' })).toEqual([]);
    });

    it('the evidence hub over the source gives a cell the same answer', async () => {
      const hub = new EvidenceHub({ exchangeSources: [subject.source], logSources: [], redactor: createRedactor([]) });
      const viaHub = await hub.exchanges('cell-a', { since: boundary, failed: true, contains: '/accounts/1/' });
      expect(viaHub.map((exchange) => exchange.request.url).sort()).toEqual(sorted(['/api/v1/accounts/1/late/r404', '/api/v1/accounts/1/late/half']));
    });
  });
}
