import { describe, expect, it } from 'vitest';
import type { CellResult, ScenarioResult } from '../model/result-schema.ts';
import { findSeedContradictions, SEED_CLAIMS } from './seed-claims.ts';

type Key = Pick<CellResult, 'chatwoot' | 'evolution' | 'storage'>;

function s(id: string, status: ScenarioResult['status'], extra: Partial<ScenarioResult> = {}): ScenarioResult {
  const suite = id.split('/')[0]!;
  return {
    id,
    suite,
    kind: suite === 'config-faults' ? 'fault' : 'compatibility',
    title: id,
    seedSymptom: '',
    status,
    verdict: status === 'break' ? 'expected-break' : status,
    durationMs: 1,
    evidence: { exchanges: [], logs: [] },
    ...extra,
  } as ScenarioResult;
}

function cell(key: Key, scenarios: ScenarioResult[]): CellResult {
  const compat = scenarios.filter((x) => x.kind === 'compatibility');
  const status = compat.some((x) => x.status === 'break') ? 'break' : compat.some((x) => x.status === 'pass') ? 'pass' : 'skipped';
  return {
    id: `cw${key.chatwoot}-evo${key.evolution}-${key.storage}`,
    ...key,
    status,
    verdict: status === 'break' ? 'expected-break' : status,
    durationMs: 1,
    images: {},
    artifacts: {},
    scenarios,
  };
}

const claim = (id: string) => SEED_CLAIMS.find((c) => c.id === id)!;

describe('seed claims, each alone', () => {
  it('evolution-1.7.5-did-not-fully-fix: contradicted when 1.7.5 works on ≥3.8, not when it breaks there', () => {
    const works = [cell({ chatwoot: '3.9.0', evolution: '1.7.5', storage: 'local' }, [s('bot-command/status-round-trip', 'pass')])];
    expect(claim('evolution-1.7.5-did-not-fully-fix').contradictedBy(works)).toMatchObject({
      cells: ['cw3.9.0-evo1.7.5-local'],
      observed: expect.stringContaining('bot-command/status-round-trip among them'),
    });
    const breaks = [...works, cell({ chatwoot: '3.8.0', evolution: '1.7.5', storage: 'local' }, [s('bot-command/status-round-trip', 'break')])];
    expect(claim('evolution-1.7.5-did-not-fully-fix').contradictedBy(breaks)).toBeUndefined();
    expect(
      claim('evolution-1.7.5-did-not-fully-fix').contradictedBy([
        cell({ chatwoot: '3.7.0', evolution: '1.7.5', storage: 'local' }, [s('bot-command/status-round-trip', 'pass')]),
      ]),
    ).toBeUndefined();
  });

  it('chatwoot-3.8-rejects-contact-id: contradicted only when 1.7.4’s lookup passes on ≥3.8', () => {
    const key = { chatwoot: '3.8.0', evolution: '1.7.4', storage: 'minio' } as const;
    expect(claim('chatwoot-3.8-rejects-contact-id').contradictedBy([cell(key, [s('filter-contract/bot-conversation-lookup', 'pass')])])?.cells).toEqual([
      'cw3.8.0-evo1.7.4-minio',
    ]);
    expect(claim('chatwoot-3.8-rejects-contact-id').contradictedBy([cell(key, [s('filter-contract/bot-conversation-lookup', 'break')])])).toBeUndefined();
  });

  it('chatwoot-3.8-rejects-contact-id: on 4.14.2+ the contradiction says the claim held from 3.8.0 until 4.14.1 (PR #14629)', () => {
    const readded = cell({ chatwoot: '4.14.2', evolution: '1.7.4', storage: 'local' }, [s('filter-contract/bot-conversation-lookup', 'pass')]);
    const found = claim('chatwoot-3.8-rejects-contact-id').contradictedBy([readded]);
    expect(found?.observed).toBe(
      "Chatwoot 4.14.2 accepted Evolution 1.7.4's contact_id conversation filter: contact_id is a filter key again from 4.14.2 (PR #14629), so the claim holds from 3.8.0 until 4.14.1",
    );
    // A version whose profile still rejects it (e.g. a fork image answering for 3.9.0) keeps the plain wording.
    const fork = cell({ chatwoot: '3.9.0', evolution: '1.7.4', storage: 'local' }, [s('filter-contract/bot-conversation-lookup', 'pass')]);
    expect(claim('chatwoot-3.8-rejects-contact-id').contradictedBy([fork, readded])?.observed).toMatch(
      /^Chatwoot 3\.9\.0 answered Evolution 1\.7\.4's contact_id conversation filter without an error; Chatwoot 4\.14\.2 accepted/,
    );
  });

  it('downgrade-chatwoot-3.7.0-works: contradicted when a 3.7.0 cell breaks', () => {
    const key = { chatwoot: '3.7.0', evolution: '1.7.4', storage: 'local' } as const;
    expect(claim('downgrade-chatwoot-3.7.0-works').contradictedBy([cell(key, [s('qr-delivery/qr-image-posted', 'break')])])?.observed).toContain(
      'qr-delivery/qr-image-posted',
    );
    expect(
      claim('downgrade-chatwoot-3.7.0-works').contradictedBy([
        cell(key, [s('qr-delivery/qr-image-posted', 'pass'), s('config-faults/webhook-double-slash', 'break')]),
      ]),
    ).toBeUndefined();
  });

  it('chatwoot-enabled-required: contradicted when the inbox was created', () => {
    const key = { chatwoot: '3.7.0', evolution: '1.7.5', storage: 'local' } as const;
    expect(claim('chatwoot-enabled-required').contradictedBy([cell(key, [s('instance-bootstrap/inbox-created', 'pass')])])).toBeDefined();
    expect(claim('chatwoot-enabled-required').contradictedBy([cell(key, [s('instance-bootstrap/inbox-created', 'break')])])).toBeUndefined();
  });

  it('slow-s3-breaks-initialisation: contradicted when MinIO initialisation passed and slow storage broke only as a webhook timeout', () => {
    const key = { chatwoot: '3.8.0', evolution: '1.7.5', storage: 'minio' } as const;
    const timeout = s('config-faults/slow-storage', 'break', {
      diagnosis: { rule: 'webhook-timeout-slow-storage', summary: 'timeout', remedy: 'r', references: [] },
    });
    expect(claim('slow-s3-breaks-initialisation').contradictedBy([cell(key, [s('instance-bootstrap/init-message', 'pass'), timeout])])).toBeDefined();
    expect(claim('slow-s3-breaks-initialisation').contradictedBy([cell(key, [s('instance-bootstrap/init-message', 'break'), timeout])])).toBeUndefined();
    expect(
      claim('slow-s3-breaks-initialisation').contradictedBy([
        cell(key, [s('instance-bootstrap/init-message', 'pass'), s('config-faults/slow-storage', 'break')]),
      ]),
    ).toBeUndefined();
  });

  it('findSeedContradictions returns nothing for an empty run', () => {
    expect(findSeedContradictions([])).toEqual([]);
  });
});
