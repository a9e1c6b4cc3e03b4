import { describe, expect, it } from 'vitest';
import { InfrastructureError, UsageError } from '../errors/index.ts';
import type { RunPlan } from '../matrix/plan-types.ts';
import type { RequestedBackend } from '../model/axes.ts';
import { chooseBackend, type BackendProbes, type ImageAvailability } from './choose-backend.ts';

const plan: RunPlan = { cells: [], services: [], naiveServiceCount: 0 };

function probes(overrides: Partial<BackendProbes> & { availability?: ImageAvailability[] } = {}): BackendProbes & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    engine: overrides.engine ?? (() => (calls.push('engine'), Promise.resolve({ available: true, endpoint: 'unix:///var/run/docker.sock' }))),
    dockerBackendAvailable: overrides.dockerBackendAvailable ?? (() => Promise.resolve(true)),
    requiredImages:
      overrides.requiredImages ??
      ((_plan, kind) => {
        calls.push(`images:${kind}`);
        return Promise.resolve([
          { name: 'chatwoot/chatwoot:v3.8.0', local: false },
          { name: 'localhost/evochat-twin/proxy:latest', local: true },
        ]);
      }),
    imageAvailability:
      overrides.imageAvailability ??
      ((images) => Promise.resolve(overrides.availability ?? images.map((image) => ({ name: image.name, state: 'present' as const })))),
  };
}

describe('chooseBackend', () => {
  it('auto: sim with the reason when no engine answers', async () => {
    const choice = await chooseBackend(
      { backend: 'auto', images: 'upstream' },
      plan,
      probes({ engine: () => Promise.resolve({ available: false, endpoint: 'unix:///var/run/docker.sock', reason: 'connect ENOENT' }) }),
    );
    expect(choice).toMatchObject({ name: 'sim', standIns: true });
    expect(choice.reason).toBe('auto: no Docker engine answered at unix:///var/run/docker.sock (connect ENOENT), so sim (in-process twins)');
  });

  it('auto: sim naming each image that is neither present nor pullable', async () => {
    const choice = await chooseBackend(
      { backend: 'auto', images: 'upstream' },
      plan,
      probes({
        availability: [
          { name: 'chatwoot/chatwoot:v3.8.0', state: 'missing', reason: 'not present, registry: lookup failed' },
          { name: 'localhost/evochat-twin/proxy:latest', state: 'present' },
        ],
      }),
    );
    expect(choice.name).toBe('sim');
    expect(choice.reason).toContain('1 of 2 upstream images are neither present nor pullable: chatwoot/chatwoot:v3.8.0 (not present, registry: lookup failed)');
  });

  it('auto: docker when the engine answers and every image is present or pullable', async () => {
    const p = probes({
      availability: [
        { name: 'a', state: 'pullable' },
        { name: 'b', state: 'present' },
      ],
    });
    const choice = await chooseBackend({ backend: 'auto', images: 'upstream' }, plan, p);
    expect(choice).toEqual({
      name: 'docker',
      images: 'upstream',
      standIns: false,
      reason: expect.stringContaining('all 2 upstream images are present or pullable'),
    });
    expect(p.calls).toEqual(['engine', 'images:upstream']);
  });

  it('auto: sim when this build has no docker backend', async () => {
    const choice = await chooseBackend({ backend: 'auto', images: 'upstream' }, plan, probes({ dockerBackendAvailable: () => Promise.resolve(false) }));
    expect(choice.name).toBe('sim');
    expect(choice.reason).toContain('no docker backend');
  });

  it('docker with twin images is marked as stand-ins', async () => {
    const choice = await chooseBackend({ backend: 'docker', images: 'twin' }, plan, probes());
    expect(choice).toMatchObject({ name: 'docker', images: 'twin', standIns: true });
  });

  it('docker given explicitly never falls back: missing images are an infrastructure error naming each', async () => {
    const error = await chooseBackend(
      { backend: 'docker', images: 'upstream' },
      plan,
      probes({
        availability: [
          { name: 'chatwoot/chatwoot:v3.8.0', state: 'missing', reason: 'no registry' },
          { name: 'postgres:12', state: 'missing', reason: 'no registry' },
          { name: 'redis:7.2-alpine', state: 'present' },
        ],
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfrastructureError);
    expect((error as InfrastructureError).exitCode).toBe(3);
    expect((error as InfrastructureError).code).toBe('EVOCHAT_E_IMAGE_MISSING');
    expect((error as InfrastructureError).message).toContain('  - chatwoot/chatwoot:v3.8.0: no registry\n  - postgres:12: no registry');
    expect((error as InfrastructureError).details.images).toEqual(['chatwoot/chatwoot:v3.8.0', 'postgres:12']);
  });

  it('docker given explicitly without an engine is an infrastructure error', async () => {
    const error = await chooseBackend(
      { backend: 'docker', images: 'upstream' },
      plan,
      probes({ engine: () => Promise.resolve({ available: false, endpoint: 'tcp://127.0.0.1:2375', reason: 'ECONNREFUSED' }) }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EVOCHAT_E_DOCKER_UNAVAILABLE', exitCode: 3 });
  });

  it('sim needs no probe; unknown values are usage errors', async () => {
    const p = probes();
    expect(await chooseBackend({ backend: 'sim', images: 'upstream' }, plan, p)).toMatchObject({ name: 'sim', standIns: true });
    expect(p.calls).toEqual([]);
    await expect(chooseBackend({ backend: 'attach' as RequestedBackend, images: 'upstream' }, plan, p)).rejects.toBeInstanceOf(UsageError);
    await expect(chooseBackend({ backend: 'auto', images: 'real' }, plan, p)).rejects.toBeInstanceOf(UsageError);
  });
});
