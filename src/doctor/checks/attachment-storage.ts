import { z } from 'zod';
import type { DoctorCheck } from '../doctor-check.ts';
import type { CheckOutcome } from '../check-outcome.ts';
import { skippedBecause } from '../fact.ts';
import type { DoctorContext } from '../doctor-context.ts';
import type { Exchange } from '../../model/result-schema.ts';
import { reached } from '../doctor-facts.ts';

/** How many recent conversations are searched for an attachment (each costs one GET). */
const CONVERSATIONS_SEARCHED = 5;
/** Chatwoot's webhook timeout (chatwoot-3.7-3.9.md §4): a consumer fetch slower than this fails messages. */
const WEBHOOK_TIMEOUT_MS = 5_000;
const SLOW_MS = 2_000;

const ConversationList = z.object({ data: z.object({ payload: z.array(z.object({ id: z.number() })) }) });
const Attachment = z.object({ id: z.number(), data_url: z.string(), file_type: z.string().optional(), file_size: z.number().nullable().optional() });
const MessageList = z.object({ payload: z.array(z.object({ id: z.number(), attachments: z.array(Attachment).optional() })) });

type FoundAttachment = z.infer<typeof Attachment> & { conversation: number; message: number };

async function findRecentAttachment(ctx: DoctorContext, headers: Record<string, string>, exchanges: Exchange[]): Promise<FoundAttachment | undefined> {
  const candidates: number[] = [];
  const bot = ctx.target.instance ? await ctx.facts.botConversation() : undefined;
  if (bot?.ok && bot.value.displayId !== undefined) candidates.push(bot.value.displayId);
  const list = await ctx.facts.reach('storage/data-url', 'Chatwoot', {
    link: 'harness->chatwoot',
    method: 'GET',
    url: ctx.facts.accountPath('/conversations?status=all&page=1'),
    headers,
  });
  if (!reached(list)) return undefined;
  exchanges.push(list.exchange);
  const parsed = ConversationList.safeParse(list.json);
  if (parsed.success) for (const conversation of parsed.data.data.payload) if (!candidates.includes(conversation.id)) candidates.push(conversation.id);

  let best: FoundAttachment | undefined;
  for (const conversation of candidates.slice(0, CONVERSATIONS_SEARCHED)) {
    const messages = await ctx.facts.reach('storage/data-url', 'Chatwoot', {
      link: 'harness->chatwoot',
      method: 'GET',
      url: ctx.facts.accountPath(`/conversations/${conversation}/messages`),
      headers,
    });
    if (!reached(messages)) continue;
    exchanges.push(messages.exchange);
    const parsedMessages = MessageList.safeParse(messages.json);
    if (!parsedMessages.success) continue;
    for (const message of parsedMessages.data.payload) {
      for (const attachment of message.attachments ?? []) {
        if (!best || message.id > best.message) best = { ...attachment, conversation, message: message.id };
      }
    }
  }
  return best;
}

/** Which ActiveStorage service the redirect target reveals (chatwoot-3.7-3.9.md §7). */
function serviceOf(location: URL): { name: string; storage: 'local' | 'minio' | undefined } {
  const query = location.search.toLowerCase();
  if (query.includes('x-amz-signature') || query.includes('x-amz-algorithm')) return { name: `S3-compatible (${location.host})`, storage: 'minio' };
  if (location.pathname.includes('/rails/active_storage/disk/')) return { name: 'local disk (ActiveStorage Disk service)', storage: 'local' };
  if (location.hostname.endsWith('storage.googleapis.com')) return { name: 'Google Cloud Storage', storage: undefined };
  if (location.hostname.endsWith('blob.core.windows.net')) return { name: 'Azure Blob Storage', storage: undefined };
  return { name: `unknown (${location.host})`, storage: undefined };
}

/**
 * Storage: a recent attachment's data_url must answer 302 (Rails' blob redirect) and the target
 * 200, quickly: Evolution fetches data_url for agent attachments inside Chatwoot's 5 s webhook.
 */
