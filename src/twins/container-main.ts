/**
 * Entry point of the twin images (scripts/build-twin-images.ts bundles this file with every twin).
 * The role comes from argv[2] when it names one (`container-main.mjs proxy`), else from TWIN_ROLE,
 * which each image bakes in. The rest of argv is the upstream command of the image the twin stands in
 * for (container-command.ts). Binds 0.0.0.0: inside a container the published port is the boundary.
 * SIGTERM/SIGINT close the twin gracefully (docker stop), then the process exits 0.
 */
import { createServer, type Server } from 'node:net';
import { basename } from 'node:path';
import { toHarnessError } from '../errors/index.ts';
import { CONTAINER_BIND_HOST, isContainerRole, parseContainerCommand } from './container-command.ts';
import { runPostgresContainer } from './postgres/postgres-container.ts';
import { startTwin } from './start-twin.ts';
import type { StartedTwin } from '../model/twin-types.ts';

/** Env each role's twin reads for what the upstream command line carries (data directory of MinIO's `server <dir>`). */
export const S3_DATA_DIR_ENV = 'TWIN_S3_DIR';

async function main(): Promise<number> {
  const [, script = '', ...rest] = process.argv;
  // Launchers (bundle, rails.sh, docker-entrypoint.sh, main.js) import this module; argv[1] is the launcher.
  const invokedAs = basename(script);
  let args = rest;
  let role = process.env.TWIN_ROLE;
  // The postgresql image's command is `postgres` (as the official image's), which is not a role switch there.
  if (isContainerRole(args[0]) && role !== 'postgresql') {
    role = args[0];
    args = args.slice(1);
  }
  if (!isContainerRole(role)) {
    process.stderr.write(`twin container: no role: pass chatwoot|evolution|s3|proxy|postgres|redis|postgresql as the first argument or set TWIN_ROLE\n`);
    return 2;
  }
  const action = parseContainerCommand(role, invokedAs, args);
  if (action.kind === 'exit') {
    (action.code === 0 ? process.stdout : process.stderr).write(`${action.message}\n`);
    return action.code;
  }
  if (action.kind === 'placeholder') return runPlaceholder(action.name, action.port, action.lines);
  if (action.kind === 'postgresql') {
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGTERM', () => resolve());
      process.once('SIGINT', () => resolve());
    });
    try {
      return await runPostgresContainer(process.env, { write: (line) => process.stdout.write(`${line}\n`) }, stopped);
    } catch (error) {
      process.stderr.write(`postgresql: ${toHarnessError(error).message}\n`);
      return 1;
    }
  }

  const env: Record<string, string | undefined> = { ...process.env };
  if (action.dataDir !== undefined) env[S3_DATA_DIR_ENV] = action.dataDir;
  let twin: StartedTwin;
  try {
    twin = await startTwin(action.role, { env, host: action.host, ...(action.port === undefined ? {} : { port: action.port }) });
  } catch (error) {
    const harnessError = toHarnessError(error);
    process.stderr.write(`twin container: ${action.role} failed to start: ${harnessError.code}: ${harnessError.message}\n`);
    return 1;
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (received: NodeJS.Signals) => resolve(received);
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  process.stdout.write(`twin container: ${signal}: stopping ${action.role}\n`);
  // docker stop waits 10 s before SIGKILL; do not let a hung close hold the container that long.
  const forced = setTimeout(() => process.exit(0), 5_000);
  forced.unref();
  await twin.close();
  return 0;
}

/** Accepts TCP (and closes it), prints the readiness lines, waits for SIGTERM: see ContainerAction 'placeholder'. */
async function runPlaceholder(name: string, port: number | undefined, lines: string[]): Promise<number> {
  let server: Server | undefined;
  if (port !== undefined) {
    const listening = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(port, CONTAINER_BIND_HOST, () => resolve());
    });
    server = listening;
  }
  for (const line of lines) process.stdout.write(`${line}\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  process.stdout.write(`${name} placeholder: ${signal}: stopping\n`);
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`twin container: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
