import type { Backend } from '../backends/backend.ts';
import { ErrorCodes, InfrastructureError } from '../errors/index.ts';
import type { BackendChoice } from './choose-backend.ts';

/** Creates the backend a choice names; injected in tests, the real modules otherwise. */
export type BackendFactory = (choice: BackendChoice) => Promise<Backend>;

interface DockerModule {
  createDockerBackend(options: { images: 'upstream' | 'twin' }): Backend;
}

// Loaded only for the backend in use (a sim run never loads testcontainers). The docker module's specifier is a
// variable because that backend is optional in a build (choose-backend checks it is there before choosing it).
const DOCKER_MODULE = '../backends/docker/docker-backend.ts';

async function load<T>(specifier: string, what: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    throw new InfrastructureError(ErrorCodes.internal, `cannot load the ${what} backend (${specifier}): ${(error as Error).message}`, { cause: error });
  }
}

export const createBackendFromRegistry: BackendFactory = async (choice) => {
  if (choice.name === 'sim') return (await import('../backends/sim/sim-backend.ts')).createSimBackend();
  return (await load<DockerModule>(DOCKER_MODULE, 'docker')).createDockerBackend({ images: choice.images ?? 'upstream' });
};
