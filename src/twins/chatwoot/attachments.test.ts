import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import QRCode from 'qrcode';
import S3rver from 's3rver';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, sdkMultipart, seedConversation, startRecorder, startTestTwin, type TestTwin } from './test-support/chatwoot-test-kit.ts';

async function fetchRaw(url: string) {
  const answer = await request(url, { method: 'GET' });
  const bytes = Buffer.from(await answer.body.arrayBuffer());
  return { status: answer.statusCode, headers: answer.headers, bytes };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

let png: Buffer;
beforeAll(async () => {
  png = await QRCode.toBuffer('evochat-matrix attachment test');
});

async function postAttachments(t: TestTwin, seeded: Awaited<ReturnType<typeof seedConversation>>, parts: Parameters<typeof sdkMultipart>[0]) {
  const form = sdkMultipart([{ name: 'content', value: 'QRCode successfully generated!' }, { name: 'message_type', value: 'incoming' }, ...parts]);
  const path = `/api/v1/accounts/${seeded.account.accountId}/conversations/${seeded.conversation.id}/messages`;
  return call(t.url, 'POST', path, { token: seeded.account.token, headers: form.headers, body: form.body });
}

describe('attachments on local storage (§7)', () => {
  let t: TestTwin;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cw-twin-att-'));
    t = await startTestTwin('3.8.0', { TWIN_STORAGE_DIR: dir });
  });
  afterAll(async () => {
    await t.twin.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores the file, serialises push data, and data_url answers 302 to the stored bytes', async () => {
    const recorder = await startRecorder();
    try {
      const seeded = await seedConversation(t.url, recorder.url);
      const answer = await postAttachments(t, seeded, [
        { name: 'attachments[]', value: png, filename: 'instance.png', contentType: 'image/png' },
        { name: 'attachments[]', value: Buffer.from('plain text body'), filename: 'notes.txt' },
      ]);
      expect(answer.status).toBe(200);
      const [image, text] = answer.json.attachments;
      expect(image).toMatchObject({
        file_type: 'image',
        account_id: seeded.account.accountId,
        message_id: answer.json.id,
        file_size: png.length,
        width: null,
        height: null,
      });
      expect(text).toMatchObject({ file_type: 'file', file_size: 15, thumb_url: '' });
      expect(image.data_url.startsWith(`${t.url}/rails/active_storage/blobs/redirect/`)).toBe(true);
      expect(image.data_url.endsWith('/instance.png')).toBe(true);
      expect(image.thumb_url).toContain('/rails/active_storage/representations/redirect/');
      expect(await listFiles(dir)).toHaveLength(2);

      const redirect = await fetchRaw(image.data_url);
      expect(redirect.status).toBe(302);
      const stored = await fetchRaw(String(redirect.headers.location));
      expect(stored.status).toBe(200);
      expect(stored.headers['content-type']).toBe('image/png');
      expect(stored.bytes.equals(png)).toBe(true);

      const thumb = await fetchRaw(image.thumb_url);
      expect(thumb.status).toBe(302);
      expect((await fetchRaw(String(thumb.headers.location))).bytes.equals(png)).toBe(true);
      expect(await listFiles(dir)).toHaveLength(3);

      await t.twin.webhooksIdle();
      const created = recorder.requests.map((r) => r.body).find((b) => b.event === 'message_created' && b.id === answer.json.id);
      expect(created.attachments.map((a: { data_url: string }) => a.data_url)).toEqual([image.data_url, text.data_url]);
      expect(created.conversation.messages[0].attachments[0].data_url).toBe(image.data_url);
    } finally {
      await recorder.close();
    }
  });

  it('decides file_type from the content type (declared, else sniffed/extension)', async () => {
    const seeded = await seedConversation(t.url);
    const answer = await postAttachments(t, seeded, [
      { name: 'attachments[]', value: Buffer.from('OggS audio'), filename: 'voice.ogg', contentType: 'audio/ogg' },
      { name: 'attachments[]', value: Buffer.from('mp4'), filename: 'clip.mp4', contentType: 'video/mp4' },
      { name: 'attachments[]', value: Buffer.from('%PDF-1.4'), filename: 'doc.pdf' },
      { name: 'attachments[]', value: png, filename: 'no-type' },
    ]);
    expect(answer.json.attachments.map((a: { file_type: string }) => a.file_type)).toEqual(['audio', 'video', 'file', 'image']);
  });

  it('answers 404 for a forged signed id', async () => {
    expect((await fetchRaw(`${t.url}/rails/active_storage/blobs/redirect/eyJfcmFpbHMiOnt9fQ--0000/x.png`)).status).toBe(404);
  });

  it('uses FRONTEND_URL as the host of data_url', async () => {
    const other = await startTestTwin('3.7.0', { FRONTEND_URL: 'http://0.0.0.0:3000' });
    try {
      const seeded = await seedConversation(other.url);
      const answer = await postAttachments(other, seeded, [{ name: 'attachments[]', value: png, filename: 'qr.png' }]);
      expect(answer.json.attachments[0].data_url.startsWith('http://0.0.0.0:3000/rails/active_storage/blobs/redirect/')).toBe(true);
    } finally {
      await other.twin.close();
    }
  });
});

