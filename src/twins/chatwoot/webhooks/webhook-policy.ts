import { createHmac } from 'node:crypto';
import type { ChatwootVersionProfile } from '../../../model/chatwoot-profiles.ts';

/** What an API-inbox webhook looks like on this version (chatwoot-3.10-4.x.md §4), beyond the 3.x POST. */
export interface WebhookPolicy {
  /** `X-Chatwoot-Delivery: <uuid>` (4.12.0+). */
  deliveryHeader: boolean;
  /** `X-Chatwoot-Timestamp` + `X-Chatwoot-Signature` with the inbox's `secret` (4.13.0+). */
  signature: boolean;
  /** `content` without `\` before a newline and without trailing newlines (4.13.0+). */
  normalizeContent: boolean;
  /** SafeFetch refuses private, loopback and link-local targets (4.14.0; 4.14.1+ unless the opt-out is set). */
  refusePrivateTargets: boolean;
}

export function webhookPolicy(profile: ChatwootVersionProfile, refusePrivateTargets: boolean): WebhookPolicy {
  return {
    deliveryHeader: profile.webhookDeliveryHeader,
    signature: profile.webhookSignature,
    normalizeContent: profile.webhookContentNormalized,
    refusePrivateTargets,
  };
}

/**
 * PR #13892 (4.13.0): `sha256=` + hex HMAC-SHA256 of `"<timestamp>.<raw body>"` keyed with the channel secret; the
 * timestamp is unix seconds and travels in X-Chatwoot-Timestamp (chatwoot-3.10-4.x.md §0.4, §4.2).
 */
export function webhookSignatureHeaders(secret: string, body: string, unixSeconds: number): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return { 'x-chatwoot-timestamp': String(unixSeconds), 'x-chatwoot-signature': `sha256=${signature}` };
}

/** Messages::WebhookContentNormalizer (4.13.0, PR #13950): `\` + newline → newline; trailing newlines stripped. */
export function normalizeWebhookContent(content: string | null): string | null {
  if (content === null) return null;
  return content.replace(/\\(\r?\n)/g, '$1').replace(/(\r?\n)+$/, '');
}

interface WithContent {
  content?: unknown;
  conversation?: { messages?: { content?: unknown }[] } | null;
  messages?: { content?: unknown }[];
}

/** Applies the normalizer to a webhook payload: its own `content` and the contents of the conversation's `messages[]`. */
export function normalizePayloadContent<T>(payload: T): T {
  const data = payload as WithContent;
  const fix = (item: { content?: unknown }) => (typeof item.content === 'string' ? { ...item, content: normalizeWebhookContent(item.content) } : item);
  const result: WithContent = fix(data);
  if (Array.isArray(data.messages)) result.messages = data.messages.map(fix);
  if (data.conversation && Array.isArray(data.conversation.messages))
    result.conversation = { ...data.conversation, messages: data.conversation.messages.map(fix) };
  return result as T;
}
