import { z } from 'zod';
import type { Redactor } from '../common/redact.ts';
import type { ExchangeScenario } from '../model/result-schema.ts';
import type { EvolutionVersion } from '../model/axes.ts';
import { evolutionProfile, type EvolutionProfile } from '../model/evolution-profiles.ts';
import { createHttpClient, type HttpCall, type HttpClient, type RawResponse } from './http-client.ts';

/** `GET /`: 2.x adds clientName, 2.3.x whatsappWebVersion (evolution-api-2.x.md §1.6). */
export const EvolutionRoot = z.object({
  status: z.number(),
  message: z.string(),
  version: z.string(),
  clientName: z.string().optional(),
  whatsappWebVersion: z.string().optional(),
});

/** 1.7: `hash: {apikey}`, `chatwoot.webhook_url`; 2.x: `hash` is the key, `chatwoot.webhookUrl` (2.x §1.6). */
export const CreateInstanceResponse = z.object({
  instance: z.object({ instanceName: z.string(), status: z.string() }),
  hash: z.union([z.object({ apikey: z.string() }), z.string()]),
  chatwoot: z.object({ enabled: z.boolean(), webhook_url: z.string().optional(), webhookUrl: z.string().optional() }).optional(),
});
export type CreateInstanceResponse = z.infer<typeof CreateInstanceResponse>;

/** `state` is absent on 2.x while a deleted instance's row is still there (§M.1). */
export const ConnectionState = z.object({ instance: z.object({ instanceName: z.string().optional(), state: z.string().optional() }) });

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

/**
 * The `/instance/create` body in a generation's style (model/evolution-profiles.ts `apiStyle`): 1.7's `chatwoot_*`
 * fields, or 2.x's camelCase ones with `integration` (a string account id; evolution-api-2.x.md §0.4). The Chatwoot
 * fields only when a link is given.
 */
