/**
 * Seed symptom: slow or broken images with S3 storage. An attachment uploaded to Chatwoot is stored by
 * ActiveStorage (local disk or the S3/MinIO bucket); its data_url is a Rails URL answering 302 to the
 * stored object, which both a browser (the host) and Evolution must be able to reach (chatwoot-3.7-3.9.md §7).
 */
import { expect } from 'vitest';
import * as Minio from 'minio';
import type { ChatwootMessage } from '../src/clients/chatwoot-schemas.ts';
import { probeFrom } from '../src/clients/evidence-client.ts';
import { defineSuite, type ScenarioContext } from '../src/scenario/suite-context.ts';
import { fetchFollowing, fixtureImage, sha256 } from './lib/attachments.ts';
import { phoneFor } from './lib/phones.ts';

defineSuite('attachment-storage', (cell) => {
  /** An outgoing message with the fixture image in an API inbox without webhook (no Evolution involved). */
  const uploaded = (s: ScenarioContext) =>
    s.shared('upload', async () => {
      const chatwoot = s.chatwoot();
      const inbox = await chatwoot.createInbox(s.instanceName('files'));
      const contact = await chatwoot.createContact({ inboxId: inbox.id, name: 'evochat files', phoneNumber: `+${phoneFor(s.stack.cellId, 'files')}` });
      const conversation = await chatwoot.createConversation({ inboxId: inbox.id, contactId: contact.id });
      const image = fixtureImage();
      const started = performance.now();
      const message: ChatwootMessage = await chatwoot.createMessage(conversation.id, {
        content: 'evochat attachment',
        messageType: 'outgoing',
        attachments: [image],
      });
      const uploadMs = Math.round(performance.now() - started);
      const attachment = message.attachments?.[0];
      if (!attachment) s.fail(`the message was created without its attachment: ${JSON.stringify(message).slice(0, 300)}`);
      return { image, attachment: attachment, uploadMs };
    });

  cell.scenario('object-in-bucket', async (s) => {
    const { image, attachment, uploadMs } = await uploaded(s);
    s.note(`upload POST took ${uploadMs} ms`);
    if (s.stack.storage === 'local') {
      const fetched = await fetchFollowing(attachment.data_url, { cell: s.stack.cellId, id: s.scenarioId });
      expect(fetched.status).toBe(200);
      expect(fetched.sha256, 'local storage serves the uploaded bytes').toBe(image.sha256);
      s.note('local storage: checked that the stored file is served with the uploaded bytes (no bucket to inspect)');
      return;
    }
    s.require('s3Inspect');
    const s3 = s.stack.s3!;
    const endpoint = new URL(s3.endpoint);
    const minio = new Minio.Client({
      endPoint: endpoint.hostname,
      port: Number(endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80)),
      useSSL: endpoint.protocol === 'https:',
      accessKey: s3.accessKeyId,
      secretKey: s3.secretAccessKey,
      region: s3.region,
      pathStyle: s3.forcePathStyle,
    });
    const candidates: string[] = [];
    for await (const item of minio.listObjectsV2(s3.bucket, '', true)) {
      const object = item as { name?: string; size?: number };
      if (object.name && object.size === image.data.length) candidates.push(object.name);
    }
    let match: string | undefined;
    for (const key of candidates) {
      const stream = await minio.getObject(s3.bucket, key);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      if (sha256(Buffer.concat(chunks)) === image.sha256) {
        match = key;
        break;
      }
    }
    if (!match) s.fail(`no object in bucket ${s3.bucket} has the uploaded bytes (${candidates.length} object(s) of the same size)`);
    s.note(`minio: object ${match} in bucket ${s3.bucket} holds the uploaded bytes (checked with minio-js listObjectsV2 + getObject)`);
  });

  cell.scenario('data-url-from-host', async (s) => {
    const { image, attachment } = await uploaded(s);
    const fetched = await fetchFollowing(attachment.data_url, { cell: s.stack.cellId, id: s.scenarioId });
    expect(fetched.hops[0]?.status, `data_url ${attachment.data_url} first answer`).toBe(302);
    expect(fetched.status, `after redirects ${JSON.stringify(fetched.hops)}`).toBe(200);
    expect(fetched.sha256).toBe(image.sha256);
    s.note(`redirected to ${new URL(fetched.hops[fetched.hops.length - 1]!.url).host}`);
  });

  cell.scenario('data-url-from-evolution', async (s) => {
    const probeUrl = s.stack.evolutionSideProbeUrl;
    if (!probeUrl) s.skip("needs a probe point on Evolution's side: this backend has none");
    const { image, attachment } = await uploaded(s);
    const probe = await probeFrom(probeUrl!, attachment.data_url);
    if (probe.error) s.fail(`fetching data_url from Evolution's side failed: ${probe.error} (hops ${JSON.stringify(probe.hops)})`);
    expect(probe.hops[0]?.status, `data_url first answer from Evolution's side`).toBe(302);
    expect(probe.status).toBe(200);
    expect(probe.sha256).toBe(image.sha256);
  });
});
