import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { RunPlan } from '../matrix/plan-types.ts';
import type { BackendProbes, EngineAnswer, ImageAvailability, ImagesKind, RequiredImage } from './choose-backend.ts';

/** How long `--backend auto` waits for an engine before settling on sim. */
const ENGINE_TIMEOUT_MS = 3_000;
const PULLABLE_TIMEOUT_MS = 5_000;

function engineEndpoint(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The engine's registry error, reduced to what helps: `registry-1.docker.io: no such host`. */
export function shortRegistryError(message: string): string {
  const line = message
    .split('\n')[0]!
    .replace(/^\(HTTP code \d+\)\s*[\w ]*error\s*-\s*/i, '')
    .trim();
  const lookup = /lookup (\S+?)(?: on \S+)?: (.+)$/.exec(line);
  if (lookup) return `${lookup[1]}: ${lookup[2]!.trim()}`;
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/**
 * The real probes, through the docker backend's modules (testcontainers' runtime client, the pinned
 * image table). Loaded lazily so a sim run never loads testcontainers.
 */
export function createDockerProbes(env: NodeJS.ProcessEnv = process.env): BackendProbes {
  return {
    async engine(): Promise<EngineAnswer> {
      const endpoint = engineEndpoint(env);
      const { probeDockerEngine } = await import('../backends/docker/engine.ts');
      const probe = await probeDockerEngine(ENGINE_TIMEOUT_MS);
      return probe.available
        ? { available: true, endpoint: probe.host ? `${endpoint} (${probe.host})` : endpoint }
        : { available: false, endpoint, reason: probe.reason };
    },
    async dockerBackendAvailable() {
      try {
        await access(fileURLToPath(new URL('../backends/docker/docker-backend.ts', import.meta.url)));
        return true;
      } catch {
        return false;
      }
    },
    async requiredImages(plan: RunPlan, kind: ImagesKind): Promise<RequiredImage[]> {
      const { imagesForPlan } = await import('../backends/docker/images.ts');
      return imagesForPlan(plan, kind, env).map((image) => ({ name: image.effective, local: image.local }));
    },
    async imageAvailability(images: readonly RequiredImage[]): Promise<ImageAvailability[]> {
      const { connectToEngine } = await import('../backends/docker/engine.ts');
      const client = await connectToEngine(ENGINE_TIMEOUT_MS);
      const dockerode = client.container.dockerode;
      return Promise.all(
        images.map(async (image): Promise<ImageAvailability> => {
          try {
            await withTimeout(dockerode.getImage(image.name).inspect(), PULLABLE_TIMEOUT_MS, 'image inspect');
            return { name: image.name, state: 'present' };
          } catch {
            if (image.local) return { name: image.name, state: 'missing', reason: 'not built on this machine' };
          }
          try {
            // GET /distribution/<name>/json asks the registry for the manifest without pulling.
            const handle = dockerode.getImage(image.name) as unknown as { distribution(): Promise<unknown> };
            await withTimeout(handle.distribution(), PULLABLE_TIMEOUT_MS, 'registry lookup');
            return { name: image.name, state: 'pullable' };
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            return { name: image.name, state: 'missing', reason: `not present; registry: ${shortRegistryError(message)}` };
          }
        }),
      );
    },
  };
}
