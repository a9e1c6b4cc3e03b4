import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

const WORKFLOW_FILE = fileURLToPath(new URL('../../.github/workflows/nightly.yml', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../../package.json', import.meta.url));

// The validator embeds SchemaStore's github-workflow schema (the published one GitHub's editors use); CommonJS + wasm.
const { validateWorkflow } = createRequire(import.meta.url)('@action-validator/core') as {
  validateWorkflow(this: void, source: string): { errors: Array<{ code: string; title: string; path?: string; detail?: string }> };
};

const Step = z.object({
  name: z.string().optional(),
  uses: z.string().optional(),
  run: z.string().optional(),
  if: z.string().optional(),
  with: z.record(z.string(), z.unknown()).optional(),
});
const Job = z.object({
  'runs-on': z.string(),
  needs: z.array(z.string()).optional(),
  if: z.string().optional(),
  strategy: z.object({ 'fail-fast': z.boolean(), matrix: z.record(z.string(), z.array(z.number())) }).optional(),
  steps: z.array(Step).min(1),
});
const Workflow = z.object({
  on: z.object({ schedule: z.array(z.object({ cron: z.string() })).min(1), workflow_dispatch: z.unknown() }),
  permissions: z.record(z.string(), z.string()),
  jobs: z.object({ shard: Job, merge: Job }),
});

describe('.github/workflows/nightly.yml: shards on a job matrix, then merge', () => {
  const source = readFileSync(WORKFLOW_FILE, 'utf8');
  const workflow = Workflow.parse(parse(source));
  const scripts = (JSON.parse(readFileSync(PACKAGE, 'utf8')) as { scripts: Record<string, string> }).scripts;
  const { shard, merge } = workflow.jobs;
  const step = (job: z.infer<typeof Job>, pattern: RegExp) => job.steps.find((candidate) => pattern.test(`${candidate.uses ?? ''} ${candidate.run ?? ''}`));

  it('validates against the published GitHub workflow schema', () => {
    expect(validateWorkflow(source).errors).toEqual([]);
  });

  it('the schema check fails on a broken workflow (so the test above can fail)', () => {
    const broken = source.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest').replace('timeout-minutes: 150', 'timeout-minutes: soon');
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  it('runs one job per shard with fail-fast off, each `run --shard i/N` with N the size of the job matrix', () => {
    expect(shard.strategy?.['fail-fast']).toBe(false);
    const run = step(shard, /npm run matrix/)?.run ?? '';
    const count = Number(/--shard \$\{\{ matrix\.shard \}\}\/(\d+)/.exec(run)?.[1]);
    expect(shard.strategy?.matrix.shard).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(run).toContain('npm run matrix -- --matrix matrix.extended.json --shard ${{ matrix.shard }}/3 --out out');
    // Verdicts are judged after the merge: only a usage error fails a shard job.
    expect(run).toMatch(/if \[ "\$code" -eq 2 \]; then exit 2; fi/);
  });

  it('uploads every shard, failing or not, under a name the merge job downloads', () => {
    const upload = step(shard, /actions\/upload-artifact@/);
    expect(upload?.if).toBe('always()');
    expect(upload?.with).toMatchObject({ name: 'evochat-shard-${{ matrix.shard }}', path: 'out/' });
    const download = step(merge, /actions\/download-artifact@/);
    expect(download?.with).toMatchObject({ pattern: 'evochat-shard-*', path: 'shards' });
  });

  it('merges after every shard job (also failed ones), comparing with the previous night, and fails only on its exit code', () => {
    expect(merge.needs).toEqual(['shard']);
    expect(merge.if).toBe('always()');
    expect(step(merge, /npm run merge/)?.run).toBe('npm run merge -- shards --matrix matrix.extended.json --out out ${{ steps.previous.outputs.compare }}');
    const previous = merge.steps.find((candidate) => candidate.name?.includes('previous'));
    expect(previous?.run).toContain('--name evochat-matrix-merged');
    expect(previous?.run).toContain('--compare previous/result.json');
  });

  it('uploads the merged result (the next night compares with it) and the HTML report', () => {
    const uploads = merge.steps.filter((candidate) => candidate.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads.map((upload) => upload.with?.name)).toEqual(['evochat-matrix-merged', 'evochat-matrix-report']);
    expect(uploads[1]?.with?.path).toBe('out/report.html');
  });

  it('uses only npm scripts package.json has', () => {
    const npmRuns = [...shard.steps, ...merge.steps].flatMap((candidate) =>
      [...(candidate.run ?? '').matchAll(/npm run (\S+)/g)].map((match) => match[1] ?? ''),
    );
    expect(npmRuns).toEqual(['setup', 'matrix', 'merge']);
    for (const script of npmRuns) expect(scripts[script], `package.json script "${script}"`).toBeDefined();
  });
});
