import type { RailsLogger } from '../http/rails-log.ts';
import type { PresentContext } from '../presenters/present-context.ts';
import { conversationWebhookData, messageEventPayload } from '../presenters/conversation-json.ts';
import type { Conversation, ConversationStatus, Message } from '../twin-state.ts';
import type { DeliveryOptions, DeliveryResult, WebhookDeliverer } from './webhook-deliverer.ts';
import { normalizePayloadContent, webhookSignatureHeaders, type WebhookPolicy } from './webhook-policy.ts';

const ACTIVITY = 2;

export interface ConversationChange {
  [attribute: string]: { previous_value: unknown; current_value: unknown };
}

/**
 * After-commit events of an API inbox, delivered to its `webhook_url` (chatwoot-3.7-3.9.md §4):
 * message_created / message_updated (never activity; private notes and the client's own messages
 * included), conversation_created, conversation_status_changed + conversation_updated.
 */
export class EventBus {
  private readonly ctx: PresentContext;
  private readonly deliverer: WebhookDeliverer;
  private readonly log: RailsLogger;
  private readonly now: () => number;
  private readonly policy: WebhookPolicy;
  private readonly uuid: () => string;

  constructor(ctx: PresentContext, deliverer: WebhookDeliverer, log: RailsLogger, now: () => number, policy: WebhookPolicy, uuid: () => string) {
    this.ctx = ctx;
    this.deliverer = deliverer;
    this.log = log;
    this.now = now;
    this.policy = policy;
    this.uuid = uuid;
  }

  messageCreated(message: Message): void {
    this.messageEvent(message, 'message_created');
  }

  messageUpdated(message: Message): void {
    this.messageEvent(message, 'message_updated');
  }

  conversationCreated(conversation: Conversation): void {
    this.conversationEvent(conversation, () => ({ ...conversationWebhookData(this.ctx, conversation), event: 'conversation_created' }));
  }

  /** A status change fires both events (§4); changed_attributes of the first is null (Inference, §4). */
  conversationStatusChanged(conversation: Conversation, previous: ConversationStatus, otherChanges: ConversationChange = {}): void {
    this.conversationEvent(conversation, () => ({
      ...conversationWebhookData(this.ctx, conversation),
      event: 'conversation_status_changed',
      changed_attributes: null,
    }));
    this.conversationUpdated(conversation, { status: { previous_value: previous, current_value: conversation.status }, ...otherChanges });
  }

  conversationUpdated(conversation: Conversation, changes: ConversationChange): void {
    this.conversationEvent(conversation, () => ({
      ...conversationWebhookData(this.ctx, conversation),
      event: 'conversation_updated',
      changed_attributes: Object.entries(changes).map(([key, value]) => ({ [key]: value })),
    }));
  }

  idle(): Promise<void> {
    return this.deliverer.idle();
  }

  /** deliver_api_inbox_webhooks: only Channel::Api inboxes with a webhook_url. */
  private webhookUrlOf(inboxId: number): string | undefined {
    const inbox = this.ctx.state.inboxes.get(inboxId);
    const url = inbox?.channelType === 'Channel::Api' ? inbox.webhookUrl : null;
    return url === null || url === undefined || url.trim() === '' ? undefined : url;
  }

  /** The 4.x additions to one API-inbox delivery (chatwoot-3.10-4.x.md §4.2): headers, signature, SafeFetch. */
  private deliveryOptions(inboxId: number): DeliveryOptions {
    const secret = this.ctx.state.inboxes.get(inboxId)?.secret ?? null;
    const { deliveryHeader, signature, refusePrivateTargets } = this.policy;
    return {
      refusePrivateTargets,
      headers: (body) => ({
        ...(deliveryHeader ? { 'x-chatwoot-delivery': this.uuid() } : {}),
        ...(signature && secret !== null ? webhookSignatureHeaders(secret, body, Math.floor(this.now() / 1000)) : {}),
      }),
    };
  }

  private rendered(payload: () => unknown): () => unknown {
    return this.policy.normalizeContent ? () => normalizePayloadContent(payload()) : payload;
  }

  private conversationEvent(conversation: Conversation, payload: () => unknown): void {
    const url = this.webhookUrlOf(conversation.inboxId);
    if (!url) return;
    this.deliverer.enqueue(url, this.rendered(payload), (result) => this.logFailure(url, result), this.deliveryOptions(conversation.inboxId));
  }

  private messageEvent(message: Message, event: 'message_created' | 'message_updated'): void {
    if (message.messageType === ACTIVITY) return;
    const url = this.webhookUrlOf(message.inboxId);
    if (!url) return;
    this.deliverer.enqueue(
      url,
      this.rendered(() => messageEventPayload(this.ctx, message, event)),
      (result) => {
        this.logFailure(url, result);
        if (!result.ok) this.markFailed(message, result.error);
      },
      this.deliveryOptions(message.inboxId),
    );
  }

  /**
   * PR #8277 (§4): a failed api_inbox_webhook delivery of a message event marks the message failed
   * with `external_error` and that update fires message_updated. A repeat failure with the same
   * error changes nothing, so it fires nothing (Inference: update! without changes commits no event).
   */
  private markFailed(message: Message, error: string): void {
    if (!this.ctx.state.messages.has(message.id)) return;
    if (message.status === 'failed' && message.contentAttributes.external_error === error) return;
    message.status = 'failed';
    message.contentAttributes = { ...message.contentAttributes, external_error: error };
    message.updatedAt = this.now();
    this.messageUpdated(message);
  }

  private logFailure(url: string, result: DeliveryResult): void {
    if (!result.ok) this.log.warn(`Exception: Invalid webhook URL ${url} : ${result.error}`, 'ActiveJob', 'WebhookJob');
  }
}
