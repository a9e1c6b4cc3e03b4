import { describe, expect, it } from 'vitest';
import { createLogCapture, type LogCapture } from '../../evidence/log-capture.ts';
import type { DockerEnvironment } from './docker-environment.ts';
import { logSources } from './docker-evidence.ts';
import type { DockerRun } from './docker-run.ts';

/** A capture whose lines carry the given timestamps. */
function captureAt(service: string, lines: [number, string][]): LogCapture {
  let clock = 0;
  const capture = createLogCapture({ service, now: () => clock });
  for (const [at, line] of lines) {
    clock = at;
    capture.write(line);
  }
  return capture;
}

/** Docker log sources over two containers of one service (rails and sidekiq), as the backend builds them. */
function dockerSources() {
  const rails = captureAt('rails', [
    [1000, 'rails boot'],
    [3000, 'rails late'],
  ]);
  const sidekiq = captureAt('sidekiq', [[2000, 'sidekiq middle']]);
  const spec = (name: string, role: string) => ({ name, role, serviceId: 'chatwoot-3.8.0' });
  const run = {
    logs: new Map([
      ['rails', { spec: spec('rails', 'chatwoot-rails'), capture: rails }],
      ['sidekiq', { spec: spec('sidekiq', 'chatwoot-sidekiq'), capture: sidekiq }],
    ]),
  };
  const env = { plan: { services: [{ id: 'chatwoot-3.8.0', cells: ['cell-a'] }] } };
  return logSources(env as unknown as DockerEnvironment, run as unknown as DockerRun);
}

describe('docker log sources', () => {
  it("group a service's containers under its plan id, in time order", () => {
    const [source, ...rest] = dockerSources();
    expect(rest).toEqual([]);
    expect(source!.service).toBe('chatwoot-3.8.0');
    expect(source!.cells).toEqual(['cell-a']);
    expect(source!.entries({}).map((entry) => entry.line)).toEqual(['rails boot', 'sidekiq middle', 'rails late']);
  });

  it("read `since` as the sim backend's captures do: epoch ms, digits, ISO date; an unreadable one is no condition", () => {
    const [source] = dockerSources();
    const lines = (since: number | string | undefined) => source!.entries({ since }).map((entry) => entry.line);
    expect(lines(2000)).toEqual(['sidekiq middle', 'rails late']);
    expect(lines('2000')).toEqual(['sidekiq middle', 'rails late']);
    expect(lines(new Date(2500).toISOString())).toEqual(['rails late']);
    expect(lines('soon')).toEqual(['rails boot', 'sidekiq middle', 'rails late']);
    // The sim backend's log source is the capture itself: the same answers.
    const sim = captureAt('sim', [
      [1000, 'a'],
      [2000, 'b'],
      [3000, 'c'],
    ]);
    expect(sim.entries({ since: '2000' }).map((entry) => entry.line)).toEqual(['b', 'c']);
    expect(sim.entries({ since: 'soon' }).map((entry) => entry.line)).toEqual(['a', 'b', 'c']);
  });
});
