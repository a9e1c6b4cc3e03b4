/**
 * Whether the Docker end-to-end tests run here. Without an engine they skip with a clear message, except
 * when CI is set: CI must run them (scripts/setup.sh --with-docker starts an engine), so there a missing
 * engine makes them fail instead of silently skipping.
 */
import { probeDockerEngine, type EngineProbe } from '../engine.ts';

export interface DockerGate {
  /** Run the tests (an engine answers, or CI demands them). */
  run: boolean;
  probe: EngineProbe;
}

export async function dockerGate(what: string): Promise<DockerGate> {
  const probe = await probeDockerEngine(5_000);
  if (probe.available) return { run: true, probe };
  if (process.env.CI) return { run: true, probe };
  process.stderr.write(
    `\n[skip] ${what}: no Docker engine answers (${probe.reason}).\n` +
      '       Start one (as root: bash scripts/start-docker-engine.sh) to run them; with CI set they run and fail instead.\n\n',
  );
  return { run: false, probe };
}

/** In beforeAll: fail with the probe's reason when CI demanded the tests but no engine answers. */
export function requireEngine(gate: DockerGate): void {
  if (!gate.probe.available) throw new Error(`CI is set, so the Docker end-to-end tests must run, but no Docker engine answers: ${gate.probe.reason}`);
}
