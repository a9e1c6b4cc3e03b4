/**
 * Builds the twin images without any registry (MACHINE-NOTES): a base image is `docker import`ed from a
 * root filesystem holding the host's Node, the libraries `ldd` lists and the bundled twins; each role image is
 * a metadata-only `docker build` FROM it (docker/twin/*.Dockerfile: env, workdir, command, ports, like the
 * upstream image it stands in for). Everything is keyed by a content hash of those inputs: when every image
 * already carries the current hash, nothing is rebuilt.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { execFile, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ErrorCodes, InfrastructureError } from '../../../errors/index.ts';
import { PLACEHOLDER_IMAGES, TWIN_IMAGE_REPOSITORY, TWIN_IMAGES } from '../images.ts';
import { cachedBundle, harnessCacheDir } from '../../../common/bundle-cache.mjs';
import { bundleFiles } from './bundle-files.ts';
import { fileDigests } from './file-digests.ts';
import { parseLddOutput } from './ldd.ts';
import { assembleRootfs, NODE_PATH } from './rootfs.ts';
import { makeOwnedTempDir } from '../../../common/owned-temp-dir.ts';
import { postgresBinaries } from '../../../common/postgres-binaries.ts';
import { runDocker, runDockerChecked } from './docker-cli.ts';

/** Bump when the way images are assembled changes, so old images count as stale. */
const BUILDER_VERSION = '2';
export const TWIN_HASH_LABEL = 'evochat.twin-hash';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DOCKERFILE_DIR = join(REPO_ROOT, 'docker/twin');
const ENTRY_POINT = join(REPO_ROOT, 'src/twins/container-main.ts');
/** dash on Debian (what /bin/sh links to): needs only libc. */
const SHELL_PATH = realpathSync('/bin/sh');

export interface TwinImageTarget {
  tag: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
}

/** The role images, from the pinned twin and placeholder names (images.ts). */
export function twinImageTargets(): TwinImageTarget[] {
  const targets: TwinImageTarget[] = [];
  for (const [slot, tag] of Object.entries(TWIN_IMAGES)) {
    const [product, version] = slot.split('@') as [string, string | undefined];
    const dockerfile = product === 'minio' ? 's3.Dockerfile' : product === 'postgres' ? 'postgresql.Dockerfile' : `${product}.Dockerfile`;
    targets.push({ tag, dockerfile, buildArgs: version ? { VERSION: version } : {} });
  }
  for (const [product, tag] of Object.entries(PLACEHOLDER_IMAGES)) targets.push({ tag, dockerfile: `${product}.Dockerfile`, buildArgs: {} });
  return targets;
}

export interface TwinImagesReport {
  hash: string;
  /** False when every image already carried the current hash. */
  built: boolean;
  baseImage: string;
  images: { tag: string; id: string }[];
  /** Milliseconds per step: bundle, hash, check, rootfs, import, build, total. */
  timings: Record<string, number>;
}

export interface EnsureTwinImagesOptions {
  /** Rebuild even when the hashes match. */
  force?: boolean;
  /** The Node binary to put in the images (default: this process's, resolved: /usr/bin/node on our machines). */
  nodeBinary?: string;
  /** The bundled entry point (default src/twins/container-main.ts). */
  entryPoint?: string;
  log?: (line: string) => void;
  now?: () => number;
}

/**
 * Id and twin-hash label of each tag that exists, in one `docker image inspect` (one CLI process, not one per image).
 * A missing tag makes the command exit non-zero while it still prints the others, so lines are matched by tag.
 */
async function inspectImages(tags: readonly string[]): Promise<Map<string, { id: string; hash: string }>> {
  const result = await runDocker(['image', 'inspect', '--format', `{{json .RepoTags}}\t{{.Id}}\t{{ index .Config.Labels "${TWIN_HASH_LABEL}" }}`, ...tags]);
  const found = new Map<string, { id: string; hash: string }>();
  for (const line of result.stdout.split('\n')) {
    const [repoTags, id, hash] = line.split('\t');
    if (!repoTags || !id) continue;
    for (const tag of JSON.parse(repoTags) as string[]) if (tags.includes(tag)) found.set(tag, { id, hash: hash?.trim() ?? '' });
  }
  return found;
}

async function imageIds(tags: readonly string[]): Promise<{ tag: string; id: string }[]> {
  const found = await inspectImages(tags);
  return tags.map((tag) => {
    const image = found.get(tag);
    if (!image) throw new Error(`image ${tag} is missing after the build`);
    return { tag, id: image.id };
  });
}

