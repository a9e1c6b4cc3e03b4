import type { TwinRole } from '../model/twin-types.ts';

/**
 * How a twin image reads the command the docker backend gives it. The backend starts twin images
 * through the same container specs as the upstream images (DESIGN.md §3), so each twin accepts the
 * upstream command line of the image it stands in for:
 * - chatwoot: `docker/entrypoints/rails.sh bundle exec rails s -p 3000 -b 0.0.0.0` (chatwoot-3.7-3.9.md §5),
 *   `bundle exec rails db:chatwoot_prepare` and `bundle exec sidekiq -C config/sidekiq.yml`;
 * - evolution: `node ./dist/src/main.js` (evolution-api-1.7.md §7);
 * - s3 (MinIO's role): `[minio] server /data [--address :9000]`;
 * - proxy: no arguments (configured by env).
 */
export type ContainerAction =
  | { kind: 'serve'; role: TwinRole; port: number | undefined; host: string; dataDir: string | undefined }
  /**
   * A placeholder for a container the twin does not need, so the upstream topology can run on local images:
   * prints the upstream readiness lines, accepts TCP on the port (speaking no protocol), idles until SIGTERM.
   */
  | { kind: 'placeholder'; name: string; port: number | undefined; lines: string[] }
  /** The locally built PostgreSQL image: a real server (src/twins/postgres/postgres-container.ts). */
  | { kind: 'postgresql' }
  | { kind: 'exit'; code: number; message: string };

export const CONTAINER_BIND_HOST = '0.0.0.0';

/** Images of the upstream topology the twins replace (postgres, redis), built only as placeholders. */
export type PlaceholderRole = 'postgres' | 'redis';
/** `postgresql`: a real PostgreSQL server, not a placeholder (Evolution 2.x needs a database). */
export type ContainerRole = TwinRole | PlaceholderRole | 'postgresql';

const TWIN_ROLES: readonly TwinRole[] = ['chatwoot', 'evolution', 's3', 'proxy'];
const ROLES: readonly ContainerRole[] = [...TWIN_ROLES, 'postgres', 'redis', 'postgresql'];

export function isContainerRole(value: string | undefined): value is ContainerRole {
  return value !== undefined && (ROLES as readonly string[]).includes(value);
}

function optionValue(args: readonly string[], ...names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    for (const name of names) {
      if (arg === name) return args[i + 1];
      if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
    }
  }
  return undefined;
}

function parsePort(value: string | undefined): number | undefined | 'invalid' {
  if (value === undefined) return undefined;
  // MinIO writes addresses as ":9000" or "host:9000".
  const digits = value.includes(':') ? value.slice(value.lastIndexOf(':') + 1) : value;
  const port = Number(digits);
  return Number.isInteger(port) && port > 0 && port <= 65535 ? port : 'invalid';
}

/** Launchers in the image (`bundle`, `rails.sh`, `docker-entrypoint.sh`, `main.js`) say how they were invoked. */
export function parseContainerCommand(role: ContainerRole, invokedAs: string, rawArgs: readonly string[]): ContainerAction {
  const args = invokedAs === 'bundle' || invokedAs === 'redis-server' ? [invokedAs, ...rawArgs] : [...rawArgs];
  switch (role) {
    case 'postgres':
      return parsePostgresCommand(args);
    case 'postgresql':
      // docker-entrypoint.sh postgres: the official image's command; settings come from POSTGRES_* env.
      if (args.length > 0 && args[0] !== 'postgres') return { kind: 'exit', code: 1, message: `postgresql: expected "postgres", got "${args.join(' ')}"` };
      return { kind: 'postgresql' };
    case 'redis':
      return parseRedisCommand(args);
    case 'chatwoot':
      return parseChatwootCommand(args);
    case 's3':
      return parseMinioCommand(args);
    case 'evolution':
    case 'proxy':
      // node ./dist/src/main.js takes no arguments; configuration is env only (evolution-api-1.7.md §1.1).
      return { kind: 'serve', role, port: undefined, host: CONTAINER_BIND_HOST, dataDir: undefined };
  }
}

