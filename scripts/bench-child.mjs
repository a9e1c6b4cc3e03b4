// One measured run for `npm run bench`: the `run` command exactly as `npm run matrix` starts it (bin/evochat-matrix.mjs,
// in this process), so the figures include what a user waits for — Node's start, loading the CLI, the run, the exit.
// Plain JavaScript, started without a TypeScript loader, so nothing is loaded that the CLI would not load.
//
//   BENCH_CHILD_ARGS    JSON array: the `run` command's arguments
//   BENCH_CHILD_OUTPUT  file this writes at exit: CPU seconds (user and system of every thread of this process, plus
//                       the child processes it waited for, e.g. PostgreSQL of Evolution 2.x twins) and peak RSS
import { readFileSync, writeFileSync } from 'node:fs';

const args = JSON.parse(process.env.BENCH_CHILD_ARGS ?? 'null');
const outputFile = process.env.BENCH_CHILD_OUTPUT;
if (!Array.isArray(args) || !outputFile) {
  process.stderr.write('bench-child: BENCH_CHILD_ARGS (JSON array) and BENCH_CHILD_OUTPUT must be set\n');
  process.exit(2);
}

/** utime+stime of waited-for children (fields 16 and 17 of /proc/self/stat, in clock ticks of 1/100 s). */
function waitedChildrenCpuSeconds() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

process.on('exit', (code) => {
  const usage = process.resourceUsage();
  const measured = {
    exitCode: code,
    cpuUserS: usage.userCPUTime / 1e6,
    cpuSystemS: usage.systemCPUTime / 1e6,
    cpuChildrenS: waitedChildrenCpuSeconds(),
    peakRssMb: usage.maxRSS / 1024,
  };
  writeFileSync(outputFile, JSON.stringify(measured));
});

process.argv = [process.argv[0], new URL('../bin/evochat-matrix.mjs', import.meta.url).pathname, 'run', ...args];
await import('../bin/evochat-matrix.mjs');
