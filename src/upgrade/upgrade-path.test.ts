import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../model/result-schema.ts';
import { findingFromUnknown, type PairFinding, type PairLookup } from './answer-upgrade.ts';
import { describePath, pathPairs } from './upgrade-path.ts';
import { pairCellId, parseUpgradeQuestion, type Pair } from './upgrade-question.ts';

const diagnosis = (rule: string): Diagnosis => ({ rule, summary: rule, remedy: '', references: [] });

/** A hand-written table of what runs found: the unit under test is how the walk reads it, not the verdicts. */
function table(states: Record<string, readonly string[] | 'works'>): PairLookup {
  return (pair: Pair): PairFinding => {
    const state = states[`${pair.chatwoot}/${pair.evolution}`];
    if (state === undefined) return findingFromUnknown(pair, 'local', 'not in the table');
    const breaking = state === 'works' ? [] : state.map((rule) => ({ id: `x/${rule}`, title: 't', message: undefined, diagnosis: diagnosis(rule) }));
    return { pair, cellId: pairCellId(pair, 'local'), state: state === 'works' ? 'works' : 'breaks', reason: '', breaking };
  };
}

const CONTACT_ID = ['chatwoot-rejects-contact-id'];
const RAN = table({
  '3.7.0/1.7.4': 'works',
  '3.8.0/1.7.4': CONTACT_ID,
  '3.9.0/1.7.4': CONTACT_ID,
  '3.16.0/1.7.4': CONTACT_ID,
  '4.0.4/1.7.4': CONTACT_ID,
  '4.12.1/1.7.4': CONTACT_ID,
  '4.13.0/1.7.4': CONTACT_ID,
  '4.14.0/1.7.4': [...CONTACT_ID, 'chatwoot-refuses-private-webhook-target'],
  '4.14.2/1.7.4': 'works',
  '4.15.1/1.7.4': 'works',
});

describe('the walk through the Chatwoot profiles (can-i-upgrade)', () => {
  it('names where the verdict changes, from the runs, and what the profiles on the way say', () => {
    const path = describePath(parseUpgradeQuestion({ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot@4.15.1' }), RAN)!;
    expect(path.steps.map((step) => `${step.pair.chatwoot} ${step.state}`)).toEqual([
      '3.7.0 works',
      '3.8.0 breaks',
      '3.9.0 breaks',
      '3.16.0 breaks',
      '4.0.4 breaks',
      '4.12.1 breaks',
      '4.13.0 breaks',
      '4.14.0 breaks',
      '4.14.2 works',
      '4.15.1 works',
    ]);
    expect(path.changes).toEqual(['breaks at 3.8.0 (contact_id)', '4.14.0 also breaks (webhooks to private addresses refused)', 'works again at 4.14.2']);
    expect(path.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^from 4\.0\.0 Chatwoot needs Postgres with pgvector/),
        expect.stringMatching(/^4\.14\.0 refuses webhooks to private addresses/),
        expect.stringMatching(/^from 4\.14\.1 set SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true/),
      ]),
    );
  });

  it('walks only the versions the matrix can run, and backwards on a downgrade', () => {
    const seed = {
      ...parseUpgradeQuestion({ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot@4.15.1' }),
      candidates: { chatwoot: ['3.7.0', '3.9.0', '4.15.1'] },
    };
    expect(pathPairs(seed).map((pair) => pair.chatwoot)).toEqual(['3.9.0']);
    const down = parseUpgradeQuestion({ chatwoot: '4.14.2', evolution: '1.7.4', to: 'chatwoot@4.0.4' });
    expect(pathPairs(down).map((pair) => pair.chatwoot)).toEqual(['4.14.0', '4.13.0', '4.12.1']);
    expect(describePath(down, RAN)!.changes).toEqual(['breaks at 4.14.0 (contact_id, webhooks to private addresses refused)']);
  });

  it('says nothing about unknown steps, and has no walk when Chatwoot stays', () => {
    const partial = describePath(parseUpgradeQuestion({ chatwoot: '3.7.0', evolution: '1.7.5', to: 'chatwoot@3.9.0' }), RAN)!;
    expect(partial.steps.every((step) => step.state === 'unknown')).toBe(true);
    expect(partial.changes).toEqual([]);
    expect(describePath(parseUpgradeQuestion({ chatwoot: '3.8.0', evolution: '1.7.4', to: 'evolution@1.7.5' }), RAN)).toBeUndefined();
  });
});
