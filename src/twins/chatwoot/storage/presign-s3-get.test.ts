import { describe, expect, it } from 'vitest';
import { presignS3Get } from './presign-s3-get.ts';

describe('presignS3Get', () => {
  it('reproduces the AWS SigV4 documentation example for a presigned GET', () => {
    // "Authenticating Requests: Using Query Parameters" example of the S3 API reference.
    const url = presignS3Get({
      endpoint: 'https://s3.amazonaws.com',
      bucket: 'examplebucket',
      key: 'test.txt',
      region: 'us-east-1',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      forcePathStyle: false,
      expiresSeconds: 86400,
      now: Date.UTC(2013, 4, 24, 0, 0, 0),
    });
    expect(url).toBe(
      'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
        '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z' +
        '&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });

  it('puts the bucket in the path with forcePathStyle and keeps the endpoint port', () => {
    const url = new URL(
      presignS3Get({
        endpoint: 'http://127.0.0.1:9000',
        bucket: 'chatwoot',
        key: 'abc def',
        region: 'us-east-1',
        accessKeyId: 'minio',
        secretAccessKey: 'minio-secret',
        forcePathStyle: true,
        expiresSeconds: 300,
        now: Date.UTC(2024, 4, 15, 10, 0, 0),
        query: { 'response-content-type': 'image/png' },
      }),
    );
    expect(url.host).toBe('127.0.0.1:9000');
    expect(url.pathname).toBe('/chatwoot/abc%20def');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('response-content-type')).toBe('image/png');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});
