import { afterEach, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import * as Minio from 'minio';
import { request } from 'undici';
import { createMemorySink } from '../../common/log-sink.ts';
import type { StartedTwin } from '../../model/twin-types.ts';
import { startS3Twin } from './start-s3-twin.ts';

const twins: StartedTwin[] = [];
afterEach(async () => {
  while (twins.length) await twins.pop()!.close();
});

const USER = 'evochat-s3-user';
const PASSWORD = 'evochat-s3-password';

async function start(extraEnv: Record<string, string> = {}): Promise<StartedTwin> {
  const twin = await startS3Twin({ env: { PORT: '0', MINIO_ROOT_USER: USER, MINIO_ROOT_PASSWORD: PASSWORD, ...extraEnv }, log: createMemorySink() });
  twins.push(twin);
  return twin;
}

function awsClient(endpoint: string, accessKeyId = USER): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey: PASSWORD } });
}

describe('S3 twin', () => {
  it('answers MinIO health routes', async () => {
    const twin = await start();
    const live = await request(`${twin.url}/minio/health/live`);
    await live.body.dump();
    expect(live.statusCode).toBe(200);
  });

  it('stores objects through @aws-sdk/client-s3 (path style) and serves a presigned GET', async () => {
    const twin = await start();
    const s3 = awsClient(twin.url);
    await s3.send(new CreateBucketCommand({ Bucket: 'chatwoot' }));
    await s3.send(new PutObjectCommand({ Bucket: 'chatwoot', Key: 'blobs/abc', Body: Buffer.from('png-bytes'), ContentType: 'image/png' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'chatwoot', Key: 'blobs/abc' }));
    expect(await got.Body?.transformToString()).toBe('png-bytes');
    s3.destroy();

    const { hostname, port } = new URL(twin.url);
    const minio = new Minio.Client({
      endPoint: hostname,
      port: Number(port),
      useSSL: false,
      accessKey: USER,
      secretKey: PASSWORD,
      region: 'us-east-1',
      pathStyle: true,
    });
    const presigned = await minio.presignedGetObject('chatwoot', 'blobs/abc', 300);
    expect(presigned).toContain('X-Amz-Signature=');
    const fetched = await request(presigned);
    expect(fetched.statusCode).toBe(200);
    expect(await fetched.body.text()).toBe('png-bytes');
  });

  it('lists objects with minio-js listObjectsV2 and creates buckets from TWIN_S3_BUCKETS', async () => {
    const twin = await start({ TWIN_S3_BUCKETS: 'pre-made' });
    const s3 = awsClient(twin.url);
    await s3.send(new PutObjectCommand({ Bucket: 'pre-made', Key: 'a/one.txt', Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: 'pre-made', Key: 'a/two.txt', Body: 'two' }));
    s3.destroy();
    const { hostname, port } = new URL(twin.url);
    const minio = new Minio.Client({ endPoint: hostname, port: Number(port), useSSL: false, accessKey: USER, secretKey: PASSWORD, pathStyle: true });
    const names: string[] = [];
    for await (const item of minio.listObjectsV2('pre-made', 'a/', true)) names.push((item as { name: string }).name);
    expect(names.sort()).toEqual(['a/one.txt', 'a/two.txt']);
  });

  it('rejects an unknown access key (but, unlike MinIO, not a wrong secret)', async () => {
    const twin = await start();
    const stranger = awsClient(twin.url, 'not-a-known-key');
    const error = await stranger.send(new CreateBucketCommand({ Bucket: 'x-bucket' })).catch((e: unknown) => e);
    stranger.destroy();
    expect(error).toBeInstanceOf(S3ServiceException);
    expect((error as S3ServiceException).name).toBe('InvalidAccessKeyId');
  });
});
