import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RunResult } from '../model/result-schema.ts';
import { runRepro } from './run-repro.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/bug-reports/', import.meta.url));
const fixtures = (await readdir(FIXTURES)).filter((name) => /\.(ya?ml|json)$/.test(name)).sort();

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'repro-fixtures-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('every bug-report fixture reproduces its symptom on the sim backend', () => {
  it.each(fixtures)(
    '%s',
    async (name) => {
      const bundle = join(out, name.replace(/\.\w+$/, ''));
      const run = await runRepro({ file: join(FIXTURES, name), outDir: bundle, backend: 'sim', images: 'upstream' });
      const unmet = run.verdict.observations.filter((observation) => !observation.met).map((o) => `${o.expectation.id}: ${o.actual}`);
      expect(unmet).toEqual([]);
      expect(run.verdict.outcome).toBe('reproduced');
      expect(run.exitCode).toBe(0);
      expect(run.result.backend).toBe('sim');

      // The bundle: at least docker-compose.yml, README.md and result.json, the reports, the failing exchanges.
      for (const file of ['docker-compose.yml', 'README.md', 'result.json', 'junit.xml', 'summary.md', 'report.html', 'matrix.json']) {
        expect((await stat(join(bundle, file))).isFile(), file).toBe(true);
      }
      expect(RunResult.safeParse(JSON.parse(await readFile(join(bundle, 'result.json'), 'utf8'))).success).toBe(true);
      const compose = parse(await readFile(join(bundle, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { image: string }> };
      expect(compose.services['chatwoot-rails']!.image).toBe(`chatwoot/chatwoot:v${run.report.versions.chatwoot}`);
      expect(compose.services['evolution-app']!.image).toBe(`atendai/evolution-api:v${run.report.versions.evolution}`);
      const readme = await readFile(join(bundle, 'README.md'), 'utf8');
      expect(readme).toMatch(/^# Reproduction: /);
      expect(readme).toContain('**REPRODUCED**');
      expect(readme).toContain('not the upstream images');
      for (const scenario of run.verdict.failing) {
        const evidence = join(bundle, 'evidence', scenario.id.replace(/[^a-z0-9]+/gi, '-'));
        expect(JSON.parse(await readFile(join(evidence, 'exchanges.json'), 'utf8')).length, scenario.id).toBeGreaterThan(0);
        if (scenario.diagnosis) expect(readme).toContain(scenario.diagnosis.remedy);
      }
      // No secret of the run leaks into the bundle (the stack's tokens are registered with the redactor).
      expect(readme).not.toMatch(/^(api_access_token|apikey|authorization): (?!\[REDACTED\])\S/im);
    },
    120_000,
  );
});
