/**
 * Parses `ldd <binary>` output into the files a root filesystem needs for the binary to run:
 * every resolved shared library and the dynamic loader. The vDSO has no file and is skipped.
 * Throws on "not found": an image that cannot start is worse than a build that stops.
 */
export function parseLddOutput(output: string): string[] {
  const files = new Set<string>();
  for (const rawLine of output.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('linux-vdso') || line.startsWith('linux-gate')) continue;
    if (/=>\s*not found/.test(line)) throw new Error(`ldd: a library is missing: ${line}`);
    const arrow = /=>\s*(\/\S+)/.exec(line);
    if (arrow) {
      files.add(arrow[1]!);
      continue;
    }
    // The loader line has no arrow: "/lib64/ld-linux-x86-64.so.2 (0x…)".
    const loader = /^(\/\S+)\s+\(0x[0-9a-f]+\)$/i.exec(line);
    if (loader) files.add(loader[1]!);
    else if (/statically linked/.test(line)) continue;
  }
  return [...files].sort();
}