interface S3Fixture {
  endpoint: string;
  client: S3Client;
  close(): Promise<void>;
}

/** s3rver in-process on loopback with a temp dir (it does not check credentials beyond the access key id). */
async function startS3rver(bucket: string): Promise<S3Fixture> {
  const directory = await mkdtemp(join(tmpdir(), 'cw-twin-s3rver-'));
  const s3 = new S3rver({ directory, silent: true, vhostBuckets: false, configureBuckets: [{ name: bucket }] });
  await s3.configureBuckets();
  const handle = s3.callback();
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => handle(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return {
    endpoint,
    client,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      s3.logger.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

describe('attachments on s3_compatible storage (§7)', () => {
  let s3: S3Fixture;
  const started: TestTwin[] = [];
  beforeAll(async () => {
    s3 = await startS3rver('chatwoot');
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((t) => t.twin.close()));
  });
  afterAll(() => s3.close());

  async function s3Twin(bucket = 'chatwoot') {
    const t = await startTestTwin('3.9.0', {
      ACTIVE_STORAGE_SERVICE: 's3_compatible',
      STORAGE_BUCKET_NAME: bucket,
      STORAGE_ACCESS_KEY_ID: 'S3RVER',
      STORAGE_SECRET_ACCESS_KEY: 'S3RVER',
      STORAGE_REGION: 'us-east-1',
      STORAGE_ENDPOINT: s3.endpoint,
      STORAGE_FORCE_PATH_STYLE: 'true',
    });
    started.push(t);
    return t;
  }

  async function objectKeys(): Promise<string[]> {
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: 'chatwoot' }));
    return (listed.Contents ?? []).map((object) => object.Key ?? '');
  }

  it('uploads inside the POST, redirects data_url to a 5-minute presigned GET on STORAGE_ENDPOINT', async () => {
    const t = await s3Twin();
    const seeded = await seedConversation(t.url);
    const before = await objectKeys();
    const answer = await postAttachments(t, seeded, [{ name: 'attachments[]', value: png, filename: 'qr.png', contentType: 'image/png' }]);
    expect(answer.status).toBe(200);
    // The object is in the bucket by the time the POST answered.
    const keys = (await objectKeys()).filter((key) => !before.includes(key));
    expect(keys).toHaveLength(1);
    const object = await s3.client.send(new GetObjectCommand({ Bucket: 'chatwoot', Key: keys[0] }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(png)).toBe(true);
    expect(object.ContentType).toBe('image/png');

    const attachment = answer.json.attachments[0];
    expect(attachment.data_url.startsWith(`${t.url}/rails/active_storage/blobs/redirect/`)).toBe(true);
    const redirect = await fetchRaw(attachment.data_url);
    expect(redirect.status).toBe(302);
    const location = new URL(String(redirect.headers.location));
    expect(location.origin).toBe(s3.endpoint);
    expect(location.pathname).toBe(`/chatwoot/${keys[0]}`);
    expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(location.searchParams.get('X-Amz-Credential')).toMatch(/^S3RVER\/\d{8}\/us-east-1\/s3\/aws4_request$/);
    const fetched = await fetchRaw(location.toString());
    expect(fetched.status).toBe(200);
    expect(fetched.bytes.equals(png)).toBe(true);
  });

  it('the first thumbnail fetch downloads, "resizes" and uploads a variant; later fetches reuse it', async () => {
    const t = await s3Twin();
    const seeded = await seedConversation(t.url);
    const answer = await postAttachments(t, seeded, [{ name: 'attachments[]', value: png, filename: 'qr.png', contentType: 'image/png' }]);
    const count = (await objectKeys()).length;
    const first = await fetchRaw(answer.json.attachments[0].thumb_url);
    expect(first.status).toBe(302);
    expect((await objectKeys()).length).toBe(count + 1);
    const second = await fetchRaw(answer.json.attachments[0].thumb_url);
    expect(second.headers.location && new URL(String(second.headers.location)).pathname).toBe(new URL(String(first.headers.location)).pathname);
    expect((await objectKeys()).length).toBe(count + 1);
    expect((await fetchRaw(String(second.headers.location))).bytes.equals(png)).toBe(true);
  });

  it('a storage failure answers 500 and leaves no message behind', async () => {
    const t = await s3Twin('no-such-bucket');
    const seeded = await seedConversation(t.url);
    const path = `/api/v1/accounts/${seeded.account.accountId}/conversations/${seeded.conversation.id}/messages`;
    const answer = await postAttachments(t, seeded, [{ name: 'attachments[]', value: png, filename: 'qr.png', contentType: 'image/png' }]);
    expect(answer.status).toBe(500);
    expect((await call(t.url, 'GET', path, { token: seeded.account.token })).json.payload).toEqual([]);
    expect(t.log.lines().some((line) => line.includes('ActiveStorage upload failed'))).toBe(true);
  });
});
