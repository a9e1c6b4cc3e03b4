import { afterAll, afterEach, describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { waitFor } from '../../common/wait-for.ts';
import { createLatencyProxy } from '../../evidence/latency-proxy.ts';
import { startTwin } from '../start-twin.ts';
import { startKit, type Kit } from './test-support/evolution-test-kit.ts';
import { botWebhook } from './test-support/call-sequence-flows.ts';
import { stopKitDatabase } from './test-support/kit-database.ts';

/** 2.x inbound media: the import-database check (evolution-api-2.x.md §5.2) and Evolution's own S3 store (§2). */
const kits: Kit[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((kit) => kit.close()));
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(stopKitDatabase);
const DEADLINE = { timeoutMs: 10_000, intervalMs: 20 };

async function connected(options: Parameters<typeof startKit>[0]): Promise<Kit> {
  const k = await startKit(options);
  kits.push(k);
  expect((await k.createWithChatwoot('shop')).status).toBe(201);
  await k.waitForMessage((content) => content === 'init', 'the init message');
  await k.webhook('shop', botWebhook('init', 'shop'));
  await k.waitForMessage((content) => content.startsWith('⚡️'), 'the QR text');
  expect((await k.control('POST', '/instances/shop/scan', { number: '5511900000000', pushName: 'Shop Phone' })).status).toBe(200);
  await k.waitForMessage((content) => content === '🚀 Connection successfully established!', 'the connected message');
  k.recorder.clear();
  return k;
}

async function inboundImage(k: Kit, id: string): Promise<void> {
  const png = await QRCode.toBuffer(id);
  const injected = await k.control('POST', '/instances/shop/inbound', {
    from: '5511999990001',
    pushName: 'Alice',
    id,
    media: { base64: png.toString('base64'), mimetype: 'image/png', caption: `media ${id}` },
  });
  expect(injected.status).toBe(202);
}

const BAKED = { CHATWOOT_IMPORT_DATABASE_CONNECTION_URI: undefined };

describe("inbound media with the image's baked import URI (§5.2)", () => {
  it('2.1.2 drops the media (the check throws), text still arrives', async () => {
    const k = await connected({ version: '2.1.2', env: BAKED });
    await inboundImage(k, '3EB0BAKED00000000001');
    await waitFor(() => k.logText().includes('ERROR [ChatwootService] [object]'), { ...DEADLINE, description: 'the relay error' });
    expect(k.logText()).toMatch(/getaddrinfo \w+ host/);
    await k.control('POST', '/instances/shop/inbound', { from: '5511999990001', pushName: 'Alice', id: '3EB0BAKED00000000002', text: 'text after' });
    await k.waitForMessage((content) => content === 'text after', 'the text message');
    expect(k.messagePosts().some((call) => call.parts?.some((part) => part.name === 'attachments[]'))).toBe(false);
  });

  it.each(['2.2.3', '2.3.6'] as const)('%s posts the media anyway (the check fails softly)', async (version) => {
    const k = await connected({ version, env: BAKED });
    await inboundImage(k, '3EB0BAKED00000000003');
    const posted = await k.waitForMessage((content) => content === 'media 3EB0BAKED00000000003', 'the media message');
    expect(posted.parts?.some((part) => part.name === 'attachments[]')).toBe(true);
    if (version === '2.3.6') expect(k.logText()).toContain('ERROR [ChatwootImport] [string] Error on getExistingSourceIds:');
  });
});

describe('Evolution 2.x media store on S3 (§2)', () => {
  it('stores inbound media after the Chatwoot post: a slow S3 delays only the store (the guide blames S3 for initialisation)', async () => {
    const s3 = await startTwin('s3', { env: { MINIO_ROOT_USER: 'evokey', MINIO_ROOT_PASSWORD: 'evosecret' }, port: 0 });
    closers.push(() => s3.close());
    const latency = await createLatencyProxy({ upstream: s3.url, delayMs: 0 });
    closers.push(() => latency.close());
    const proxied = new URL(latency.url);
    const k = await connected({
      version: '2.3.6',
      env: {
        S3_ENABLED: 'true',
        S3_ENDPOINT: proxied.hostname,
        S3_PORT: proxied.port,
        S3_USE_SSL: 'false',
        S3_ACCESS_KEY: 'evokey',
        S3_SECRET_KEY: 'evosecret',
        S3_BUCKET: 'evolution',
        S3_REGION: 'us-east-1',
      },
    });
    await waitFor(() => k.logText().includes('S3 Bucket evolution - ON') || k.logText().includes('S3 ERROR:'), {
      ...DEADLINE,
      description: 'the bucket at start',
    });
    const client = new S3Client({
      endpoint: s3.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'evokey', secretAccessKey: 'evosecret' },
    });
    closers.push(() => Promise.resolve(client.destroy()));
    await client.send(new CreateBucketCommand({ Bucket: 'evolution' })).catch(() => undefined);
    latency.setDelay(2000);
    const sentAt = Date.now();
    await inboundImage(k, '3EB0S3SLOW0000000001');
    await k.waitForMessage((content) => content === 'media 3EB0S3SLOW0000000001', 'the media message in Chatwoot');
    // Chatwoot has the message while the slow store has not finished: S3 never sits on the Chatwoot path.
    const atPost = await client.send(new ListObjectsV2Command({ Bucket: 'evolution', Prefix: 'evolution-api/' }));
    expect(atPost.Contents ?? []).toEqual([]);
    const objects = await waitFor(
      async () => {
        const listed = await client.send(new ListObjectsV2Command({ Bucket: 'evolution', Prefix: 'evolution-api/' }));
        return listed.Contents && listed.Contents.length > 0 ? listed.Contents : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, description: 'the object in the bucket' },
    );
    const storedMs = Date.now() - sentAt;
    expect(objects[0]?.Key).toMatch(/^evolution-api\/[0-9a-f-]+\/5511999990001@s\.whatsapp\.net\/image\/\d+_3EB0S3SLOW0000000001\.png$/);
    expect(storedMs).toBeGreaterThanOrEqual(2000);
  }, 60_000);
});
