import { join } from 'node:path/posix';
import * as Minio from 'minio';
import type { Gen2Config } from './evolution-config.ts';
import type { EvolutionLogger } from './evolution-logger.ts';
import { extensionForMime } from './mime-types.ts';
import type { WaMessageRaw } from './whatsapp-message.ts';

/**
 * Evolution 2.x's own media store (evolution-api-2.x.md §2): with S3_ENABLED, minio-js against S3_ENDPOINT; the
 * bucket made at start without waiting (`INFO [S3 Service] S3 Bucket <b> - ON` or `ERROR [S3 Service] S3 ERROR:`),
 * and each inbound media message stored **after** its Chatwoot post, inside the DATABASE_SAVE_DATA_NEW_MESSAGE branch:
 * `evolution-api/<instanceId>/<jid>/<mediaType>/<fileName>` (2.3.0+: `<Date.now()>_<fileName>`), then presigned. No
 * timeout, no retry; a failure is logged, never surfaced to Chatwoot. No S3 in QR or Chatwoot uploads.
 */
export interface MediaStore {
  /** Stores an inbound media message's bytes; resolves when the upload and the presign finished or failed. */
  storeInbound(instanceId: string, raw: WaMessageRaw, log: EvolutionLogger): Promise<void>;
}

export function createS3MediaStore(
  settings: Gen2Config['s3'],
  options: { timestampedKeys: boolean; logger: EvolutionLogger; now: () => number; track: (task: () => Promise<unknown>) => void },
): MediaStore {
  const client = new Minio.Client({
    endPoint: settings.endpoint ?? '',
    port: settings.port,
    useSSL: settings.useSsl,
    accessKey: settings.accessKey ?? '',
    secretKey: settings.secretKey ?? '',
    ...(settings.region ? { region: settings.region } : {}),
  });
  const bucket = settings.bucket ?? '';
  options.track(async () => {
    try {
      const buckets = await client.listBuckets().catch(() => []);
      if (!buckets.some((entry) => entry.name === bucket)) await client.makeBucket(bucket, settings.region ?? 'us-east-1');
      if (!settings.skipPolicy) {
        const policy = {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`] }],
        };
        await client.setBucketPolicy(bucket, JSON.stringify(policy));
      }
      options.logger.info(`S3 Bucket ${bucket} - ON`);
    } catch (error) {
      options.logger.error('S3 ERROR:');
      options.logger.error(error);
    }
  });
  return {
    async storeInbound(instanceId, raw, log) {
      const content = raw.message ?? {};
      const [messageType, body] = Object.entries(content)[0] ?? [];
      if (!messageType || !raw.mediaBase64) return;
      const mimetype = ((body as { mimetype?: string } | undefined)?.mimetype ?? 'application/octet-stream').split(';')[0]!.trim();
      const mediaType = messageType.replace('Message', '');
      const named = (body as { fileName?: string } | undefined)?.fileName;
      const fileName = named ?? `${raw.key.id}.${extensionForMime(mimetype)}`;
      const key = join(instanceId, raw.key.remoteJid, mediaType, options.timestampedKeys ? `${options.now()}_${fileName}` : fileName);
      const buffer = Buffer.from(raw.mediaBase64, 'base64');
      try {
        try {
          await client.putObject(bucket, join('evolution-api', key), buffer, buffer.byteLength, {
            'Content-Type': mimetype,
            'custom-header-application': 'evolution-api',
          });
        } catch (error) {
          // uploadFile logs and returns the error; the flow goes on to the presign (§2.3).
          options.logger.error(error);
        }
        await client.presignedGetObject(bucket, join('evolution-api', key));
        log.verbose(`media stored: ${bucket}/evolution-api/${key}`);
      } catch (error) {
        const failure = error as { message?: string; stack?: string };
        log.error(['Error on upload file to minio', failure?.message, failure?.stack]);
      }
    },
  };
}
