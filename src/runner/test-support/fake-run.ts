import type { CellEvidence } from '../../model/cell-evidence.ts';
import type { PlannedCell } from '../../matrix/plan-types.ts';
import type { ScenarioOutcome } from '../../model/scenario-outcome.ts';
import type { SuiteCatalog } from '../../model/suite-catalog-types.ts';
import { makeExchange } from '../../verdict/test-support/make-exchange.ts';

/**
 * Test-only: outcomes and evidence the way the known-answer grid says real stacks behave
 * (contact_id 422 on 1.7.4 × ≥3.8, fault scenarios breaking, slow-storage skipped on local), so the
 * runner core can be tested without twins. `override` changes single outcomes.
 */
const CONTACT_ID_SCENARIOS = [
  'bot-command/status-round-trip',
  'qr-delivery/qr-image-posted',
  'qr-delivery/connected-message',
  'filter-contract/bot-conversation-lookup',
  'filter-contract/bot-conversation-lookup-pt-br',
];

export interface FakeRun {
  outcomes: ScenarioOutcome[];
  evidence: Map<string, CellEvidence>;
}

export function fakeRun(cells: readonly PlannedCell[], catalog: SuiteCatalog, override: (outcome: ScenarioOutcome) => ScenarioOutcome = (o) => o): FakeRun {
  const outcomes: ScenarioOutcome[] = [];
  const evidence = new Map<string, CellEvidence>();
  const base = Date.parse('2026-11-26T10:00:00.000Z');
  cells.forEach((cell, c) => {
    const exchanges: CellEvidence['exchanges'] = [];
    let clock = base + c * 100_000;
    for (const suite of catalog.filter((s) => cell.suites.includes(s.id))) {
      for (const scenario of suite.scenarios) {
        const startedAt = new Date(clock).toISOString();
        const at = new Date(clock + 10).toISOString();
        let outcome: ScenarioOutcome = {
          cellId: cell.id,
          id: scenario.id,
          suite: suite.id,
          title: scenario.title,
          seedSymptom: suite.seedSymptom,
          status: 'pass',
          durationMs: 50,
          startedAt,
        };
        const contactIdBreak = cell.evolution === '1.7.4' && cell.chatwoot !== '3.7.0' && CONTACT_ID_SCENARIOS.includes(scenario.id);
        if (contactIdBreak) {
          const id = `${cell.id}-${scenario.id}-422`;
          exchanges.push(
            makeExchange({
              id,
              startedAt: at,
              method: 'POST',
              url: 'http://127.0.0.1:3000/api/v1/accounts/2/conversations/filter',
              requestBody: '{"payload":[{"attribute_key":"contact_id"}]}',
              status: 422,
              responseBody: '{"error":"Invalid attribute key - [contact_id]. The key should be one of [status] or a custom attribute defined in the account."}',
            }),
          );
          outcome = { ...outcome, status: 'break', message: 'the bot reply did not arrive within 5000 ms' };
        } else if (scenario.id === 'config-faults/webhook-double-slash') {
          exchanges.push(
            makeExchange({
              id: `${cell.id}-double-slash`,
              startedAt: at,
              link: 'chatwoot->evolution',
              method: 'POST',
              url: 'http://127.0.0.1:8081//chatwoot/webhook/x',
              status: 404,
              responseBody: '{"status":404,"error":"Not Found","response":{"message":["Cannot POST //chatwoot/webhook/x"]}}',
            }),
          );
          outcome = { ...outcome, status: 'break', message: 'message marked failed: 404 Not Found' };
        } else if (scenario.id === 'config-faults/server-url-unreachable') {
          exchanges.push(
            makeExchange({
              id: `${cell.id}-unreachable`,
              startedAt: at,
              link: 'chatwoot->evolution',
              method: 'POST',
              url: 'http://127.0.0.1:9/chatwoot/webhook/x',
              error: 'connect ECONNREFUSED 127.0.0.1:9',
            }),
          );
          outcome = { ...outcome, status: 'break', message: 'message marked failed' };
        } else if (scenario.id === 'config-faults/slow-storage') {
          if (cell.storage === 'local') outcome = { ...outcome, status: 'skipped', skipReason: 'no S3 link to slow down' };
          else {
            exchanges.push(
              makeExchange({
                id: `${cell.id}-slow-put`,
                startedAt: at,
                link: 'chatwoot->storage',
                method: 'PUT',
                url: 'http://127.0.0.1:9000/b/k',
                durationMs: 6010,
              }),
              makeExchange({
                id: `${cell.id}-failed-msg`,
                startedAt: at,
                link: 'harness->chatwoot',
                responseBody: '{"content_attributes":{"external_error":"Timed out reading data from server"}}',
              }),
            );
            outcome = { ...outcome, status: 'break', message: 'agent attachment reply marked failed' };
          }
        } else {
          exchanges.push(makeExchange({ id: `${cell.id}-${scenario.id}-ok`, startedAt: at, link: 'harness->chatwoot' }));
        }
        outcomes.push(override(outcome));
        clock += 1_000;
      }
    }
    evidence.set(cell.id, {
      exchanges,
      logs: [{ service: 'evolution', lines: ['INFO started'], truncated: false }],
      logFiles: { evolution: `${cell.id}/evolution.log` },
    });
  });
  return { outcomes, evidence };
}
