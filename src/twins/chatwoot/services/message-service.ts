import { createHash, randomBytes } from 'node:crypto';
import type { TwinDeps } from '../twin-context.ts';
import { MESSAGE_TYPES, MESSAGE_TYPE_NAMES, type Attachment, type Conversation, type Message, type SenderRef, type StoredBlob } from '../twin-state.ts';
import type { AccountAccess } from '../http/auth.ts';
import { HttpProblem } from '../http/http-problem.ts';
import { castBoolean, isPlainObject, stringParam, UploadedFile, type ParamValue, type Params } from '../http/request-params.ts';
import { BLOB_ID_PURPOSE } from '../presenters/attachment-json.ts';
import { detectContentType, fileTypeFor } from '../storage/file-type.ts';
import { textsFor } from '../locales.ts';
import { actorOf, changeStatus } from './conversation-service.ts';
import type { Actor } from './activity-messages.ts';

/** Message::NUMBER_OF_PERMITTED_ATTACHMENTS (chatwoot-3.7-3.9.md §7). */
export const MAX_ATTACHMENTS = 15;
const CONTENT_TYPES = new Set([
  'text',
  'input_text',
  'input_textarea',
  'input_email',
  'input_select',
  'cards',
  'form',
  'article',
  'incoming_email',
  'input_csat',
  'integrations',
  'sticker',
]);

/** The action rescues every StandardError as 422 `{"error": e.message}` (§3.1). */
const messageError = (message: string) => new HttpProblem(422, { error: message });

/** Rails enum assignment: names, or integers from JSON; anything else raises ArgumentError. */
function parseMessageType(raw: ParamValue | undefined): number {
  if (raw === undefined || raw === null || raw === '') return MESSAGE_TYPES.outgoing;
  if (typeof raw === 'number' && MESSAGE_TYPE_NAMES[raw] !== undefined) return raw;
  if (typeof raw === 'string' && raw in MESSAGE_TYPES) return MESSAGE_TYPES[raw as keyof typeof MESSAGE_TYPES];
  throw messageError(`'${typeof raw === 'string' ? raw : JSON.stringify(raw)}' is not a valid message_type`);
}

