import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
import { ErrorCodes, InfrastructureError } from '../../errors/index.ts';
import { applyTestcontainersDefaults } from './testcontainers-env.ts';

export type EngineProbe = { available: true; serverVersion: string; host: string; operatingSystem: string } | { available: false; reason: string };

/** testcontainers' Dockerode instance, typed without naming dockerode (a transitive dependency). */
export type Dockerode = ContainerRuntimeClient['container']['dockerode'];

/**
 * The container runtime client, with our testcontainers defaults applied first (they are read once, when the
 * client is created). Fails with EVOCHAT_E_DOCKER_UNAVAILABLE when no engine answers within the deadline.
 */
export async function connectToEngine(timeoutMs = 15_000): Promise<ContainerRuntimeClient> {
  applyTestcontainersDefaults();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      getContainerRuntimeClient(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    throw new InfrastructureError(ErrorCodes.dockerUnavailable, `no Docker engine answers: ${(error as Error).message}`, {
      cause: error,
      hint: `start one (as root: bash scripts/start-docker-engine.sh) or point DOCKER_HOST at one; DOCKER_HOST is ${process.env.DOCKER_HOST ? `"${process.env.DOCKER_HOST}"` : 'unset (unix:///var/run/docker.sock)'}`,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Does an engine answer? Never throws: for `--backend auto`, doctor, and tests that skip without one. */
export async function probeDockerEngine(timeoutMs = 5_000): Promise<EngineProbe> {
  try {
    const client = await connectToEngine(timeoutMs);
    const info = client.info.containerRuntime;
    return { available: true, serverVersion: String(info.serverVersion), host: info.host, operatingSystem: info.operatingSystem };
  } catch (error) {
    return { available: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Which of these images are missing locally (docker image inspect by name). */
export async function missingImages(client: ContainerRuntimeClient, images: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const image of images) {
    try {
      await client.container.dockerode.getImage(image).inspect();
    } catch {
      missing.push(image);
    }
  }
  return missing;
}

/** Image name → content id (sha256:…), for the report; `RepoDigests` are empty for local builds, the id is not. */
export async function imageDigest(client: ContainerRuntimeClient, image: string): Promise<string> {
  const info = await client.container.dockerode.getImage(image).inspect();
  return info.RepoDigests?.[0] ?? info.Id;
}
