import { z } from 'zod';
import type { Redactor } from '../common/redact.ts';
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

/** Evolution API 1.7.x calls the scenarios make (evolution-api-1.7.md §2), authenticated with the global key. */
export class EvolutionClient {
  readonly http: HttpClient;

  constructor(options: { baseUrl: string; apiKey: string; redactor?: Redactor }) {
    options.redactor?.add(options.apiKey);
    this.http = createHttpClient({ baseUrl: options.baseUrl, service: 'evolution', defaultHeaders: { apikey: options.apiKey }, redactor: options.redactor });
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
    const body: Record<string, unknown> = { instanceName, qrcode: false };
    if (chatwoot) {
      Object.assign(body, {
        chatwoot_account_id: chatwoot.accountId,
        chatwoot_token: chatwoot.token,
        chatwoot_url: chatwoot.url,
        chatwoot_sign_msg: chatwoot.signMsg ?? false,
        chatwoot_reopen_conversation: chatwoot.reopenConversation ?? true,
        chatwoot_conversation_pending: chatwoot.conversationPending ?? false,
        chatwoot_import_contacts: chatwoot.importContacts ?? false,
        chatwoot_import_messages: chatwoot.importMessages ?? false,
        ...(chatwoot.nameInbox ? { chatwoot_name_inbox: chatwoot.nameInbox } : {}),
      });
    }
    return this.http.json({ method: 'POST', path: '/instance/create', json: body }, CreateInstanceResponse);
  }

  async connectionState(instanceName: string): Promise<string> {
    const response = await this.http.json({ method: 'GET', path: `/instance/connectionState/${encodeURIComponent(instanceName)}` }, ConnectionState);
    return response.instance.state;
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