export const attachmentStorageCheck: DoctorCheck = {
  id: 'data-url',
  section: 'storage',
  title: 'Attachment storage: data_url 302 → 200 and how long it takes',
  seedSymptom: 'Slow or broken S3 images',
  async run(ctx) {
    const headers = await ctx.facts.chatwootHeaders();
    if (!headers.ok) return skippedBecause(headers);
    const exchanges: Exchange[] = [];
    const attachment = await findRecentAttachment(ctx, headers.value, exchanges);
    if (!attachment) {
      return {
        status: 'skip',
        summary: `no attachment in the ${CONVERSATIONS_SEARCHED} most recent conversations to test storage with`,
        evidence: ['send an image in any conversation, then run the doctor again'],
        exchanges,
      };
    }
    const evidence = [
      `attachment #${attachment.id} (${attachment.file_type ?? 'file'}) of message #${attachment.message} in conversation #${attachment.conversation}`,
    ];
    const dataUrl = new URL(attachment.data_url);
    if (dataUrl.hostname === '0.0.0.0') {
      return {
        status: 'fail',
        summary: `data_url points at ${dataUrl.origin}: FRONTEND_URL is not set to an address others can reach`,
        evidence: [...evidence, `data_url host: ${dataUrl.host}`],
        remedy: 'Set Chatwoot’s FRONTEND_URL to its public URL; every data_url and the QR image links are built from it.',
        references: ['evolution#1643'],
        exchanges,
      };
    }
    const redirect = await ctx.facts.reach('storage/data-url', 'Chatwoot (data_url)', { link: 'harness->chatwoot', method: 'GET', url: attachment.data_url });
    if (!reached(redirect)) {
      return {
        status: 'warn',
        summary: `data_url ${dataUrl.origin} is unreachable from here: browsers and Evolution must reach FRONTEND_URL`,
        evidence: [...evidence, redirect.summary],
        remedy: 'Check FRONTEND_URL: it must be an address browsers and Evolution can reach.',
        exchanges: [...redirect.exchanges, ...exchanges],
      };
    }
    exchanges.unshift(redirect.exchange);
    const location = redirect.headers.location;
    if (redirect.status < 300 || redirect.status >= 400 || !location) {
      return {
        status: 'fail',
        summary: `data_url answered ${redirect.status}, not the 302 redirect to the stored file`,
        evidence: [...evidence, `GET data_url → ${redirect.status}`],
        remedy: 'Check the ActiveStorage settings (ACTIVE_STORAGE_SERVICE, STORAGE_*): the blob may be missing or on another service.',
        references: ['chatwoot#9610', 'chatwoot#9547'],
        exchanges,
      };
    }
    const target = new URL(location, attachment.data_url);
    const service = serviceOf(target);
    ctx.detectedStorage = service.storage;
    evidence.push(`GET data_url → ${redirect.status} in ${redirect.durationMs} ms; storage service: ${service.name}`);
    const object = await ctx.facts.reach('storage/data-url', 'the storage endpoint', { link: 'harness->storage', method: 'GET', url: target.toString() });
    if (!reached(object)) {
      return {
        status: 'warn',
        summary: `the storage endpoint ${target.origin} is unreachable from here`,
        evidence: [...evidence, object.summary],
        remedy: 'Browsers and Evolution follow the redirect: STORAGE_ENDPOINT must be an address they can reach (not an internal-only name).',
        references: ['chatwoot#1596'],
        exchanges: [...exchanges, ...object.exchanges],
      };
    }
    exchanges.splice(1, 0, object.exchange);
    const total = redirect.durationMs + object.durationMs;
    evidence.push(`GET ${target.origin}${target.pathname} → ${object.status} in ${object.durationMs} ms (${object.text.length} bytes); total ${total} ms`);
    if (object.status !== 200) {
      return {
        status: 'fail',
        summary: `the stored file answered ${object.status} (${service.name})`,
        evidence,
        remedy:
          'The object is missing or the bucket/credentials are wrong: check STORAGE_BUCKET_NAME, STORAGE_ENDPOINT, STORAGE_FORCE_PATH_STYLE=true for MinIO.',
        references: ['chatwoot#1596', 'chatwoot#9547', 'chatwoot#11440'],
        exchanges,
      };
    }
    const outcome: CheckOutcome = { status: 'pass', summary: `${service.name}: 302 → 200 in ${total} ms`, evidence, exchanges };
    if (total >= WEBHOOK_TIMEOUT_MS) {
      return {
        ...outcome,
        status: 'fail',
        summary: `${service.name}: fetching an attachment took ${total} ms, more than Chatwoot's 5 s webhook timeout`,
        remedy: 'Agent attachments will be marked failed ("Timed out reading data from server"): bring storage latency well under 5 s, or use local storage.',
        references: ['chatwoot#8277'],
      };
    }
    if (total >= SLOW_MS) {
      return {
        ...outcome,
        status: 'warn',
        summary: `${service.name}: fetching an attachment took ${total} ms; over 5 s Chatwoot marks agent attachment replies failed`,
        remedy: 'Bring storage latency down (co-locate MinIO/S3 with Chatwoot and Evolution).',
      };
    }
    return outcome;
  },
};
