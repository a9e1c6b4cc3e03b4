/**
 * The Chatwoot REST answers the harness reads (shapes: chatwoot-3.7-3.9.md §3), for the scenario client and for
 * doctor alike. Each keeps only the fields someone reads; zod's default stripping drops the rest.
 */
import { z } from 'zod';

export const ChatwootInbox = z.object({
  id: z.number(),
  name: z.string(),
  channel_type: z.string().optional(),
  webhook_url: z.string().nullable().optional(),
});
export type ChatwootInbox = z.infer<typeof ChatwootInbox>;

export const ChatwootContact = z.object({
  id: z.number(),
  name: z.string().nullable(),
  phone_number: z.string().nullable().optional(),
  identifier: z.string().nullable().optional(),
});
export type ChatwootContact = z.infer<typeof ChatwootContact>;

export const ChatwootAttachment = z.object({
  id: z.number(),
  file_type: z.string(),
  data_url: z.string(),
  thumb_url: z.string().nullable().optional(),
  file_size: z.number().nullable().optional(),
  extension: z.string().nullable().optional(),
});
export type ChatwootAttachment = z.infer<typeof ChatwootAttachment>;

export const ChatwootMessage = z.object({
  id: z.number(),
  content: z.string().nullable(),
  message_type: z.number(),
  status: z.string().nullable().optional(),
  private: z.boolean().nullable().optional(),
  source_id: z.string().nullable().optional(),
  content_attributes: z.record(z.string(), z.unknown()).nullable().optional(),
  conversation_id: z.number().optional(),
  created_at: z.number().optional(),
  attachments: z.array(ChatwootAttachment).optional(),
});
export type ChatwootMessage = z.infer<typeof ChatwootMessage>;

export const ChatwootConversation = z.object({
  /** The per-account display_id, which is what every URL uses. */
  id: z.number(),
  inbox_id: z.number(),
  status: z.string(),
  meta: z.object({ sender: z.object({ id: z.number(), phone_number: z.string().nullable().optional() }).optional() }).optional(),
});
export type ChatwootConversation = z.infer<typeof ChatwootConversation>;

/** `{"payload":[…]}`: how list endpoints answer (inboxes, contacts/filter, contacts/{id}/conversations, messages). */
export const ChatwootList = <T extends z.ZodType>(item: T) => z.object({ payload: z.array(item) });

/** `POST /api/v1/accounts` (signup) and `POST /auth/sign_in` answer the same `data`. */
export const ChatwootSessionResponse = z.object({ data: z.object({ id: z.number(), access_token: z.string(), account_id: z.number() }) });

export const ChatwootContactCreated = z.object({ payload: z.object({ contact: ChatwootContact }) });

/** `GET /api`, unauthenticated. */
export const ChatwootApiRoot = z.object({
  version: z.string(),
  queue_services: z.string().optional(),
  data_services: z.string().optional(),
});

/** `GET /api/v1/profile`: the token's user and the accounts it belongs to. */
export const ChatwootProfile = z.object({
  id: z.number(),
  name: z.string().optional(),
  type: z.string().nullable().optional(),
  accounts: z.array(z.object({ id: z.number(), role: z.string().optional(), name: z.string().optional() })).default([]),
});
export type ChatwootProfile = z.infer<typeof ChatwootProfile>;
