import { describe, expect, it } from 'vitest';
import type { ScenarioOutcome } from '../model/scenario-outcome.ts';
import { createProgressDisplay, type ProgressStream } from './progress.ts';

function stream(isTTY: boolean): ProgressStream & { text: string } {
  const s = { text: '', isTTY, columns: 80, write: (chunk: string) => (s.text += chunk) };
  return s;
}

const outcome = (cellId: string, status: ScenarioOutcome['status']): ScenarioOutcome => ({
  cellId,
  id: 'auth/x',
  suite: 'auth',
  title: 'x',
  seedSymptom: 's',
  status,
  durationMs: 1,
});

const cells = [
  { id: 'a', scenarios: 2 },
  { id: 'b', scenarios: 1 },
];

describe('progress display', () => {
  it('writes plain lines per phase and per finished cell when not a TTY', () => {
    const out = stream(false);
    const progress = createProgressDisplay({ stream: out, enabled: true, cells });
    progress.phase('backend', 'starting 9 services');
    progress.scenario(outcome('a', 'pass'));
    progress.scenario(outcome('a', 'break'));
    progress.scenario(outcome('b', 'pass'));
    progress.stop();
    expect(out.text).toBe('[backend] starting 9 services\n[scenarios] a done: 1 pass, 1 break (1/2 cells)\n[scenarios] b done: 1 pass (2/2 cells)\n');
    expect(out.text).not.toContain('\u001b');
  });

  it('rewrites one line on a TTY and clears it at the end', () => {
    const out = stream(true);
    const progress = createProgressDisplay({ stream: out, enabled: true, cells });
    progress.phase('scenarios', 'running');
    progress.scenario(outcome('a', 'break'));
    expect(out.text.split('\r\u001b[2K').at(-1)).toBe('[scenarios] running · 1/3 scenarios, 0/2 cells (1 break)');
    expect(out.text).not.toContain('\n');
    progress.stop();
    expect(out.text.endsWith('\r\u001b[2K')).toBe(true);
  });

  it('cuts the live line to the terminal width', () => {
    const out = stream(true);
    out.columns = 20;
    createProgressDisplay({ stream: out, enabled: true, cells }).phase('backend', 'a very long message that does not fit');
    expect([...out.text.split('\r\u001b[2K').at(-1)!].length).toBe(19);
  });

  it('writes nothing with --no-progress', () => {
    const out = stream(true);
    const progress = createProgressDisplay({ stream: out, enabled: false, cells });
    progress.phase('x', 'y');
    progress.scenario(outcome('a', 'pass'));
    progress.stop();
    expect(out.text).toBe('');
  });
});
