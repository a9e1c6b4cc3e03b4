import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createMemorySink } from '../../common/log-sink.ts';
import { ErrorCodes, InfrastructureError } from '../../errors/index.ts';
import { createWorkerServiceHost, type ServiceHost } from './service-host.ts';

const hosts: ServiceHost[] = [];
afterEach(async () => {
  while (hosts.length) await hosts.pop()!.close();
});

describe('worker-thread service host', () => {
  it('starts a twin in a worker, forwards its log lines and stops it', async () => {
    const host = await createWorkerServiceHost('test');
    hosts.push(host);
    const log = createMemorySink();
    const twin = await host.start('s3', { env: { MINIO_ROOT_USER: 'host-test-user', MINIO_ROOT_PASSWORD: 'host-test-password' }, log });
    expect(twin.role).toBe('s3');
    const health = await request(`${twin.url}/minio/health/live`);
    await health.body.dump();
    expect(health.statusCode).toBe(200);
    expect(log.lines().join('\n')).toContain('S3-API');
    await twin.close();
    await expect(request(`${twin.url}/minio/health/live`)).rejects.toThrow();
  });

  it('reports a twin that fails to start as an infrastructure error', async () => {
    const host = await createWorkerServiceHost('test-fail');
    hosts.push(host);
    const error = await host.start('chatwoot', { env: { TWIN_VERSION: '9.9.9' }, log: createMemorySink() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfrastructureError);
    expect(error).toMatchObject({ code: ErrorCodes.serviceStart });
    expect((error as Error).message).toMatch(/TWIN_VERSION/);
  });
});
