/**
 * One measured run for `npm run bench`, in a process of its own so its CPU time and peak memory are its own:
 * reads its job from BENCH_CHILD_INPUT (JSON), runs the matrix through runMatrix like the CLI does, and writes
 * what it measured to BENCH_CHILD_OUTPUT. CPU counts every thread of this process plus the child processes it
 * waited for (PostgreSQL of Evolution 2.x twins), read from /proc/self/stat where there is one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { runMatrix } from '../src/runner/run-matrix.ts';

const ChildInput = z.object({
  matrixFile: z.string(),
  backend: z.enum(['sim', 'docker']),
  images: z.enum(['upstream', 'twin']),
  outDir: z.string(),
  jobs: z.number().int().positive().optional(),
  filters: z.object({ chatwoot: z.array(z.string()).optional(), storage: z.array(z.string()).optional() }).default({}),
  shard: z.object({ index: z.number().int().positive(), count: z.number().int().positive() }).optional(),
});
export type BenchChildInput = z.input<typeof ChildInput>;

export interface BenchChildOutput {
  wallMs: number;
  cpuUserS: number;
  cpuSystemS: number;
  /** CPU of child processes this one waited for (0 where /proc is missing). */
  cpuChildrenS: number;
  peakRssMb: number;
  cells: number;
  scenarios: number;
  exitCode: number;
  phases: Record<string, number>;
  plannedServices: number;
  naiveServices: number;
  servicesStarted: number;
  backend: string;
}

/** utime+stime of waited-for children (fields 16 and 17 of /proc/self/stat, in clock ticks of 1/100 s). */
function waitedChildrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const input = ChildInput.parse(JSON.parse(process.env.BENCH_CHILD_INPUT ?? 'null'));
  const outputFile = process.env.BENCH_CHILD_OUTPUT;
  if (!outputFile) throw new Error('BENCH_CHILD_OUTPUT is not set');
  const begin = performance.now();
  const run = await runMatrix({
    matrixFile: input.matrixFile,
    backend: input.backend,
    images: input.images,
    outDir: input.outDir,
    command: `bench ${input.backend}`,
    filters: input.filters,
    ...(input.jobs !== undefined ? { jobs: input.jobs } : {}),
    ...(input.shard ? { shard: input.shard } : {}),
  });
  const wallMs = performance.now() - begin;
  const usage = process.resourceUsage();
  const { result, plan } = run;
  const output: BenchChildOutput = {
    wallMs,
    cpuUserS: usage.userCPUTime / 1e6,
    cpuSystemS: usage.systemCPUTime / 1e6,
    cpuChildrenS: waitedChildrenCpuSeconds(),
    peakRssMb: usage.maxRSS / 1024,
    cells: result.cells.length,
    scenarios: result.cells.reduce((sum, cell) => sum + cell.scenarios.length, 0),
    exitCode: run.exitCode,
    phases: result.phases,
    plannedServices: plan.services.length,
    naiveServices: plan.naiveServiceCount,
    servicesStarted: result.services?.started ?? 0,
    backend: `${result.backend}${result.images ? `:${result.images}` : ''}`,
  };
  writeFileSync(outputFile, JSON.stringify(output));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench run failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(3);
  },
);
