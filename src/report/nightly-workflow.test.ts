import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

const WORKFLOW = fileURLToPath(new URL('../../.github/workflows/nightly-matrix.yml', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../../package.json', import.meta.url));

const Step = z.object({
  name: z.string().optional(),
  uses: z.string().optional(),
  run: z.string().optional(),
  if: z.string().optional(),
  with: z.record(z.string(), z.unknown()).optional(),
});
const Workflow = z.object({
  on: z.object({ schedule: z.array(z.object({ cron: z.string() })).min(1), workflow_dispatch: z.unknown() }),
  permissions: z.record(z.string(), z.string()),
  jobs: z.record(
    z.string(),
    z.object({
      'runs-on': z.string(),
      needs: z.array(z.string()).optional(),
      if: z.string().optional(),
      strategy: z.object({ 'fail-fast': z.boolean(), matrix: z.record(z.string(), z.array(z.string())) }).optional(),
      steps: z.array(Step).min(1),
    }),
  ),
});

describe('.github/workflows/nightly-matrix.yml (an example users copy)', () => {
  const workflow = Workflow.parse(parse(readFileSync(WORKFLOW, 'utf8')));
  const scripts = (JSON.parse(readFileSync(PACKAGE, 'utf8')) as { scripts: Record<string, string> }).scripts;
  const matrixJob = workflow.jobs.matrix;
  const steps = matrixJob?.steps ?? [];
  const step = (pattern: RegExp) => steps.find((candidate) => pattern.test(`${candidate.uses ?? ''} ${candidate.run ?? ''}`));

  it('runs nightly and by hand', () => {
    expect(workflow.on.schedule[0]?.cron).toMatch(/^\S+ \S+ \* \* \*$/);
    expect('workflow_dispatch' in workflow.on).toBe(true);
  });

  it('fans out per Chatwoot version with fail-fast off', () => {
    expect(matrixJob?.strategy?.['fail-fast']).toBe(false);
    expect(matrixJob?.strategy?.matrix.chatwoot).toEqual(['3.7.0', '3.8.0', '3.9.0']);
  });

  it('sets up Node 20 and the project with the npm scripts package.json has', () => {
    const setupNode = step(/actions\/setup-node@/);
    expect(setupNode?.with?.['node-version']).toBe(20);
    const npmRuns = steps.flatMap((candidate) => [...(candidate.run ?? '').matchAll(/npm run (\S+)/g)].map((match) => match[1] ?? ''));
    expect(npmRuns).toEqual(['setup', 'matrix']);
    for (const script of npmRuns) expect(scripts[script], `package.json script "${script}"`).toBeDefined();
    expect(step(/npm run setup/)?.run).toContain('--with-docker');
  });

  it('runs the matrix for its Chatwoot version into out/, comparing with the previous night when it can', () => {
    const run = step(/npm run matrix/)?.run ?? '';
    expect(run).toContain('--chatwoot ${{ matrix.chatwoot }}');
    expect(run).toContain('--out out');
    expect(run).toContain('${{ steps.previous.outputs.compare }}');
    expect(steps.find((candidate) => candidate.name?.includes('previous'))?.run).toContain('--compare previous/result.json');
  });

  it('uploads out/ as an artifact even when the run fails, and publishes the JUnit file', () => {
    const upload = step(/actions\/upload-artifact@/);
    expect(upload?.if).toBe('always()');
    expect(upload?.with?.path).toBe('out/');
    expect(String(upload?.with?.name)).toContain('${{ matrix.chatwoot }}');
    const junit = step(/action-junit-report@/);
    expect(junit?.if).toContain('always()');
    expect(junit?.with?.report_paths).toBe('out/junit.xml');
    // The exit code decides; expected breaks are JUnit failures and must not fail the job by themselves.
    expect(junit?.with?.fail_on_failure).toBe(false);
    expect(workflow.permissions.checks).toBe('write');
  });

  it('ends with one job that fails when any matrix job failed or was cancelled', () => {
    const end = workflow.jobs.end;
    expect(end?.needs).toEqual(['matrix']);
    expect(end?.if).toBe('always()');
    const script = end?.steps.map((candidate) => candidate.run ?? '').join('\n') ?? '';
    expect(script).toContain('needs.matrix.result');
    expect(script).toMatch(/failure.*cancelled|cancelled.*failure/);
  });
});
