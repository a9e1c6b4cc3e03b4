import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadResult } from '../report/load-result.ts';
import { SUITE_CATALOG } from '../scenario/suite-catalog.ts';
import { answerUpgrade } from './answer-upgrade.ts';
import { lookupInResults } from './pair-lookup.ts';
import { parseUpgradeQuestion } from './upgrade-question.ts';

// A hand-made result (fixtures/results/README.md): what is tested is reading stored cells, not the grid.
const SAMPLE = fileURLToPath(new URL('../../fixtures/results/sample-result.json', import.meta.url));

describe('answers from a stored result', () => {
  it('judges pairs by their compatibility scenarios only (fault scenarios break everywhere)', async () => {
    const results = [{ source: SAMPLE, result: await loadResult(SAMPLE) }];
    const lookup = lookupInResults(results, 'local', SUITE_CATALOG);
    expect(lookup({ chatwoot: '3.7.0', evolution: '1.7.4' }).state).toBe('works');
    const broken = lookup({ chatwoot: '3.8.0', evolution: '1.7.4' });
    expect(broken.state).toBe('breaks');
    expect(broken.breaking.map((s) => s.id)).toContain('bot-command/status-round-trip');
    expect(broken.breaking.map((s) => s.id)).not.toContain('config-faults/webhook-double-slash');
  });

  it('1.7.4 on 3.7.0 → 3.8.0: no, upgrade Evolution to 1.7.5 first; 1.7.5 3.8.0 → 3.9.0: yes', async () => {
    const results = [{ source: SAMPLE, result: await loadResult(SAMPLE) }];
    const lookup = lookupInResults(results, 'local', SUITE_CATALOG);
    const no = answerUpgrade(parseUpgradeQuestion({ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot@3.8.0' }), lookup);
    expect(no.answer).toBe('no');
    expect(no.recommendation?.steps).toEqual(['upgrade Evolution to 1.7.5', 'upgrade Chatwoot to 3.8.0']);
    const yes = answerUpgrade(parseUpgradeQuestion({ chatwoot: '3.8.0', evolution: '1.7.5', to: 'chatwoot@3.9.0' }), lookup);
    expect(yes.answer).toBe('yes');
  });

  it('a cell with an infrastructure error is unknown, and a cell not in the file is named as missing', async () => {
    const results = [{ source: SAMPLE, result: await loadResult(SAMPLE) }];
    const minio = lookupInResults(results, 'minio', SUITE_CATALOG);
    const unknown = answerUpgrade(parseUpgradeQuestion({ chatwoot: '3.7.0', evolution: '1.7.5', to: 'chatwoot@3.8.0', storage: 'minio' }), minio);
    expect(unknown.state).toBe('unknown');
    expect(unknown.headline).toMatch(/infrastructure error/);
    const empty = lookupInResults([], 'local', SUITE_CATALOG)({ chatwoot: '3.7.0', evolution: '1.7.4' });
    expect(empty).toMatchObject({ state: 'unknown', reason: 'no result for cw3.7.0-evo1.7.4-local in any result' });
  });
});
