import { describe, expect, it } from 'vitest';
import type { LogExcerpt } from '../model/result-schema.ts';
import { diagnose, scopedEvidence, type DiagnosisEvidence } from './diagnose.ts';
import { makeExchange } from './test-support/make-exchange.ts';

/**
 * One cell's evidence window while the three config-faults scenarios ran at the same time: the
 * trailing-slash instance's 404, the unreachable instance's log line, the slow-storage reply's timed-out
 * webhook and its slow upload. Each scenario's scope must lead to its own rule, never a neighbour's.
 */
const EVO = 'http://127.0.0.1:8080';
const REPLY = 'evochat slow-storage attachment reply';
const slashWebhook = makeExchange({
  id: 'ce-1',
  link: 'chatwoot->evolution',
  method: 'POST',
  url: `${EVO}//chatwoot/webhook/c380e174local-slash`,
  requestBody: '{"event":"message_created","content":"status"}',
  status: 404,
  responseBody: '{"status":404,"error":"Not Found","response":{"message":["Cannot POST //chatwoot/webhook/c380e174local-slash"]}}',
});
const slowWebhook = makeExchange({
  id: 'ce-2',
  link: 'chatwoot->evolution',
  method: 'POST',
  url: `${EVO}/chatwoot/webhook/c380e174local-slow`,
  requestBody: `{"event":"message_created","content":"${REPLY}"}`,
  error: 'client closed the connection before the response was complete',
  durationMs: 5_003,
});
const slowUpload = makeExchange({
  id: 'cs-7',
  link: 'chatwoot->storage',
  method: 'PUT',
  url: 'http://127.0.0.1:9000/chatwoot/k3y',
  status: 200,
  durationMs: 6_012,
});
const unreachableLine =
  'W, [2026-11-26T10:00:01.000000 #1]  WARN -- : [ActiveJob] [WebhookJob] Exception: Invalid webhook URL http://127.0.0.1:1/chatwoot/webhook/c380e174local-unreach : Failed to open TCP connection to 127.0.0.1:1 (Connection refused - connect(2) for "127.0.0.1" port 1)';
const logs: LogExcerpt[] = [
  { service: 'chatwoot-3.8.0-local', lines: ['I, [2026-11-26T10:00:00.000000 #1]  INFO -- : Started GET "/api"', unreachableLine], truncated: false },
];
const cellWindow = (overrides: Partial<DiagnosisEvidence> = {}): DiagnosisEvidence => ({
  exchanges: [slashWebhook, slowWebhook, slowUpload],
  logs,
  ...overrides,
});

describe('diagnosis of scenarios whose evidence windows overlap', () => {
  it('gives each scenario its own rule from its scope and pointer', () => {
    const slash = diagnose(
      cellWindow({
        message: 'Chatwoot marked the `status` command failed: 404 Not Found',
        scope: { markers: ['/chatwoot/webhook/c380e174local-slash'], exchangeIds: [] },
      }),
      { kind: 'exchange', exchangeId: 'ce-1' },
    );
    const unreachable = diagnose(
      cellWindow({
        message: 'Chatwoot marked the `status` command failed: Failed to open TCP connection to 127.0.0.1:1',
        scope: { markers: ['/chatwoot/webhook/c380e174local-unreach'], exchangeIds: [] },
      }),
      { kind: 'log', service: 'chatwoot-3.8.0-local', line: unreachableLine },
    );
    const slow = diagnose(
      cellWindow({
        message: 'Chatwoot marked the attachment reply failed: Timed out reading data from server',
        scope: { markers: ['/chatwoot/webhook/c380e174local-slow', REPLY], exchangeIds: ['cs-7'] },
      }),
      { kind: 'exchange', exchangeId: 'ce-2' },
    );
    expect(slash?.rule.id).toBe('webhook-double-slash');
    expect(slash?.exchangeIds).toEqual(['ce-1']);
    expect(unreachable?.rule.id).toBe('server-url-unreachable');
    expect(unreachable?.logLines).toEqual([{ service: 'chatwoot-3.8.0-local', line: unreachableLine }]);
    expect(slow?.rule.id).toBe('webhook-timeout-slow-storage');
    expect(slow?.exchangeIds).toContain('cs-7');
  });

  it('slow storage without a pointer: unscoped it borrows a neighbour’s rule, scoped it does not', () => {
    // The reply's webhook was not recorded in time: only a deadline message and the slow upload are the scenario's own.
    const evidence = cellWindow({ exchanges: [slashWebhook, slowUpload], message: 'deadline of 22000 ms passed waiting for the attachment reply' });
    expect(diagnose(evidence)?.rule.id).toBe('webhook-double-slash');
    expect(diagnose({ ...evidence, scope: { markers: ['/chatwoot/webhook/c380e174local-slow', REPLY], exchangeIds: ['cs-7'] } })).toBeUndefined();
  });

  it('a proxy-recorded hang-up after 5 s plus a slow upload is the slow-storage timeout even without the message', () => {
    const finding = diagnose(cellWindow({ message: 'deadline passed', scope: { markers: ['/chatwoot/webhook/c380e174local-slow'], exchangeIds: ['cs-7'] } }));
    expect(finding?.rule.id).toBe('webhook-timeout-slow-storage');
  });

  it('scopedEvidence keeps what names a marker, the listed ids and the pointed-at item; no scope keeps everything', () => {
    const scoped = scopedEvidence(cellWindow({ scope: { markers: ['c380e174local-unreach'], exchangeIds: ['cs-7'] } }), {
      kind: 'exchange',
      exchangeId: 'ce-1',
    });
    expect(scoped.exchanges.map((exchange) => exchange.id)).toEqual(['ce-1', 'cs-7']);
    expect(scoped.logs).toEqual([{ service: 'chatwoot-3.8.0-local', lines: [unreachableLine], truncated: false }]);
    expect(scopedEvidence(cellWindow()).exchanges).toHaveLength(3);
  });
});
