import { createHash, createHmac } from 'node:crypto';

export interface PresignGetOptions {
  endpoint: string;
  bucket: string;
  key: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  expiresSeconds: number;
  /** Epoch ms of signing. */
  now: number;
  /** Extra query parameters signed into the URL (response-content-type, response-content-disposition). */
  query?: Record<string, string>;
}

/** RFC 3986 encoding as SigV4 wants it; `/` kept only in paths. */
function encodeRfc3986(value: string, keepSlash: boolean): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, keepSlash ? '/' : '%2F');
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * A SigV4 query-string presigned GET computed locally (no network call), as ActiveStorage's S3
 * service produces for the blob redirect (§7: points at STORAGE_ENDPOINT, default expiry 5 minutes).
 */
export function presignS3Get(options: PresignGetOptions): string {
  const endpoint = new URL(options.endpoint);
  const host = options.forcePathStyle ? endpoint.host : `${options.bucket}.${endpoint.host}`;
  const basePath = endpoint.pathname.replace(/\/+$/, '');
  const objectPath = `${basePath}/${options.forcePathStyle ? `${options.bucket}/` : ''}${options.key}`;
  const canonicalUri = encodeRfc3986(objectPath, true);
  const stamp = new Date(options.now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = stamp.slice(0, 8);
  const scope = `${day}/${options.region}/s3/aws4_request`;
  const query: Record<string, string> = {
    ...options.query,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${options.accessKeyId}/${scope}`,
    'X-Amz-Date': stamp,
    'X-Amz-Expires': String(options.expiresSeconds),
    'X-Amz-SignedHeaders': 'host',
  };
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((name) => `${encodeRfc3986(name, false)}=${encodeRfc3986(query[name]!, false)}`)
    .join('&');
  const canonicalRequest = ['GET', canonicalUri, canonicalQuery, `host:${host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${options.secretAccessKey}`, day), options.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  return `${endpoint.protocol}//${host}${canonicalUri}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}