/** content_attributes may arrive as a JSON string (multipart): unparsable → {} (§3.1). */
function parseContentAttributesParam(raw: ParamValue | undefined): Record<string, unknown> {
  if (isPlainObject(raw)) return { ...raw };
  if (typeof raw === 'string') {
    try {
      const parsed: unknown = JSON.parse(raw);
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return {};
}

const present = (value: unknown) => value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);

/**
 * The message's content_attributes as Messages::MessageBuilder builds them (measured on 3.8.0): of
 * the param only `in_reply_to` and `items` are taken (anything else, `in_reply_to_external_id`
 * included, is dropped); `external_created_at` comes from the top-level param; then
 * InReplyToMessageBuilder looks `in_reply_to` up in the conversation and adds its `source_id` as
 * `in_reply_to_external_id`.
 */
function buildContentAttributes(deps: TwinDeps, conversation: Conversation, params: Params): Record<string, unknown> {
  const given = parseContentAttributesParam(params.content_attributes);
  const attributes: Record<string, unknown> = {};
  if (present(given.items)) attributes.items = given.items;
  if (present(given.in_reply_to)) attributes.in_reply_to = given.in_reply_to;
  if (present(params.external_created_at)) attributes.external_created_at = params.external_created_at;
  if (present(given.in_reply_to)) {
    const id = Number(given.in_reply_to);
    const replied = deps.state.messagesOf(conversation.id).find((message) => message.id === id);
    attributes.in_reply_to_external_id = replied?.sourceId ?? null;
    attributes.in_reply_to = replied?.id ?? null;
  }
  return attributes;
}

function storageKey(): string {
  // ActiveStorage keys: 28 random base36 characters.
  return [...randomBytes(28)].map((byte) => (byte % 36).toString(36)).join('');
}

interface PlannedUpload {
  file: UploadedFile;
  blob: StoredBlob;
}

function planUploads(deps: TwinDeps, raw: ParamValue | undefined): { uploads: PlannedUpload[]; existing: StoredBlob[] } {
  const items = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  const uploads: PlannedUpload[] = [];
  const existing: StoredBlob[] = [];
  for (const item of items) {
    if (item instanceof UploadedFile) {
      const contentType = detectContentType(item.contentType, item.filename, item.bytes);
      uploads.push({
        file: item,
        blob: {
          id: 0,
          key: storageKey(),
          filename: item.filename || 'file',
          contentType,
          byteSize: item.bytes.length,
          checksum: createHash('md5').update(item.bytes).digest('base64'),
          metadata: {},
          variants: new Map(),
        },
      });
    } else if (typeof item === 'string' && item !== '') {
      // A signed blob id from a direct upload (dashboard path).
      const blobId = deps.signer.verify(BLOB_ID_PURPOSE, item);
      const blob = typeof blobId === 'number' ? deps.state.blobs.get(blobId) : undefined;
      if (!blob) throw messageError("Couldn't find ActiveStorage::Blob with 'id'=");
      existing.push(blob);
    }
  }
  return { uploads, existing };
}

export interface MessageSender {
  access: AccountAccess;
}

function senderFor(access: AccountAccess, conversation: Conversation, messageType: number): SenderRef {
  if (messageType === MESSAGE_TYPES.outgoing) {
    return access.principal.kind === 'user' ? { type: 'User', id: access.principal.user.id } : { type: 'AgentBot', id: access.principal.bot.id };
  }
  if (messageType === MESSAGE_TYPES.activity) return null;
  return { type: 'Contact', id: conversation.contactId };
}

/**
 * Messages::MessageBuilder + Message validations (chatwoot-3.7-3.9.md §3.1, §3.3, §7). Everything is
 * validated before anything is stored; attachments are uploaded inside the request (so storage
 * latency is part of the response time) and a storage failure leaves no message behind.
 */
export async function createMessage(deps: TwinDeps, access: AccountAccess, conversation: Conversation, params: Params): Promise<Message> {
  const messageType = parseMessageType(params.message_type);
  // MessageBuilder#message_type (message_builder.rb): the builder raises, the action renders 422.
  const inbox = deps.state.inboxes.get(conversation.inboxId);
  if (messageType === MESSAGE_TYPES.incoming && inbox?.channelType !== 'Channel::Api') {
    throw messageError('Incoming messages are only allowed in Api inboxes');
  }
  const contentType = stringParam(params, 'content_type') ?? 'text';
  if (!CONTENT_TYPES.has(contentType)) throw messageError(`'${contentType}' is not a valid content_type`);
  const content = stringParam(params, 'content') ?? null;
  if (content !== null && content.length > 150_000) throw messageError('Validation failed: Content is too long (maximum is 150000 characters)');
  const { uploads, existing } = planUploads(deps, params.attachments);
  if (uploads.length + existing.length > MAX_ATTACHMENTS) {
    // Unverified: the exact text of the attachment-count validation.
    throw messageError(`Validation failed: Attachments exceeded maximum allowed (${MAX_ATTACHMENTS})`);
  }
  const floodLimit = deps.config.messageFloodLimitPerMinute;
  if (floodLimit !== undefined) {
    // 3.9.0 prevent_message_flooding: `count >= limit` before saving (Corrections).
    const since = deps.now() - 60_000;
    const recent = deps.state.messagesOf(conversation.id).filter((m) => m.createdAt >= since).length;
    if (recent >= floodLimit) throw messageError('Validation failed: Too many messages');
  }

  const uploaded: StoredBlob[] = [];
  try {
    for (const upload of uploads) {
      await deps.storage.upload(upload.blob.key, upload.file.bytes, upload.blob.contentType);
      uploaded.push(upload.blob);
    }
  } catch (error) {
    await Promise.all(uploaded.map((blob) => deps.storage.delete(blob.key).catch(() => undefined)));
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new StorageFailure(reason);
  }

  const now = deps.now();
  const messageId = deps.state.nextId('message');
  const attachments: Attachment[] = [...uploaded, ...existing].map((blob) => {
    if (blob.id === 0) {
      blob.id = deps.state.nextId('blob');
      deps.state.blobs.set(blob.id, blob);
    }
    return { id: deps.state.nextId('attachment'), messageId, accountId: conversation.accountId, fileType: fileTypeFor(blob.contentType), blob };
  });
  const message: Message = {
    id: messageId,
    accountId: conversation.accountId,
    inboxId: conversation.inboxId,
    conversationId: conversation.id,
    content,
    messageType,
    contentType,
    contentAttributes: buildContentAttributes(deps, conversation, params),
    private: castBoolean(params.private) ?? false,
    status: 'sent',
    sourceId: stringParam(params, 'source_id') ?? null,
    sender: senderFor(access, conversation, messageType),
    externalSourceIds: {},
    additionalAttributes: {},
    echoId: stringParam(params, 'echo_id') ?? null,
    attachments,
    createdAt: now,
    updatedAt: now,
  };
  deps.state.messages.set(message.id, message);
  afterMessageCreated(deps, conversation, message, actorOf(deps, access));
  return message;
}

/** Message after_create callbacks that an API client can observe. */
function afterMessageCreated(deps: TwinDeps, conversation: Conversation, message: Message, actor: Actor): void {
  deps.events.messageCreated(message);
  if (message.messageType === MESSAGE_TYPES.activity) return;
  conversation.lastActivityAt = message.createdAt;
  conversation.updatedAt = message.createdAt;
  const changes: Record<string, { previous_value: unknown; current_value: unknown }> = {};
  if (message.messageType === MESSAGE_TYPES.incoming) {
    const contact = deps.state.contacts.get(conversation.contactId);
    if (contact) contact.lastActivityAt = message.createdAt;
    if (conversation.waitingSince === null) {
      conversation.waitingSince = message.createdAt;
      changes.waiting_since = { previous_value: null, current_value: message.createdAt };
    }
    // reopen_conversation: an incoming message reopens a resolved or snoozed, unmuted conversation (Inference).
    if (!conversation.muted && (conversation.status === 'resolved' || conversation.status === 'snoozed')) {
      changeStatus(deps, conversation, 'open', null, actor);
    }
  } else if (message.messageType === MESSAGE_TYPES.outgoing && !message.private && message.sender?.type === 'User') {
    if (conversation.firstReplyCreatedAt === null) {
      conversation.firstReplyCreatedAt = message.createdAt;
      changes.first_reply_created_at = { previous_value: null, current_value: message.createdAt };
    }
    if (conversation.waitingSince !== null) {
      changes.waiting_since = { previous_value: conversation.waitingSince, current_value: null };
      conversation.waitingSince = null;
    }
  }
  if (Object.keys(changes).length > 0) deps.events.conversationUpdated(conversation, changes);
}

/** messages#destroy: the row stays, content becomes the account-locale "deleted" text (Corrections). */
export async function deleteMessage(deps: TwinDeps, message: Message): Promise<void> {
  const account = deps.state.accounts.get(message.accountId);
  const blobs = message.attachments.map((attachment) => attachment.blob);
  message.content = textsFor(account?.locale ?? 'en').messageDeleted;
  message.contentType = 'text';
  message.contentAttributes = { deleted: true };
  message.attachments = [];
  message.updatedAt = deps.now();
  for (const blob of blobs) {
    deps.state.blobs.delete(blob.id);
    await deps.storage.delete(blob.key).catch(() => undefined);
    for (const variantKey of blob.variants.values()) await deps.storage.delete(variantKey).catch(() => undefined);
  }
  deps.events.messageUpdated(message);
}

/** An upload to the attachment store failed: the message was not created. */
export class StorageFailure extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'StorageFailure';
  }
}
