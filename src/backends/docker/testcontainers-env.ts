/**
 * testcontainers settings this harness needs on every machine it supports (MACHINE-NOTES):
 * - TESTCONTAINERS_RYUK_DISABLED=true: the Ryuk reaper image cannot be pulled where no registry answers, and
 *   we clean up ourselves, by label (labels.ts, cleanup.ts), also after SIGINT and through `clean`.
 * - TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1: ports are published on 127.0.0.1 only, so that is where they are reached.
 * A value the user set wins; we only fill in what is missing.
 */
export const TESTCONTAINERS_DEFAULTS = {
  TESTCONTAINERS_RYUK_DISABLED: 'true',
  TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1',
} as const;

/** Returns the names it set. Call before the first testcontainers call of the process. */
export function applyTestcontainersDefaults(env: NodeJS.ProcessEnv = process.env): string[] {
  const applied: string[] = [];
  for (const [name, value] of Object.entries(TESTCONTAINERS_DEFAULTS)) {
    if (env[name] === undefined || env[name] === '') {
      env[name] = value;
      applied.push(name);
    }
  }
  return applied;
}