function parseChatwootCommand(args: string[]): ContainerAction {
  if (args.length === 0) return { kind: 'serve', role: 'chatwoot', port: undefined, host: CONTAINER_BIND_HOST, dataDir: undefined };
  const words = args[0] === 'bundle' && args[1] === 'exec' ? args.slice(2) : args;
  const [program, task] = words;
  if (program === 'rails' && (task === 's' || task === 'server')) {
    const port = parsePort(optionValue(words, '-p', '--port'));
    if (port === 'invalid') return { kind: 'exit', code: 2, message: `chatwoot twin: invalid port in "${args.join(' ')}"` };
    return { kind: 'serve', role: 'chatwoot', port, host: optionValue(words, '-b', '--binding') ?? CONTAINER_BIND_HOST, dataDir: undefined };
  }
  if (program === 'rails' && task === 'runner') {
    // The docker backend's platform-app step (chatwoot-specs.ts): the twin rails process reads the token from its own env.
    return { kind: 'exit', code: 0, message: 'chatwoot twin: rails runner has no database to run against; the twin takes EVOCHAT_PLATFORM_TOKEN itself' };
  }
  if (program === 'rails' && task !== undefined && /^db:/.test(task)) {
    return { kind: 'exit', code: 0, message: `chatwoot twin: "${task}" has nothing to do: the twin keeps its data in memory` };
  }
  if (program === 'sidekiq') {
    // Sidekiq's own readiness line (Sidekiq::CLI#run), so the upstream sidekiq spec's log wait holds.
    return {
      kind: 'placeholder',
      name: 'sidekiq',
      port: undefined,
      lines: [
        'chatwoot twin: sidekiq placeholder: the twin runs its jobs (webhooks, analysis) inside the rails process',
        'Starting processing, hit Ctrl-C to stop',
      ],
    };
  }
  return { kind: 'exit', code: 2, message: `chatwoot twin: unsupported command "${args.join(' ')}"` };
}

/** `minio server` flags that take a value (the value is not a data directory). */
const MINIO_VALUED_FLAGS = ['--address', '--console-address', '--certs-dir', '-S', '--config-dir', '-C', '--ftp', '--sftp'];

function parseMinioCommand(args: string[]): ContainerAction {
  const words = args[0] === 'minio' ? args.slice(1) : args;
  if (words[0] !== 'server') return { kind: 'exit', code: 1, message: `s3 twin (MinIO's role): expected "server <dir>", got "${args.join(' ')}"` };
  const port = parsePort(optionValue(words, '--address'));
  if (port === 'invalid') return { kind: 'exit', code: 2, message: `s3 twin: invalid --address in "${args.join(' ')}"` };
  const rest = words.slice(1);
  const dataDir = rest.find((word, index) => !word.startsWith('-') && !(index > 0 && MINIO_VALUED_FLAGS.includes(rest[index - 1]!)));
  if (dataDir === undefined) return { kind: 'exit', code: 1, message: 's3 twin: "server" needs a data directory, e.g. "server /data"' };
  return { kind: 'serve', role: 's3', port: port ?? 9000, host: CONTAINER_BIND_HOST, dataDir };
}

/** The postgres image's default command is `docker-entrypoint.sh postgres`. */
function parsePostgresCommand(args: string[]): ContainerAction {
  const words = args[0] === 'postgres' ? args.slice(1) : args;
  if (args.length > 0 && args[0] !== 'postgres')
    return { kind: 'exit', code: 1, message: `postgres placeholder: expected "postgres", got "${args.join(' ')}"` };
  const port = parsePort(optionValue(words, '-p', '--port'));
  if (port === 'invalid') return { kind: 'exit', code: 2, message: `postgres placeholder: invalid port in "${args.join(' ')}"` };
  // The official image logs this twice on a fresh volume: after initdb's temporary server, then for real.
  const ready = 'LOG:  database system is ready to accept connections';
  return {
    kind: 'placeholder',
    name: 'postgres',
    port: port ?? 5432,
    lines: ['PostgreSQL placeholder (evochat twin image): accepts TCP, speaks no protocol', ready, ready],
  };
}

function parseRedisCommand(args: string[]): ContainerAction {
  if (args[0] !== 'redis-server') return { kind: 'exit', code: 1, message: `redis placeholder: expected "redis-server", got "${args.join(' ')}"` };
  const port = parsePort(optionValue(args, '--port'));
  if (port === 'invalid') return { kind: 'exit', code: 2, message: `redis placeholder: invalid port in "${args.join(' ')}"` };
  return {
    kind: 'placeholder',
    name: 'redis',
    port: port ?? 6379,
    lines: ['Redis placeholder (evochat twin image): accepts TCP, speaks no protocol', '* Ready to accept connections tcp'],
  };
}
