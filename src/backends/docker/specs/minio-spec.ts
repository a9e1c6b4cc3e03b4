import { containerLabels } from '../labels.ts';
import type { ContainerSpec } from './container-spec.ts';
import type { SpecContext } from './spec-context.ts';

export const MINIO_PORT = 9000;
export const MINIO_DATA_DIR = '/data';

/** MinIO (or the S3 twin in its role): `server /data`, root credentials from env, health GET /minio/health/live. */
export function minioSpec(serviceId: string, alias: string, cells: readonly string[], context: SpecContext): ContainerSpec {
  const image = context.images.resolve('minio');
  return {
    name: `${alias}-minio`,
    serviceId,
    role: 'minio',
    slot: 'minio',
    image: image.requested,
    command: ['server', MINIO_DATA_DIR],
    env: { MINIO_ROOT_USER: context.secrets.s3AccessKeyId, MINIO_ROOT_PASSWORD: context.secrets.s3SecretAccessKey },
    networkAliases: [`${alias}-minio`],
    exposedPorts: [MINIO_PORT],
    wait: { kind: 'http', path: '/minio/health/live', port: MINIO_PORT, status: 200, timeoutMs: 60_000 },
    dependsOn: [],
    labels: containerLabels(context.runLabels, { serviceId, role: 'minio', cells }),
    oneShot: false,
  };
}