export function instanceCreateBody(instanceName: string, chatwoot?: ChatwootLink, style: EvolutionProfile['apiStyle'] = 'snake_case'): Record<string, unknown> {
  if (style === 'camelCase') {
    const body: Record<string, unknown> = { instanceName, qrcode: false, integration: 'WHATSAPP-BAILEYS' };
    if (!chatwoot) return body;
    return {
      ...body,
      chatwootAccountId: String(chatwoot.accountId),
      chatwootToken: chatwoot.token,
      chatwootUrl: chatwoot.url,
      chatwootSignMsg: chatwoot.signMsg ?? false,
      chatwootReopenConversation: chatwoot.reopenConversation ?? true,
      chatwootConversationPending: chatwoot.conversationPending ?? false,
      chatwootImportContacts: chatwoot.importContacts ?? false,
      chatwootImportMessages: chatwoot.importMessages ?? false,
      ...(chatwoot.nameInbox ? { chatwootNameInbox: chatwoot.nameInbox } : {}),
    };
  }
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

/** How long a 2.x deletion may take to finish before a name is reused (§M.1 measured 70–190 ms). */
const REMOVAL_DEADLINE_MS = 10_000;
const REMOVAL_POLL_MS = 20;

/**
 * The Evolution API calls the scenarios make (evolution-api-1.7.md §2, evolution-api-2.x.md §1.6), in the API of the
 * endpoint's generation (chosen from its profile, never by comparing versions), authenticated with the global key.
 * A name this client saw removed (a DELETE, or 2.x's 400 on create, which removes the half-made instance after the
 * answer) is not created again before connectionState answered 404 for it (§M.1).
 */
export class EvolutionClient {
  readonly http: HttpClient;
  /** What this Evolution does; 1.7.5 when the caller does not know the version. */
  readonly profile: EvolutionProfile;
  private readonly removing = new Set<string>();

  constructor(options: { baseUrl: string; apiKey: string; redactor?: Redactor; scenario?: ExchangeScenario; version?: EvolutionVersion; keepAlive?: boolean }) {
    this.profile = evolutionProfile(options.version ?? '1.7.5');
    options.redactor?.add(options.apiKey);
    this.http = createHttpClient({
      baseUrl: options.baseUrl,
      service: 'evolution',
      defaultHeaders: { apikey: options.apiKey },
      redactor: options.redactor,
      scenario: options.scenario,
      keepAlive: options.keepAlive,
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
  async createInstance(instanceName: string, chatwoot?: ChatwootLink): Promise<CreateInstanceResponse> {
    await this.settleRemoval(instanceName);
    return this.http.json(
      { method: 'POST', path: '/instance/create', json: instanceCreateBody(instanceName, chatwoot, this.profile.apiStyle) },
      CreateInstanceResponse,
    );
  }

  /** The same, answered raw: for scenarios that assert on the status itself. */
  createInstanceRaw(instanceName: string, chatwoot?: ChatwootLink): Promise<RawResponse> {
    return this.createInstanceRawAs(this.profile.apiStyle, instanceName, chatwoot);
  }

  /**
   * A create in a given style, whatever the generation (a 1.7 body sent to 2.x is a fault scenario). On 2.x the body
   * carries `integration` in either style, so the 1.7 fields are what differs.
   */
  async createInstanceRawAs(style: EvolutionProfile['apiStyle'], instanceName: string, chatwoot?: ChatwootLink): Promise<RawResponse> {
    await this.settleRemoval(instanceName);
    const body = instanceCreateBody(instanceName, chatwoot, style);
    if (this.profile.integrationRequired) body.integration = 'WHATSAPP-BAILEYS';
    const response = await this.http.raw({ method: 'POST', path: '/instance/create', json: body });
    if (response.status === 400 && this.profile.removesInstanceOnCreateError) this.removing.add(instanceName);
    return response;
  }

  /** The state, or undefined while a 2.x deletion is still finishing (§M.1). */
  async connectionState(instanceName: string): Promise<string | undefined> {
    const response = await this.http.json({ method: 'GET', path: `/instance/connectionState/${encodeURIComponent(instanceName)}` }, ConnectionState);
    return response.instance.state;
  }

  /** `DELETE /instance/delete/:name`; the name is reused only once its removal finished. */
  async deleteInstance(instanceName: string): Promise<RawResponse> {
    const response = await this.http.raw({ method: 'DELETE', path: `/instance/delete/${encodeURIComponent(instanceName)}` });
    if (response.status === 200) this.removing.add(instanceName);
    return response;
  }

  /** Waits until connectionState answers 404 for a name this client saw removed (a no-op otherwise). */
  async settleRemoval(instanceName: string): Promise<void> {
    if (!this.removing.has(instanceName)) return;
    const deadline = Date.now() + REMOVAL_DEADLINE_MS;
    for (;;) {
      const answer = await this.http.raw({ method: 'GET', path: `/instance/connectionState/${encodeURIComponent(instanceName)}` });
      if (answer.status === 404) break;
      if (Date.now() >= deadline) {
        throw new Error(
          `Evolution still answers ${answer.status} for "${instanceName}" ${REMOVAL_DEADLINE_MS} ms after removing it: the name cannot be reused yet`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, REMOVAL_POLL_MS));
    }
    this.removing.delete(instanceName);
  }

  /** `GET /instance/connect/:name`: starts the WhatsApp connection (upstream waits up to 5 s for a QR); the raw answer. */
  connect(instanceName: string): Promise<RawResponse> {
    return this.http.raw({ method: 'GET', path: `/instance/connect/${encodeURIComponent(instanceName)}` });
  }

  /** `POST /chatwoot/set/:name` (§2.5): account_id must be a string; with auto_create the Chatwoot setup is awaited. */
  setChatwoot(instanceName: string, chatwoot: ChatwootLink & { enabled?: boolean; autoCreate?: boolean }): Promise<Record<string, unknown>> {
    const body = this.profile.apiStyle === 'camelCase' ? this.setChatwootBody2(chatwoot) : this.setChatwootBody17(chatwoot);
    return this.http.json({ method: 'POST', path: `/chatwoot/set/${encodeURIComponent(instanceName)}`, json: body }, z.record(z.string(), z.unknown()));
  }

  private setChatwootBody2(chatwoot: ChatwootLink & { enabled?: boolean; autoCreate?: boolean }): Record<string, unknown> {
    return {
      enabled: chatwoot.enabled ?? true,
      accountId: String(chatwoot.accountId),
      token: chatwoot.token,
      url: chatwoot.url,
      signMsg: chatwoot.signMsg ?? false,
      reopenConversation: chatwoot.reopenConversation ?? true,
      conversationPending: chatwoot.conversationPending ?? false,
      autoCreate: chatwoot.autoCreate ?? false,
      importContacts: chatwoot.importContacts ?? false,
      importMessages: chatwoot.importMessages ?? false,
      ...(chatwoot.nameInbox ? { nameInbox: chatwoot.nameInbox } : {}),
    };
  }

  private setChatwootBody17(chatwoot: ChatwootLink & { enabled?: boolean; autoCreate?: boolean }): Record<string, unknown> {
    return {
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
  }

  /** What Chatwoot posts to `/chatwoot/webhook/:name` (unguarded; answers after processing, §2.6); the raw answer. */
  webhook(instanceName: string, payload: unknown): Promise<RawResponse> {
    return this.http.raw({ method: 'POST', path: `/chatwoot/webhook/${encodeURIComponent(instanceName)}`, json: payload, omitDefaultHeaders: true });
  }

  findChatwoot(instanceName: string): Promise<Record<string, unknown>> {
    return this.http.json({ method: 'GET', path: `/chatwoot/find/${encodeURIComponent(instanceName)}` }, z.record(z.string(), z.unknown()));
  }

  /** 1.7: `{number, textMessage: {text}}`; 2.x: `{number, text}` (message.schema.ts@2.3.6). */
  sendText(instanceName: string, number: string, text: string): Promise<Record<string, unknown>> {
    const json = this.profile.apiStyle === 'camelCase' ? { number, text } : { number, textMessage: { text } };
    return this.http.json({ method: 'POST', path: `/message/sendText/${encodeURIComponent(instanceName)}`, json }, z.record(z.string(), z.unknown()));
  }
}
