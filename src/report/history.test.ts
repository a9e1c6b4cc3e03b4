import { describe, expect, it } from 'vitest';
import type { RunResult, Verdict } from '../model/result-schema.ts';
import { classifyChange, compareResults, exitCodeWithHistory, listProblems } from './history.ts';
import { loadFixture } from './test-support/result-fixtures.ts';

function withVerdicts(base: RunResult, verdicts: Record<string, Verdict>, exitCode = 0): RunResult {
  return { ...base, exitCode, cells: base.cells.map((cell) => ({ ...cell, verdict: verdicts[cell.id] ?? cell.verdict })) };
}

describe('classifyChange', () => {
  it.each([
    ['pass', 'pass', undefined],
    ['pass', 'expected-break', 'newly-broken'],
    ['pass', 'unexpected-break', 'newly-broken'],
    ['unexpected-pass', 'expected-break', 'newly-broken'],
    ['unexpected-break', 'pass', 'newly-fixed'],
    ['expected-break', 'unexpected-pass', 'newly-fixed'],
    ['pass', 'error', 'changed'],
    ['error', 'unexpected-break', 'changed'],
    ['expected-break', 'unexpected-break', 'changed'],
    ['skipped', 'pass', 'changed'],
  ] as const)('%s → %s is %s', (previous, current, expected) => {
    expect(classifyChange(previous, current)).toBe(expected);
  });
});

describe('compareResults', () => {
  const current = loadFixture('sample-result');
  const previous = loadFixture('previous-result');

  it('marks each cell whose verdict moved, with the previous verdict, and lists them', () => {
    const compared = compareResults(current, previous, { previousLabel: 'previous/result.json' });
    const byId = new Map(compared.cells.map((cell) => [cell.id, cell]));
    expect(byId.get('cw3.9.0-evo1.7.5-minio')).toMatchObject({ change: 'newly-broken', previousVerdict: 'pass' });
    expect(byId.get('cw3.9.0-evo1.7.5-local')).toMatchObject({ change: 'newly-fixed', previousVerdict: 'unexpected-break' });
    expect(byId.get('cw3.8.0-evo1.7.5-minio')).toMatchObject({ change: 'changed', previousVerdict: 'pass' });
    expect(byId.get('cw3.8.0-evo1.7.4-local')?.change).toBeUndefined();
    expect(byId.get('cw3.8.0-evo1.7.4-local')?.previousVerdict).toBe('expected-break');
    expect(compared.compare).toEqual({
      previous: 'previous/result.json',
      changedCells: ['cw3.9.0-evo1.7.5-local', 'cw3.8.0-evo1.7.5-minio', 'cw3.9.0-evo1.7.5-minio'],
    });
  });

  it('does not touch its inputs and replaces marks from an earlier comparison', () => {
    const before = structuredClone(current);
    const once = compareResults(current, previous);
    expect(current).toEqual(before);
    const again = compareResults(once, once);
    expect(again.cells.every((cell) => cell.change === undefined)).toBe(true);
    expect(again.compare).toEqual({ previous: current.runId, changedCells: [] });
  });

  it('matches cells by versions and storage, not by position or id', () => {
    const reordered: RunResult = {
      ...previous,
      cells: [...previous.cells].reverse().map((cell) => ({ ...cell, id: `renamed-${cell.id}` })),
    };
    const compared = compareResults(current, reordered);
    expect(compared.compare?.changedCells).toEqual(['cw3.9.0-evo1.7.5-local', 'cw3.8.0-evo1.7.5-minio', 'cw3.9.0-evo1.7.5-minio']);
  });

  it('leaves cells the previous run did not have unmarked', () => {
    const smaller: RunResult = { ...previous, cells: previous.cells.filter((cell) => cell.storage === 'local') };
    const compared = compareResults(current, smaller);
    const minio = compared.cells.filter((cell) => cell.storage === 'minio');
    expect(minio.every((cell) => cell.change === undefined && cell.previousVerdict === undefined)).toBe(true);
  });

  it('recomputes the exit code with history', () => {
    expect(compareResults(current, previous).exitCode).toBe(1);
  });
});

describe('exitCodeWithHistory: one cell, one problem', () => {
  const allPass = withVerdicts(loadFixture('sample-result'), Object.fromEntries(loadFixture('sample-result').cells.map((cell) => [cell.id, 'pass' as const])));

  it('is 0 when every cell is as expected and nothing changed', () => {
    expect(listProblems(allPass)).toEqual([]);
    expect(exitCodeWithHistory(allPass)).toBe(0);
  });

  it('counts a cell that is newly broken AND an unexpected break once, with both reasons', () => {
    const previous = allPass;
    const current = withVerdicts(allPass, { 'cw3.9.0-evo1.7.5-minio': 'unexpected-break' }, 1);
    const compared = compareResults(current, previous);
    expect(listProblems(compared)).toEqual([
      { cellId: 'cw3.9.0-evo1.7.5-minio', title: 'chatwoot-3.9.0 × evolution-1.7.5 × minio', reasons: ['unexpected-break', 'newly-broken'] },
    ]);
    expect(exitCodeWithHistory(compared)).toBe(1);
  });

  it('fails on a cell newly broken even where matrix.json expects the break', () => {
    const current = withVerdicts(allPass, { 'cw3.8.0-evo1.7.4-local': 'expected-break' });
    const compared = compareResults(current, allPass);
    expect(listProblems(compared)).toEqual([expect.objectContaining({ cellId: 'cw3.8.0-evo1.7.4-local', reasons: ['newly-broken'] })]);
    expect(exitCodeWithHistory(compared)).toBe(1);
    // Without history the same result is fine: the break is expected.
    expect(exitCodeWithHistory(current)).toBe(0);
  });

  it('never fails on a newly fixed cell', () => {
    const previous = withVerdicts(allPass, { 'cw3.9.0-evo1.7.5-local': 'unexpected-break' }, 1);
    const compared = compareResults(allPass, previous);
    expect(compared.cells.find((cell) => cell.id === 'cw3.9.0-evo1.7.5-local')?.change).toBe('newly-fixed');
    expect(exitCodeWithHistory(compared)).toBe(0);
  });

  it('reports infrastructure errors as 3 when nothing is unexpected, and unexpected results win over them', () => {
    const errorOnly = withVerdicts(allPass, { 'cw3.8.0-evo1.7.5-minio': 'error' });
    expect(exitCodeWithHistory(errorOnly)).toBe(3);
    const both = withVerdicts(allPass, { 'cw3.8.0-evo1.7.5-minio': 'error', 'cw3.7.0-evo1.7.4-local': 'unexpected-pass' }, 3);
    expect(exitCodeWithHistory(both)).toBe(1);
  });

  it('keeps the runner’s own failure and a usage error', () => {
    expect(exitCodeWithHistory({ ...allPass, exitCode: 3 })).toBe(3);
    expect(exitCodeWithHistory({ ...allPass, exitCode: 2 })).toBe(2);
  });
});
