import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AttachmentStore, ServiceUrlOptions } from './attachment-store.ts';
import { presignS3Get } from './presign-s3-get.ts';

export interface S3CompatibleSettings {
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  endpoint: string;
  forcePathStyle: boolean;
}

/** ActiveStorage's S3 service pointed at STORAGE_ENDPOINT (`s3_compatible`, chatwoot-3.7-3.9.md §5, §7). */
export class S3CompatibleStore implements AttachmentStore {
  readonly kind = 's3_compatible' as const;
  private readonly settings: S3CompatibleSettings;
  private readonly client: S3Client;
  private readonly now: () => number;

  constructor(settings: S3CompatibleSettings, now: () => number) {
    this.settings = settings;
    this.now = now;
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      // Plain PUTs like the Ruby SDK of 2024 sends; no streaming checksum trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  async upload(key: string, bytes: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.settings.bucket, Key: key, Body: bytes, ContentType: contentType || 'application/octet-stream' }),
    );
  }

  async download(key: string): Promise<Buffer> {
    const answer = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }));
    const bytes = await answer.Body?.transformToByteArray();
    return Buffer.from(bytes ?? []);
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: key }));
  }

  serviceUrl(key: string, options: ServiceUrlOptions): string {
    const filename = options.filename.replace(/"/g, '%22');
    return presignS3Get({
      ...this.settings,
      key,
      expiresSeconds: 300,
      now: this.now(),
      query: {
        'response-content-disposition': `inline; filename="${filename}"; filename*=UTF-8''${encodeURIComponent(options.filename)}`,
        'response-content-type': options.contentType || 'application/octet-stream',
      },
    });
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }
}
