/** Where a service writes its log lines. Twins log like upstream; sinks decide where it goes. */
export interface LogSink {
  write(line: string): void;
}

export interface MemoryLogSink extends LogSink {
  lines(): string[];
}

export const stdoutSink: LogSink = {
  write(line) {
    process.stdout.write(line.endsWith('\n') ? line : `${line}\n`);
  },
};

export function createMemorySink(): MemoryLogSink {
  const lines: string[] = [];
  return {
    write(line) {
      for (const part of line.replace(/\n$/, '').split('\n')) lines.push(part);
    },
    lines: () => [...lines],
  };
}

export function teeSink(...sinks: LogSink[]): LogSink {
  return { write: (line) => sinks.forEach((sink) => sink.write(line)) };
}
