import type { Backend } from '../backends/backend.ts';
import type { BackendChoice } from './choose-backend.ts';

/** Creates the backend a choice names; injected in tests, the real modules otherwise. */
export type BackendFactory = (choice: BackendChoice) => Promise<Backend>;

/**
 * The backends the run command can use. Each module is loaded only when chosen, so a sim run never
 * loads testcontainers. `attach` is the sim backend with the Chatwoot axis taken by a running server.
 */
export const createBackendFromRegistry: BackendFactory = async (choice) => {
  switch (choice.name) {
    case 'sim':
      return (await import('../backends/sim/sim-backend.ts')).createSimBackend();
    case 'attach':
      if (!choice.attached) throw new Error('the attach backend needs an attach session');
      return (await import('../backends/sim/sim-backend.ts')).createSimBackend({ attached: choice.attached });
    case 'docker':
      return (await import('../backends/docker/docker-backend.ts')).createDockerBackend({ images: choice.images ?? 'upstream' });
  }
};
