import { describe, expect, it } from 'vitest';
import { planAlternatives } from './alternatives.ts';
import { answerUpgrade, findingFromUnknown, type PairFinding, type PairLookup } from './answer-upgrade.ts';
import { pairCellId, parseUpgradeQuestion, type Pair } from './upgrade-question.ts';

/** A lookup over a hand-written table of pair states: the unit under test is the decision logic. */
function table(states: Record<string, 'works' | 'breaks'>): PairLookup {
  return (pair: Pair): PairFinding => {
    const state = states[`${pair.chatwoot}/${pair.evolution}`];
    if (!state) return findingFromUnknown(pair, 'local', 'not in the table');
    return {
      pair,
      cellId: pairCellId(pair, 'local'),
      state,
      reason: state,
      breaking: state === 'breaks' ? [{ id: 'bot-command/status-round-trip', title: 't', message: undefined, diagnosis: undefined }] : [],
    };
  };
}

/** The seed matrix's axes: what alternatives are picked from when matrix.json is the matrix. */
const SEED = { chatwoot: ['3.7.0', '3.8.0', '3.9.0'], evolution: ['1.7.4', '1.7.5'] };
const question = (options: Parameters<typeof parseUpgradeQuestion>[0]) => ({ ...parseUpgradeQuestion(options), candidates: SEED });

describe('planAlternatives', () => {
  it('varies the axis the operator does not move, nearest version first, with the step in between', () => {
    const alternatives = planAlternatives(question({ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot@3.8.0' }));
    expect(alternatives).toEqual([
      { axis: 'evolution', value: '1.7.5', final: { chatwoot: '3.8.0', evolution: '1.7.5' }, first: { chatwoot: '3.7.0', evolution: '1.7.5' }, distance: 1 },
    ]);
  });

  it('orders Chatwoot alternatives by distance, newer first at a tie', () => {
    const alternatives = planAlternatives(question({ chatwoot: '3.8.0', evolution: '1.7.5', to: 'evolution@1.7.4' }));
    expect(alternatives.map((a) => a.value)).toEqual(['3.9.0', '3.7.0']);
  });

  it('varies the requested versions when both sides move', () => {
    const alternatives = planAlternatives(question({ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot@3.9.0,evolution@1.7.5' }));
    expect(alternatives.map((a) => `${a.axis}@${a.value}`)).toEqual(['chatwoot@3.8.0', 'evolution@1.7.4', 'chatwoot@3.7.0']);
    expect(alternatives.every((a) => a.first === undefined)).toBe(true);
  });
});

describe('answerUpgrade', () => {
  const grid = {
    '3.7.0/1.7.4': 'works',
    '3.8.0/1.7.4': 'breaks',
    '3.9.0/1.7.4': 'breaks',
    '3.7.0/1.7.5': 'works',
    '3.8.0/1.7.5': 'works',
    '3.9.0/1.7.5': 'works',
  } as const;

  it('no, upgrade Evolution first, when the target breaks and the other Evolution works before and after', () => {
    const answer = answerUpgrade(question({ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot@3.8.0' }), table(grid));
    expect(answer.answer).toBe('no');
    expect(answer.state).toBe('breaks');
    expect(answer.recommendation?.steps).toEqual(['upgrade Evolution to 1.7.5', 'upgrade Chatwoot to 3.8.0']);
    expect(answer.headline).toMatch(/^no: Chatwoot 3\.8\.0 × Evolution 1\.7\.4 \(local storage\) breaks \(1 scenario\) — upgrade Evolution to 1\.7\.5 first/);
  });

  it('yes when the target works', () => {
    const answer = answerUpgrade(question({ chatwoot: '3.8.0', evolution: '1.7.5', to: 'chatwoot@3.9.0' }), table(grid));
    expect(answer.answer).toBe('yes');
    expect(answer.headline).toBe('yes: Chatwoot 3.9.0 × Evolution 1.7.5 (local storage) works');
  });

  it('together, not one before the other, when the step in between breaks', () => {
    const answer = answerUpgrade(question({ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot@3.8.0' }), table({ ...grid, '3.7.0/1.7.5': 'breaks' }));
    expect(answer.recommendation?.summary).toMatch(/together \(Chatwoot 3\.7\.0 × Evolution 1\.7\.5 breaks/);
  });

  it('stay when nothing on the axes makes the target work', () => {
    const answer = answerUpgrade(question({ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot@3.8.0' }), table({ ...grid, '3.8.0/1.7.5': 'breaks' }));
    expect(answer.headline).toMatch(/stay on Chatwoot 3\.7\.0 × Evolution 1\.7\.4/);
  });

  it('unknown is not no, but it is not yes either, and the missing cells are named', () => {
    const answer = answerUpgrade(question({ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot@3.8.0' }), table({ '3.7.0/1.7.4': 'works' }));
    expect(answer.answer).toBe('no');
    expect(answer.state).toBe('unknown');
    expect(answer.headline).toMatch(/^no \(unknown\): no verdict for Chatwoot 3\.8\.0/);
    expect(answer.missing).toContain('cw3.8.0-evo1.7.4-local (not in the table)');
  });
});
