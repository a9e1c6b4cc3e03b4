/**
 * A test-only switch: `EVOCHAT_TEST_HOLD_AT=<point>[,<point>…]` makes a run stop at each point, print one line
 * (`evochat test hold: <point> …`) on stderr and wait there until the run is interrupted. The harness's own
 * tests use it to send a signal at a known moment instead of racing a run that may already have finished.
 * Nothing else sets it; a run that sees it says so at its start, since such a run never ends by itself.
 */
import { writeSync } from 'node:fs';
import { UsageError } from '../errors/index.ts';

export const TEST_HOLD_ENV = 'EVOCHAT_TEST_HOLD_AT';

export const TEST_HOLD_POINTS = {
  'service-started': 'the first container is ready while the others still start (docker backend)',
  scenario: 'a scenario runs inside the suite runner (vitest)',
  stop: 'the run was interrupted and is about to stop its services',
} as const;

export type TestHoldPoint = keyof typeof TEST_HOLD_POINTS;

/** The points the environment asks for; a value that names none is a usage error, not silently ignored. */
export function requestedHoldPoints(env: NodeJS.ProcessEnv = process.env): TestHoldPoint[] {
  const value = env[TEST_HOLD_ENV];
  if (value === undefined || value === '') return [];
  const points = value.split(',').map((point) => point.trim());
  for (const point of points) {
    if (!Object.hasOwn(TEST_HOLD_POINTS, point)) {
      throw new UsageError(
        `${TEST_HOLD_ENV}=${value.slice(0, 60)}: "${point.slice(0, 30)}" is not a hold point (allowed: ${Object.keys(TEST_HOLD_POINTS).join(', ')})`,
      );
    }
  }
  return points as TestHoldPoint[];
}

/** The warning a run prints at its start while the switch is set. */
export function holdWarning(points: readonly TestHoldPoint[]): string {
  const where = points.map((point) => TEST_HOLD_POINTS[point]).join('; and when ');
  return `warning: ${TEST_HOLD_ENV}=${points.join(',')} is set (test-only): this run stops when ${where}, and waits until it is interrupted\n`;
}

/** The line printed once the point is reached; tests wait for it. */
export function holdLine(point: TestHoldPoint): string {
  return `evochat test hold: ${point} reached (pid ${process.pid}); waiting to be interrupted\n`;
}

/**
 * Waits at `point` when the environment asks for it: until `signal` aborts, or for good without one (the run
 * is then ended by its interrupt). Returns at once otherwise. The line goes straight to file descriptor 2,
 * so it reaches the process's stderr from a vitest worker too (vitest captures the worker's process.stderr).
 */
export async function holdForTest(point: TestHoldPoint, options: { signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  let requested: TestHoldPoint[];
  try {
    requested = requestedHoldPoints(options.env);
  } catch {
    return; // the run itself rejects a bad value before it gets here
  }
  if (!requested.includes(point) || options.signal?.aborted) return;
  writeSync(2, holdLine(point));
  // A referenced timer keeps the event loop alive while held: nothing else may, e.g. in a worker.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    clearInterval(keepAlive);
  }
}
