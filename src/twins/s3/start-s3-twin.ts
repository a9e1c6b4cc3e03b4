import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { rm } from 'node:fs/promises';
import S3rver from 's3rver';
import AWSAccount from 's3rver/lib/models/account.js';
import { z } from 'zod';
import { stdoutSink } from '../../common/log-sink.ts';
import { makeOwnedTempDir } from '../../common/owned-temp-dir.ts';
import { ConfigError } from '../../errors/index.ts';
import type { StartedTwin, TwinStartOptions } from '../../model/twin-types.ts';

/**
 * The S3 stand-in: s3rver (an S3-protocol server from npm) configured like the `minio/minio` image.
 *
 * Env, as MinIO's image reads it:
 * - PORT (default 9000; MinIO's API port)
 * - MINIO_ROOT_USER / MINIO_ROOT_PASSWORD (default minioadmin / minioadmin): the access key pair
 * Twin-only:
 * - TWIN_S3_DIR     where objects live (default: a temp dir removed on close)
 * - TWIN_S3_BUCKETS comma-separated buckets to create at start (MinIO's image creates none; the harness
 *                   normally creates buckets with CreateBucket, as it must with real MinIO)
 *
 * What it does NOT check (so faults about it need real MinIO): s3rver accepts any SigV4 signature, so a
 * wrong MINIO_ROOT_PASSWORD / secret key is NOT rejected. It does reject an unknown access key id
 * (403 InvalidAccessKeyId). Its key registry is process-wide: two S3 twins in one process accept each other's keys.
 * Health routes as MinIO: GET /minio/health/live and /minio/health/ready answer 200.
 */
const S3TwinEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(9000),
  MINIO_ROOT_USER: z.string().min(3).default('minioadmin'),
  MINIO_ROOT_PASSWORD: z.string().min(8).default('minioadmin'),
  TWIN_S3_DIR: z.string().optional(),
  TWIN_S3_BUCKETS: z.string().optional(),
});

export async function startS3Twin(options: TwinStartOptions): Promise<StartedTwin> {
  const parsed = S3TwinEnv.safeParse(options.env);
  if (!parsed.success) {
    throw new ConfigError(
      'invalid S3 twin environment',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  const env = parsed.data;
  const log = options.log ?? stdoutSink;
  const ownDir = env.TWIN_S3_DIR === undefined;
  const directory = env.TWIN_S3_DIR ?? makeOwnedTempDir('s3');

  AWSAccount.DUMMY_ACCOUNT.createKeyPair(env.MINIO_ROOT_USER, env.MINIO_ROOT_PASSWORD);
  const buckets = (env.TWIN_S3_BUCKETS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  // vhostBuckets off: MinIO clients here use path style, and a Host of "127.0.0.1" must never be read as a bucket.
  const s3 = new S3rver({ directory, silent: true, vhostBuckets: false, configureBuckets: buckets.map((name) => ({ name })) });
  await s3.configureBuckets();
  const handle = s3.callback();

  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/minio/health/live' || path === '/minio/health/ready') {
      res.writeHead(200, { 'content-length': '0' }).end();
      return;
    }
    handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? env.PORT, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  const url = `http://${host}:${port}`;
  log.write(`S3-API: ${url} (s3rver stand-in for MinIO; signatures are not verified)`);

  let closing: Promise<void> | undefined;
  return {
    role: 's3',
    version: undefined,
    url,
    port,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
        s3.logger.close();
        if (ownDir) await rm(directory, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