/** One build at a time per machine: parallel test files may all ask for the images. */
async function withBuildLock<T>(run: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  const lock = join(tmpdir(), 'evochat-twin-images.lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      // A lock older than the longest build is left by a killed process.
      if (age > timeoutMs) await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await run();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

export async function ensureTwinImages(options: EnsureTwinImagesOptions = {}): Promise<TwinImagesReport> {
  try {
    return await withBuildLock(() => ensureTwinImagesLocked(options));
  } catch (error) {
    if (error instanceof InfrastructureError) throw error;
    throw new InfrastructureError(ErrorCodes.imageBuild, `building the twin images failed: ${(error as Error).message}`, {
      cause: error,
      hint: 'a Docker engine must answer (bash scripts/start-docker-engine.sh) and the docker CLI must be on PATH',
    });
  }
}

async function ensureTwinImagesLocked(options: EnsureTwinImagesOptions): Promise<TwinImagesReport> {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const timings: Record<string, number> = {};
  const started = now();
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const at = now();
    try {
      return await run();
    } finally {
      timings[name] = now() - at;
    }
  };

  const nodeBinary = options.nodeBinary ?? NODE_PATH;
  // Cached while the sources are unchanged; split, so each container parses its own role's code and what it shares.
  const bundle = await step('bundle', async () => {
    const [entry] = await cachedBundle({ name: 'twin-container', entryPoints: [options.entryPoint ?? ENTRY_POINT], packages: 'inline', splitting: true });
    return bundleFiles(entry!);
  });
  const launcher = await readFile(join(DOCKERFILE_DIR, 'launcher.cjs'), 'utf8');
  const targets = twinImageTargets();
  const postgres = await postgresBinaries();
  const shell = SHELL_PATH;
  const lddOf = async (binary: string) => parseLddOutput((await promisify(execFile)('ldd', [binary])).stdout);
  // The server's own libraries travel in its tree; the system ones it shares with Node are copied like Node's.
  const libraries = [
    ...new Set([
      ...(await lddOf(nodeBinary)),
      ...[...(await lddOf(postgres.postgres)), ...(await lddOf(postgres.initdb)), ...(await lddOf(shell))].filter((file) => !file.startsWith(postgres.root)),
    ]),
  ].sort();

  const hash = await step('hash', async () => {
    const digest = createHash('sha256');
    digest.update(`builder ${BUILDER_VERSION}\n`).update(launcher);
    for (const file of bundle) digest.update(`${file.path}\0`).update(file.content);
    for (const target of targets)
      digest
        .update(target.tag)
        .update(JSON.stringify(target.buildArgs))
        .update(await readFile(join(DOCKERFILE_DIR, target.dockerfile)));
    // The binaries (Node alone is ≈ 100 MB) are digested once per size and mtime, not on every run.
    const binaries = [nodeBinary, postgres.postgres, postgres.initdb, shell, ...libraries];
    const digests = await fileDigests(binaries, join(harnessCacheDir(), 'twin-image-inputs.json'));
    for (const file of binaries) digest.update(`${file}\0${digests.get(file)!}\n`);
    return digest.digest('hex').slice(0, 16);
  });
  const baseImage = `${TWIN_IMAGE_REPOSITORY}/base:${hash}`;

  const tags = targets.map((target) => target.tag);
  const existing = await step('check', () => inspectImages(tags));
  if (tags.every((tag) => existing.get(tag)?.hash === hash) && !options.force) {
    log(`twin images are current (hash ${hash})`);
    timings.total = now() - started;
    return { hash, built: false, baseImage, images: tags.map((tag) => ({ tag, id: existing.get(tag)!.id })), timings };
  }

  const workDir = makeOwnedTempDir('twin-rootfs');
  try {
    const root = join(workDir, 'rootfs');
    await step('rootfs', () => assembleRootfs(root, { nodeBinary, libraries, bundle, launcher, postgresRoot: postgres.root, shell }));
    await step('import', async () => {
      const tar = spawn('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let tarError = '';
      tar.stderr.setEncoding('utf8').on('data', (chunk: string) => (tarError += chunk));
      const tarDone = new Promise<number>((resolve) => tar.on('close', (code) => resolve(code ?? 1)));
      await runDockerChecked(
        ['import', '--change', 'ENV PATH=/usr/local/bin:/usr/bin:/bin', '--change', 'WORKDIR /', '--message', `evochat twin base ${hash}`, '-', baseImage],
        { stdin: tar.stdout },
      );
      const tarCode = await tarDone;
      if (tarCode !== 0) throw new Error(`tar failed (exit ${tarCode}): ${tarError.trim()}`);
    });
    log(`imported ${baseImage}`);
    await step('build', async () => {
      // Metadata-only builds: cheap, so run them in parallel. The legacy builder needs no buildx plugin.
      await Promise.all(
        targets.map(async (target) => {
          const args = [
            'build',
            '--quiet',
            '-f',
            join(DOCKERFILE_DIR, target.dockerfile),
            '-t',
            target.tag,
            '--build-arg',
            `BASE=${baseImage}`,
            '--build-arg',
            `TWIN_HASH=${hash}`,
          ];
          for (const [name, value] of Object.entries(target.buildArgs)) args.push('--build-arg', `${name}=${value}`);
          await runDockerChecked([...args, DOCKERFILE_DIR], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
          log(`built ${target.tag}`);
        }),
      );
    });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  await removeStaleBaseImages(baseImage);
  const images = await imageIds(tags);
  timings.total = now() - started;
  return { hash, built: true, baseImage, images, timings };
}

/** Older base images are unreferenced once every role image is rebuilt: drop them (best effort). */
async function removeStaleBaseImages(keep: string): Promise<void> {
  const listed = await runDocker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', `${TWIN_IMAGE_REPOSITORY}/base`]);
  if (listed.code !== 0) return;
  const stale = listed.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== keep);
  if (stale.length > 0) await runDocker(['image', 'rm', ...stale]);
}
