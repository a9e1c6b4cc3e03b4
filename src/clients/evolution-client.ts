import { z } from 'zod';
import type { Redactor } from '../common/redact.ts';
import type { ExchangeScenario } from '../model/result-schema.ts';
import { createHttpClient, type HttpCall, type HttpClient, type RawResponse } from './http-client.ts';

export const EvolutionRoot = z.object({ status: z.number(), message: z.string(), version: z.string() });

export const CreateInstanceResponse = z.object({
  instance: z.object({ instanceName: z.string(), status: z.string() }),
  hash: z.object({ apikey: z.string() }),
  chatwoot: z.object({ enabled: z.boolean(), webhook_url: z.string() }).optional(),
});
export type CreateInstanceResponse = z.infer<typeof CreateInstanceResponse>;

export const ConnectionState = z.object({ instance: z.object({ instanceName: z.string().optional(), state: z.string() }) });

export interface ChatwootLink {
  accountId: number | string;
  /** Secret. */
  token: string;
  /** chatwoot_url exactly as Evolution should use it. */
  url: string;
  signMsg?: boolean;
  reopenConversation?: boolean;
  conversationPending?: boolean;
  nameInbox?: string;
  importContacts?: boolean;
  importMessages?: boolean;
}

/** The `/instance/create` body; `chatwoot_*` fields only when a Chatwoot link is given. */
export function instanceCreateBody(instanceName: string, chatwoot?: ChatwootLink): Record<string, unknown> {
  const body: Record<string, unknown> = { instanceName, qrcode: false };
  if (!chatwoot) return body;
  return {
    ...body,
    chatwoot_account_id: chatwoot.accountId,
    chatwoot_token: chatwoot.token,
    chatwoot_url: chatwoot.url,
    chatwoot_sign_msg: chatwoot.signMsg ?? false,
    chatwoot_reopen_conversation: chatwoot.reopenConversation ?? true,
    chatwoot_conversation_pending: chatwoot.conversationPending ?? false,
    chatwoot_import_contacts: chatwoot.importContacts ?? false,
    chatwoot_import_messages: chatwoot.importMessages ?? false,
    ...(chatwoot.nameInbox ? { chatwoot_name_inbox: chatwoot.nameInbox } : {}),
  };
}

/** Evolution API 1.7.x calls the scenarios make (evolution-api-1.7.md §2), authenticated with the global key. */
export class EvolutionClient {
  readonly http: HttpClient;

  constructor(options: { baseUrl: string; apiKey: string; redactor?: Redactor; scenario?: ExchangeScenario }) {
    options.redactor?.add(options.apiKey);
    this.http = createHttpClient({
      baseUrl: options.baseUrl,
      service: 'evolution',
      defaultHeaders: { apikey: options.apiKey },
      redactor: options.redactor,
      scenario: options.scenario,
    });
  }

  raw(call: HttpCall): Promise<RawResponse> {
    return this.http.raw(call);
  }

  root(): Promise<z.infer<typeof EvolutionRoot>> {
    return this.http.json({ method: 'GET', path: '/', omitDefaultHeaders: true }, EvolutionRoot);
  }

  /**
   * `POST /instance/create` with the Chatwoot fields: 201 at once, the Chatwoot bootstrap (inbox, bot
   * contact, conversation, `init`) runs in the background (§2.3, §3a). Imports are off: they need Chatwoot's database.
   */
  createInstance(instanceName: string, chatwoot?: ChatwootLink): Promise<CreateInstanceResponse> {
    return this.http.json({ method: 'POST', path: '/instance/create', json: instanceCreateBody(instanceName, chatwoot) }, CreateInstanceResponse);
  }

  /** The same, answered raw: for scenarios that assert on the status itself. */
  createInstanceRaw(instanceName: string, chatwoot?: ChatwootLink): Promise<RawResponse> {
    return this.http.raw({ method: 'POST', path: '/instance/create', json: instanceCreateBody(instanceName, chatwoot) });
  }

  async connectionState(instanceName: string): Promise<string> {
    const response = await this.http.json({ method: 'GET', path: `/instance/connectionState/${encodeURIComponent(instanceName)}` }, ConnectionState);
    return response.instance.state;
  }

  /** `GET /instance/connect/:name`: starts the WhatsApp connection (upstream waits up to 5 s for a QR); the raw answer. */
  connect(instanceName: string): Promise<RawResponse> {
    return this.http.raw({ method: 'GET', path: `/instance/connect/${encodeURIComponent(instanceName)}` });
  }

  /** `POST /chatwoot/set/:name` (§2.5): account_id must be a string; with auto_create the Chatwoot setup is awaited. */
  setChatwoot(instanceName: string, chatwoot: ChatwootLink & { enabled?: boolean; autoCreate?: boolean }): Promise<Record<string, unknown>> {
    const body = {
      enabled: chatwoot.enabled ?? true,
      account_id: String(chatwoot.accountId),
      token: chatwoot.token,
      url: chatwoot.url,
      sign_msg: chatwoot.signMsg ?? false,
      reopen_conversation: chatwoot.reopenConversation ?? true,
      conversation_pending: chatwoot.conversationPending ?? false,
      auto_create: chatwoot.autoCreate ?? false,
      import_contacts: chatwoot.importContacts ?? false,
      import_messages: chatwoot.importMessages ?? false,
      ...(chatwoot.nameInbox ? { name_inbox: chatwoot.nameInbox } : {}),
    };
    return this.http.json({ method: 'POST', path: `/chatwoot/set/${encodeURIComponent(instanceName)}`, json: body }, z.record(z.string(), z.unknown()));
  }

  /** What Chatwoot posts to `/chatwoot/webhook/:name` (unguarded; answers after processing, §2.6); the raw answer. */
  webhook(instanceName: string, payload: unknown): Promise<RawResponse> {
    return this.http.raw({ method: 'POST', path: `/chatwoot/webhook/${encodeURIComponent(instanceName)}`, json: payload, omitDefaultHeaders: true });
  }

  findChatwoot(instanceName: string): Promise<Record<string, unknown>> {
    return this.http.json({ method: 'GET', path: `/chatwoot/find/${encodeURIComponent(instanceName)}` }, z.record(z.string(), z.unknown()));
  }

  sendText(instanceName: string, number: string, text: string): Promise<Record<string, unknown>> {
    return this.http.json(
      { method: 'POST', path: `/message/sendText/${encodeURIComponent(instanceName)}`, json: { number, textMessage: { text } } },
      z.record(z.string(), z.unknown()),
    );
  }
}
