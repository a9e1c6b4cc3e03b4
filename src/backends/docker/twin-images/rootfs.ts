import { chmod, copyFile, cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import type { BundleFile } from './bundle-files.ts';
import { dirname, join } from 'node:path';

/** Where the launchers go: the paths the upstream images' commands name (container-command.ts). */
export const LAUNCHER_PATHS = [
  '/usr/local/bin/bundle',
  '/app/docker/entrypoints/rails.sh',
  // MinIO's entrypoint, and the postgres image's (found through PATH, /usr/local/bin first).
  '/usr/bin/docker-entrypoint.sh',
  '/usr/local/bin/docker-entrypoint.sh',
  '/usr/local/bin/redis-server',
  '/evolution/dist/src/main.js',
] as const;

export const BUNDLE_PATH = '/opt/evochat/container-main.mjs';
export const NODE_PATH = '/usr/bin/node';

/** Directories the upstream images have and the twins use: state, storage, MinIO's data dir. */
const DIRECTORIES = ['/app/storage', '/evolution/instances', '/evolution/store', '/data', '/root', '/var/tmp'];

export interface RootfsInputs {
  nodeBinary: string;
  /** Shared libraries and loader, from `ldd`, copied to the same paths. */
  libraries: readonly string[];
  /** The twins' bundle: the entry (written to BUNDLE_PATH) and its chunks, paths relative to the entry's folder. */
  bundle: readonly BundleFile[];
  launcher: string;
  /** The PostgreSQL server tree (bin, lib, share) copied to POSTGRES_PATH for the postgresql image. */
  postgresRoot: string;
  /** A POSIX shell for /bin/sh: initdb starts `postgres` through popen(3), which runs /bin/sh (nothing else uses it). */
  shell: string;
}

export const POSTGRES_PATH = '/opt/postgresql';
/** The official image runs the server as uid/gid 999 `postgres`; so does the postgresql image (postgres-container.ts). */
const POSTGRES_ID = 999;

const ETC_FILES: Record<string, string> = {
  'etc/passwd': `root:x:0:0:root:/root:/usr/sbin/nologin\npostgres:x:${POSTGRES_ID}:${POSTGRES_ID}::/var/lib/postgresql:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
  'etc/group': `root:x:0:\npostgres:x:${POSTGRES_ID}:\nnogroup:x:65534:\n`,
  // glibc ≥ 2.34 has files and dns built in; say so explicitly so container DNS (network aliases) is used.
  'etc/nsswitch.conf': 'hosts: files dns\nnetworks: files\n',
  // Docker bind-mounts its own hosts/resolv.conf over these; they exist so the mount points do.
  'etc/hosts': '127.0.0.1 localhost\n',
  'etc/resolv.conf': '',
};

/** Writes a minimal root filesystem: the host's Node and its libraries, the twin bundle, launchers, /etc basics, /tmp. */
export async function assembleRootfs(root: string, inputs: RootfsInputs): Promise<void> {
  const at = (path: string) => join(root, path);
  await mkdir(at('usr/bin'), { recursive: true });
  await copyFile(inputs.nodeBinary, at(NODE_PATH));
  await chmod(at(NODE_PATH), 0o755);
  await mkdir(at('usr/local/bin'), { recursive: true });
  await symlink(NODE_PATH, at('usr/local/bin/node'));
  for (const library of inputs.libraries) {
    await mkdir(at(dirname(library)), { recursive: true });
    await copyFile(library, at(library)); // follows symlinks: the image gets the real file under the ldd name
    await chmod(at(library), 0o755);
  }
  for (const [path, content] of Object.entries(ETC_FILES)) {
    await mkdir(at(dirname(path)), { recursive: true });
    await writeFile(at(path), content);
  }
  await mkdir(at('tmp'), { recursive: true });
  await chmod(at('tmp'), 0o1777);
  for (const directory of DIRECTORIES) await mkdir(at(directory), { recursive: true });
  await cp(inputs.postgresRoot, at(POSTGRES_PATH), { recursive: true, verbatimSymlinks: true });
  await mkdir(at('bin'), { recursive: true });
  await copyFile(inputs.shell, at('bin/sh'));
  await chmod(at('bin/sh'), 0o755);
  await mkdir(at('var/lib/postgresql'), { recursive: true });
  for (const file of inputs.bundle) {
    const path = file.entry ? at(BUNDLE_PATH) : join(at(dirname(BUNDLE_PATH)), file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content);
  }
  for (const path of LAUNCHER_PATHS) {
    await mkdir(at(dirname(path)), { recursive: true });
    await writeFile(at(path), inputs.launcher, { mode: 0o755 });
  }
}
