import pg from 'pg';
import { ConfigError, ErrorCodes, InfrastructureError } from '../../errors/index.ts';
import type { LogSink } from '../../common/log-sink.ts';
import type { EvolutionConfig } from './evolution-config.ts';

/**
 * Evolution 2.x's database at start (evolution-api-2.x.md §0.2, §1.3, §1.4): the image's entrypoint checks
 * DATABASE_PROVIDER, runs the migrations and exits 1 with "Migration failed" when the database cannot be reached;
 * main.ts then connects before listening. The twin does the same against a real PostgreSQL (it speaks no MySQL):
 * it connects with the URI's credentials, creates the schema and its tables, and keeps one row per instance there
 * (the instance state itself stays in the twin's store). Prisma's messages are reproduced for the two failures a
 * user meets (P1001 unreachable, P1000 bad credentials).
 */
export interface EvolutionDatabase {
  /** The database row of an instance (upstream's `Instance` table), written at create. */
  saveInstance(row: { id: string; name: string; token: string; integration: string | undefined; clientName: string | undefined }): Promise<void>;
  /** The row removed, last of upstream's cleanup queries (§M.1). */
  removeInstance(name: string): Promise<void>;
  close(): Promise<void>;
}

function allowedProviders(config: EvolutionConfig): readonly string[] {
  return config.profile.databaseProviders;
}

/** Prisma's connect_timeout default. */
const CONNECT_TIMEOUT_MS = 5000;

interface Target {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  schema: string;
}

function targetOf(uri: string): Target | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') return undefined;
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
    schema: url.searchParams.get('schema') ?? 'public',
  };
}

/** The lines `prisma migrate deploy` prints for a failure, by PostgreSQL / socket error. */
function prismaError(error: unknown, target: Target): string[] {
  const code = (error as { code?: string }).code;
  const at = `${target.host}:${target.port}`;
  if (code === '28P01' || code === '28000') {
    return [
      `Error: P1000: Authentication failed against database server at \`${target.host}\`, the provided database credentials for \`${target.user}\` are not valid.`,
      '',
      `Please make sure to provide valid database credentials for the database server at \`${target.host}\`.`,
    ];
  }
  return [`Error: P1001: Can't reach database server at \`${at}\``, '', `Please make sure your database server is running at \`${at}\`.`];
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function connect(target: Target, database: string): Promise<pg.Client> {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // A dropped connection later must not crash the process hosting the twin; the next query fails instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

/** Connects to the URI's database, creating it when only the database is missing (as `migrate deploy` does, Unverified). */
async function connectCreating(target: Target): Promise<pg.Client> {
  try {
    return await connect(target, target.database);
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error;
    const admin = await connect(target, 'postgres');
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(target.database)}`);
    } finally {
      await admin.end().catch(() => undefined);
    }
    return connect(target, target.database);
  }
}

/**
 * The entrypoint and the Prisma connect: resolves with the open database, or writes the entrypoint's lines to
 * `sink` and throws (EVOCHAT_E_SERVICE_START "Migration failed", EVOCHAT_E_CONFIG for a provider the image refuses).
 */
export async function openEvolutionDatabase(config: EvolutionConfig, sink: LogSink): Promise<EvolutionDatabase> {
  const gen2 = config.gen2;
  if (!gen2) throw new ConfigError('only Evolution 2.x has a database', [{ path: 'env.TWIN_VERSION', message: 'not a 2.x version' }]);
  const provider = gen2.database.provider ?? '';
  if (!allowedProviders(config).includes(provider)) {
    sink.write(`Error: Database provider ${provider} invalid.\n`);
    throw new ConfigError(`Evolution ${config.version}: DATABASE_PROVIDER "${provider}" is not one the image accepts`, [
      { path: 'env.DATABASE_PROVIDER', message: 'the entrypoint exits 1', value: provider, allowed: allowedProviders(config) },
    ]);
  }
  sink.write(`Deploying migrations for ${provider}\n`);
  sink.write(`Database URL: \n`);
  const uri = gen2.database.uri ?? '';
  const target = targetOf(uri);
  if (provider === 'mysql' || !target) {
    sink.write(`Error: P1012: the URL must start with the protocol \`postgresql://\` or \`postgres://\`.\nMigration failed\n`);
    throw new ConfigError(`Evolution ${config.version}: the twin needs a PostgreSQL DATABASE_CONNECTION_URI (it speaks no MySQL)`, [
      { path: 'env.DATABASE_CONNECTION_URI', message: 'not a postgresql:// URI the twin can use' },
    ]);
  }
  let client: pg.Client;
  try {
    client = await connectCreating(target);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(target.schema)}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${quoteIdent(target.schema)}."Instance" (id varchar(255) PRIMARY KEY, name varchar(255) UNIQUE NOT NULL, ` +
        `"connectionStatus" varchar(20) NOT NULL DEFAULT 'open', token varchar(255), integration varchar(100), "clientName" varchar(100), ` +
        `"createdAt" timestamp DEFAULT now(), "updatedAt" timestamp DEFAULT now())`,
    );
  } catch (error) {
    for (const line of prismaError(error, target)) sink.write(`${line}\n`);
    sink.write('Migration failed\n');
    throw new InfrastructureError(
      ErrorCodes.serviceStart,
      `Evolution ${config.version}: Migration failed: database ${target.host}:${target.port}/${target.database} (${(error as Error).message})`,
      { cause: error },
    );
  }
  sink.write('Migration succeeded\n');
  const table = `${quoteIdent(target.schema)}."Instance"`;
  // One connection, one query at a time (pg 9 drops its implicit queue): requests that overlap wait their turn.
  let last: Promise<unknown> = Promise.resolve();
  const query = (sql: string, values: unknown[]): Promise<unknown> => {
    const next = last.catch(() => undefined).then(() => client.query(sql, values));
    last = next;
    return next;
  };
  return {
    async saveInstance(row) {
      await query(
        `INSERT INTO ${table} (id, name, "connectionStatus", token, integration, "clientName") VALUES ($1, $2, 'close', $3, $4, $5) ` +
          `ON CONFLICT (name) DO UPDATE SET id = EXCLUDED.id, token = EXCLUDED.token, "updatedAt" = now()`,
        [row.id, row.name, row.token, row.integration ?? null, row.clientName ?? null],
      );
    },
    async removeInstance(name) {
      await query(`DELETE FROM ${table} WHERE name = $1`, [name]);
    },
    async close() {
      await last.catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
