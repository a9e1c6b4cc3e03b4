import { displayValue, ErrorCodes, InfrastructureError, UsageError } from '../errors/index.ts';
import type { RunPlan } from '../matrix/plan-types.ts';
import type { RequestedBackend } from '../model/axes.ts';
import type { AttachSession } from '../backends/attach/attach-session.ts';

export type ImagesKind = 'upstream' | 'twin';

export interface BackendChoice {
  name: 'sim' | 'docker' | 'attach';
  /** docker only. */
  images: ImagesKind | undefined;
  /** Why, in one line: shown in the terminal and in every report. */
  reason: string;
  /** The services are stand-ins (sim, or twin images), not upstream: say so loudly. */
  standIns: boolean;
  /** attach: the running Chatwoot the run holds (its ledger and clean-up). */
  attached?: AttachSession;
}

export type EngineAnswer = { available: true; endpoint: string } | { available: false; endpoint: string; reason: string };

/** An image the plan needs, as the engine will see it. */
export interface RequiredImage {
  name: string;
  /** Built on this machine (twin images, our proxy): never pulled. */
  local: boolean;
}

export type ImageAvailability = { name: string; state: 'present' | 'pullable' } | { name: string; state: 'missing'; reason: string };

/** Everything choose-backend asks of the outside world; injected so it is testable without Docker. */
export interface BackendProbes {
  /** Does a Docker engine answer (bounded by a short timeout)? */
  engine(): Promise<EngineAnswer>;
  /** Is the docker backend part of this build? */
  dockerBackendAvailable(): Promise<boolean>;
  requiredImages(plan: RunPlan, kind: ImagesKind): Promise<RequiredImage[]>;
  /** Present locally, or pullable from its registry (never pulls; local images are never pullable). */
  imageAvailability(images: readonly RequiredImage[]): Promise<ImageAvailability[]>;
}

export interface ChooseBackendRequest {
  backend: RequestedBackend;
  images: string;
}

/** `a, b (reason); c (other reason)`: images grouped by why they are missing. */
function describeMissing(missing: ReadonlyArray<ImageAvailability & { state: 'missing' }>): string {
  const byReason = new Map<string, string[]>();
  for (const image of missing) byReason.set(image.reason, [...(byReason.get(image.reason) ?? []), image.name]);
  return [...byReason.entries()].map(([reason, names]) => `${names.join(', ')} (${reason})`).join('; ');
}

/**
 * `--backend auto` uses docker only when an engine answers and every image the plan needs is present
 * or can be pulled; otherwise sim, saying why. `--backend docker` never falls back: no engine or a
 * missing image is an infrastructure error (exit 3) naming each image.
 */
export async function chooseBackend(request: ChooseBackendRequest, plan: RunPlan, probes: BackendProbes): Promise<BackendChoice> {
  if (request.images !== 'upstream' && request.images !== 'twin') {
    throw new UsageError(`--images ${request.images}: expected upstream or twin`, { details: { allowed: ['upstream', 'twin'] } });
  }
  const images: ImagesKind = request.images;
  const sim = (reason: string): BackendChoice => ({ name: 'sim', images: undefined, reason, standIns: true });
  const docker = (reason: string): BackendChoice => ({ name: 'docker', images, reason, standIns: images === 'twin' });

  switch (request.backend) {
    case 'sim':
      return sim('--backend sim: in-process twins');
    case 'auto': {
      const engine = await probes.engine();
      if (!engine.available) return sim(`auto: no Docker engine answered at ${engine.endpoint} (${engine.reason}), so sim (in-process twins)`);
      if (!(await probes.dockerBackendAvailable()))
        return sim(`auto: a Docker engine answered at ${engine.endpoint}, but this build has no docker backend, so sim`);
      const availability = await probes.imageAvailability(await probes.requiredImages(plan, images));
      const missing = availability.filter((image): image is ImageAvailability & { state: 'missing' } => image.state === 'missing');
      if (missing.length > 0) {
        return sim(
          `auto: a Docker engine answered at ${engine.endpoint}, but ${missing.length} of ${availability.length} ${images} images are neither present nor pullable: ${describeMissing(missing)}; so sim (in-process twins)`,
        );
      }
      return docker(`auto: a Docker engine answered at ${engine.endpoint} and all ${availability.length} ${images} images are present or pullable`);
    }
    case 'docker': {
      const engine = await probes.engine();
      if (!engine.available) {
        throw new InfrastructureError(ErrorCodes.dockerUnavailable, `--backend docker: no Docker engine answered at ${engine.endpoint}: ${engine.reason}`, {
          hint: 'start an engine (as root: bash scripts/start-docker-engine.sh), set DOCKER_HOST, or use --backend sim',
        });
      }
      if (!(await probes.dockerBackendAvailable())) {
        throw new InfrastructureError(ErrorCodes.dockerUnavailable, '--backend docker: this build has no docker backend');
      }
      const availability = await probes.imageAvailability(await probes.requiredImages(plan, images));
      const missing = availability.filter((image): image is ImageAvailability & { state: 'missing' } => image.state === 'missing');
      if (missing.length > 0) {
        throw new InfrastructureError(
          ErrorCodes.imageMissing,
          `--backend docker: ${missing.length} image${missing.length === 1 ? ' is' : 's are'} neither present nor pullable:\n${missing.map((image) => `  - ${image.name}: ${image.reason}`).join('\n')}`,
          {
            details: { images: missing.map((image) => image.name) },
            hint:
              images === 'twin'
                ? 'build the twin images with `npm run build:images`'
                : 'pull them where a registry answers, or point EVOCHAT_IMAGE_<SLOT> / TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX at a mirror; `--images twin` runs locally built stand-ins',
          },
        );
      }
      return docker(`--backend docker with ${images} images`);
    }
    default:
      throw new UsageError(`--backend ${displayValue(request.backend as unknown)}: expected auto, sim or docker`, {
        details: { allowed: ['auto', 'sim', 'docker'] },
      });
  }
}
