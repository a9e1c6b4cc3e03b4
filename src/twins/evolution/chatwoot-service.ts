import type { EvolutionConfig } from './evolution-config.ts';
import type { EvolutionLogger } from './evolution-logger.ts';
import type { BotTranslator } from './bot-texts.ts';
import type { InstanceStore, ChatwootRecord } from './instance-store.ts';
import type { BackgroundWork } from './background-work.ts';
import { ChatwootSdkClient, uploadMessageWithAttachment, type ChatwootTarget, type ChatwootTransport } from './chatwoot-http-client.ts';
import { get, listOf, opt, optString } from './loose-json.ts';
import { chatwootToWhatsapp, whatsappToChatwoot } from './markdown-conversion.ts';
import { extensionForMime, mimeFromFileName } from './mime-types.ts';
import { interceptors, request } from 'undici';
import { conversationText, mediaBodyOf, type WaMessageRaw } from './whatsapp-message.ts';
import { jsString } from '../js-string.ts';
import { BOT_CONTACT_PHONE } from '../../model/bot-contact.ts';

/** The bot contact Evolution creates in every inbox (§3a step 3-4): BOT_CONTACT_PHONE, this name and avatar. */
export const BOT_CONTACT_NAME = 'EvolutionAPI';
export const BOT_AVATAR_URL = 'https://evolution-api.com/files/evolution-api-favicon.png';

export type ConnectionState = 'close' | 'connecting' | 'open';

export interface OutboundText {
  number: string;
  text: string;
  delay?: number;
  presence?: string;
}

export interface OutboundMedia {
  number: string;
  /** A URL or base64, as upstream's prepareMediaMessage decides (§3d). */
  media: string;
  mediatype: 'image' | 'video' | 'audio' | 'document';
  fileName: string;
  caption: string | undefined;
  delay: number;
  presence: string;
}

/** What the Chatwoot integration needs from a WhatsApp instance (upstream `waMonitor.waInstances[name]`). */
export interface ChatwootBoundInstance {
  readonly name: string;
  connectionState(): ConnectionState;
  qrCount(): number;
  resetQrCount(): void;
  connectToWhatsapp(number: string | undefined): Promise<void>;
  logout(): Promise<void>;
  /** Agent replies: `isChatwoot=true`, so the sent message is not mirrored back. */
  sendText(input: OutboundText, fromChatwoot: boolean): Promise<WaMessageRaw>;
  sendMedia(input: OutboundMedia, fromChatwoot: boolean): Promise<WaMessageRaw>;
  /** Deletes for everyone the WhatsApp message linked to a Chatwoot message id, if any. */
  revokeByChatwootMessageId(chatwootMessageId: unknown): Promise<void>;
  linkChatwootMessage(waMessageId: string, chatwootMessageId: unknown): void;
  markLastInboundRead(): void;
}

export interface ChatwootServiceDeps {
  config: EvolutionConfig;
  store: InstanceStore;
  work: BackgroundWork;
  transport: ChatwootTransport;
  /** Context `ChatwootService`, no instance name (§3.0). */
  logger: EvolutionLogger;
  t: BotTranslator;
  instance(name: string): ChatwootBoundInstance | undefined;
  random: () => number;
  /**
   * 2.x's cache in front of every provider lookup (`await cache.has(...)`, evolution-api-2.x.md §1.3): resolves at once
   * without a cache engine, never while Redis is unreachable (node-redis' offline queue). Absent on 1.7.
   */
  cacheGate?: (key: string) => Promise<void>;
  /**
   * Chatwoot's own database as 2.x's import helper reaches it (CHATWOOT_IMPORT_DATABASE_CONNECTION_URI, "available"):
   * the WAID source ids already stored there. Absent when not available.
   */
  importDatabase?: { existingSourceIds(sourceIds: string[]): Promise<Set<string>> };
  /** Logger of the import helper (context ChatwootImport). */
  importLogger?: EvolutionLogger;
  /** Where upstream's bare console.log(error) goes (2.3.0+ createContact); the twin's log sink. */
  consoleLog?: (value: unknown) => void;
}

export type WhatsappEvent =
  | { event: 'qrcode.updated'; body: { qrcode: { instance: string; pairingCode: string | null; code: string; base64: string } } }
  | { event: 'qrcode.updated'; body: { message: string; statusCode: number } }
  | { event: 'connection.update'; body: { instance: string; status: ConnectionState } }
  | { event: 'status.instance'; body: { instance: string; status: string } }
  | { event: 'messages.upsert' | 'send.message'; body: WaMessageRaw }
  | { event: 'contact.is_not_in_wpp'; body: { key: { remoteJid: string } } };

interface BoundClient {
  client: ChatwootSdkClient;
  target: ChatwootTarget;
  provider: ChatwootRecord;
}

/**
 * Evolution 1.7's ChatwootService, per twin: the bootstrap (§3a), bot messages with the
 * version-specific conversation lookup (§3b/§3e), the webhook receiver (§2.6), inbound relay (§3c)
 * and the agent-reply path (§3d). Call order, bodies and error handling follow the fact sheet.
 */
export class ChatwootService {
  constructor(private readonly deps: ChatwootServiceDeps) {}

  private get profile() {
    return this.deps.config.profile;
  }
  /** Generation-2 switches (evolution-api-2.x.md §1.2); undefined on 1.7. */
  private get gen2() {
    return this.deps.config.gen2;
  }
  private get logger() {
    return this.deps.logger;
  }

  webhookUrl(instanceName: string): string {
    return `${this.deps.config.serverUrl}/chatwoot/webhook/${encodeURIComponent(instanceName)}`;
  }

  // ---------------------------------------------------------------- provider / client

  /**
   * Upstream clientCw(): re-reads the stored provider every time (caches disabled, §1.5). 2.x asks its cache first
   * and finds no provider while CHATWOOT_ENABLED is off (findChatwoot returns null, 2.x §1.2).
   */
  private async clientFor(instanceName: string): Promise<BoundClient | undefined> {
    await this.deps.cacheGate?.(`${instanceName}:getProvider`);
    const enabled = this.gen2 ? this.gen2.chatwootEnabled : true;
    const provider = enabled && this.deps.instance(instanceName) ? this.deps.store.readChatwoot(instanceName) : undefined;
    if (!provider) {
      this.logger.warn('provider not found');
      if (this.gen2) this.logger.error('provider not found');
      return undefined;
    }
    const target: ChatwootTarget = { url: jsString(provider.url ?? ''), token: provider.token, accountId: provider.account_id };
    return { client: new ChatwootSdkClient(target, this.deps.transport), target, provider };
  }

  /** setChatwoot + optional initInstanceChatwoot (§2.5: awaited by /chatwoot/set, not by /instance/create). */
  async create(instanceName: string, data: ChatwootRecord): Promise<ChatwootRecord> {
    // 2.x's setChatwoot returns early while CHATWOOT_ENABLED is off (channel.service.ts@2.3.6:251-254).
    if (!this.gen2 || this.gen2.chatwootEnabled) this.deps.store.saveChatwoot(instanceName, data);
    if (data.auto_create) {
      if (this.gen2) this.logger.log('Auto create chatwoot instance');
      const inboxName = typeof data.name_inbox === 'string' ? data.name_inbox : instanceName.split('-cwId-')[0]!;
      await this.initInstanceChatwoot(instanceName, inboxName, this.webhookUrl(instanceName), true, data.number, data.organization, data.logo);
    }
    return data;
  }

  /**
   * §3a (2.x §4a): GET inboxes → POST inboxes/ → contacts/filter → POST contacts (2.x: → contacts/filter again) →
   * POST conversations → init message. 2.x logs each step and stops after the inbox when CHATWOOT_BOT_CONTACT is off.
   */
  async initInstanceChatwoot(
    instanceName: string,
    inboxName: string,
    webhookUrl: string,
    qrcode: boolean,
    number: unknown,
    organization?: unknown,
    logo?: unknown,
  ): Promise<boolean | null> {
    const bound = await this.clientFor(instanceName);
    if (!bound) {
      if (this.gen2) this.logger.warn('client not found');
      return null;
    }
    const { client } = bound;
    const gen2 = this.gen2;
    if (!gen2) this.logger.verbose('create inbox in chatwoot');
    const inboxes = await client.listInboxes();
    const existing = listOf(inboxes, 'payload').find((inbox) => opt(inbox, 'name') === inboxName);
    if (gen2) this.logger.log('Creating chatwoot inbox');
    let inboxId: unknown;
    if (!existing) {
      const inbox = await client.createInbox({ name: inboxName, channel: { type: 'api', webhook_url: webhookUrl } });
      if (!inbox) return null;
      inboxId = get(inbox, 'id');
    } else {
      inboxId = get(existing, 'id');
    }
    if (gen2) {
      this.logger.log(`Inbox created - inboxId: ${jsString(inboxId)}`);
      if (!gen2.botContact) {
        this.logger.log('Chatwoot bot contact is disabled');
        return true;
      }
      this.logger.log('Creating chatwoot bot contact');
    } else {
      if (!qrcode) return true;
      this.logger.verbose('create contact for instance in chatwoot');
    }
    const name = gen2 && typeof organization === 'string' && organization ? organization : BOT_CONTACT_NAME;
    const avatar = gen2 && typeof logo === 'string' && logo ? logo : BOT_AVATAR_URL;
    const contact =
      (await this.findContact(instanceName, BOT_CONTACT_PHONE)) ??
      (await this.createContact(instanceName, BOT_CONTACT_PHONE, inboxId, name, avatar, undefined));
    if (!contact) {
      this.logger.warn('contact not found');
      return null;
    }
    const contactId = opt(contact, 'id') ?? get(get(get(contact, 'payload'), 'contact'), 'id');
    if (gen2) {
      this.logger.log(`Contact created - contactId: ${jsString(contactId)}`);
      if (!qrcode) return true;
      this.logger.log('QR code enabled');
    }
    // String ids on purpose (§3a step 5).
    const conversation = await client.createConversation({ contact_id: String(contactId), inbox_id: String(inboxId) });
    if (!conversation) {
      if (gen2) this.logger.warn('conversation not found');
      return null;
    }
    const content = typeof number === 'string' && number ? `init:${number}` : 'init';
    if (!gen2) this.logger.verbose('create message for init instance in chatwoot');
    await client.createMessage(String(get(conversation, 'id')), { content, message_type: 'outgoing' });
    if (gen2) this.logger.log('Init message sent');
    return true;
  }

  // ---------------------------------------------------------------- contacts

  /** Upstream getNumbers: the +55 variant with/without the ninth digit (§3c step 4). */
  private numberVariants(query: string): string[] {
    const numbers = [query];
    if (query.startsWith('+55') && query.length === 14) numbers.push(query.slice(0, 5) + query.slice(6));
    else if (query.startsWith('+55') && query.length === 13) numbers.push(`${query.slice(0, 5)}9${query.slice(5)}`);
    return numbers;
  }

  private searchableFields(): readonly string[] {
    // 1.7.4 also matches `identifier`; 1.7.5 dropped it (§3a step 3, §5).
    return this.profile.contactFilterKeys;
  }

  contactFilterPayload(query: string): Array<Record<string, unknown>> {
    const numbers = this.numberVariants(query);
    const conditions: Array<Record<string, unknown>> = [];
    for (const field of this.searchableFields()) {
      for (const number of numbers) {
        conditions.push({ attribute_key: field, filter_operator: 'equal_to', values: [number.replace('+', '')], query_operator: 'OR' });
      }
    }
    const last = conditions[conditions.length - 1];
    if (last) last.query_operator = null;
    return conditions;
  }

  async findContact(instanceName: string, phoneNumber: string): Promise<unknown> {
    const bound = await this.clientFor(instanceName);
    if (!bound) return null;
    const query = `+${phoneNumber}`;
    const result = await bound.client.filterContacts({ payload: this.contactFilterPayload(query) });
    const contacts = listOf(result, 'payload');
    if (contacts.length > 1) return this.pickContactFromList(bound, contacts, query);
    return contacts[0];
  }

  private async pickContactFromList(bound: BoundClient, contacts: unknown[], query: string): Promise<unknown> {
    const variants = this.numberVariants(query);
    if (this.profile.mergeBrazilContacts && contacts.length === 2 && bound.provider.merge_brazil_contacts === true && query.startsWith('+55')) {
      const merged = await this.mergeBrazilianContacts(bound, contacts);
      if (merged) return merged;
    }
    const longest = variants.reduce((saved, number) => (number.length > saved.length ? number : saved), '');
    const withNinthDigit = contacts.find((contact) => opt(contact, 'phone_number') === longest);
    if (withNinthDigit) return withNinthDigit;
    for (const contact of contacts) {
      for (const field of this.searchableFields()) {
        const value = opt(contact, field);
        if (typeof value === 'string' && variants.includes(value)) return contact;
      }
    }
    return null;
  }

  /** 1.7.5 merge_brazil_contacts: the 14-char phone is the base, the 13-char one is merged into it (§5). */
  private async mergeBrazilianContacts(bound: BoundClient, contacts: unknown[]): Promise<unknown> {
    const base = contacts.find((contact) => optString(contact, 'phone_number')?.length === 14);
    const mergee = contacts.find((contact) => optString(contact, 'phone_number')?.length === 13);
    if (!base || !mergee) return null;
    try {
      return await bound.client.mergeContacts(get(base, 'id') as number, get(mergee, 'id') as number);
    } catch {
      this.logger.error('Error merging contacts');
      return null;
    }
  }

  private async createContact(
    instanceName: string,
    phoneNumber: string,
    inboxId: unknown,
    name: string | undefined,
    avatarUrl: string | null,
    jid: string | undefined,
  ): Promise<unknown> {
    if (this.gen2 && this.profile.createContactCatches) {
      try {
        return await this.createContactOnce(instanceName, phoneNumber, inboxId, name, avatarUrl, jid);
      } catch (error) {
        // 2.3.0+ (2.x §4a): logged, then console.log(error); the bootstrap stops at "contact not found".
        this.logger.error('Error creating contact');
        this.deps.consoleLog?.(error);
        return null;
      }
    }
    return this.createContactOnce(instanceName, phoneNumber, inboxId, name, avatarUrl, jid);
  }

  private async createContactOnce(
    instanceName: string,
    phoneNumber: string,
    inboxId: unknown,
    name: string | undefined,
    avatarUrl: string | null,
    jid: string | undefined,
  ): Promise<unknown> {
    const bound = await this.clientFor(instanceName);
    if (!bound) {
      if (this.gen2) this.logger.warn('client not found');
      return null;
    }
    // Key order is what goes on the wire: 1.7 puts the phone third (§3a step 4), 2.x last and only for a JID or none (2.x §4a).
    const data = this.gen2
      ? {
          inbox_id: inboxId,
          name: name || phoneNumber,
          identifier: jid,
          avatar_url: avatarUrl,
          ...(!jid || jid.includes('@') ? { phone_number: `+${phoneNumber}` } : {}),
        }
      : { inbox_id: inboxId, name: name || phoneNumber, phone_number: `+${phoneNumber}`, identifier: jid, avatar_url: avatarUrl };
    const contact = await bound.client.createContact(data);
    if (!contact) {
      this.logger.warn('contact not found');
      return null;
    }
    if (this.gen2) {
      // 2.x looks the contact up again for addLabelToContact, whose SQL runs only against the import database (2.x §4a 4′/4″).
      await this.findContact(instanceName, phoneNumber);
    }
    return contact;
  }

  /** Upstream updateContact: failures are logged and the flow continues (§3f). */
  private async updateContact(bound: BoundClient, id: unknown, data: Record<string, unknown>): Promise<unknown> {
    if (!id) return null;
    try {
      return await bound.client.updateContact(jsString(id), data);
    } catch (error) {
      // 2.x swallows it silently (chatwoot.service.ts@2.3.6 updateContact).
      if (!this.gen2) this.logger.error(error);
      return null;
    }
  }

  // ---------------------------------------------------------------- inbox / conversations

  private async getInbox(bound: BoundClient): Promise<unknown> {
    const inboxes = await bound.client.listInboxes();
    if (!inboxes) {
      this.logger.warn('inbox not found');
      return null;
    }
    const found = listOf(inboxes, 'payload').find((inbox) => opt(inbox, 'name') === bound.provider.name_inbox);
    if (!found) {
      this.logger.warn('inbox not found');
      return null;
    }
    return found;
  }

  /**
   * The version difference at the heart of the matrix (§0.1, §3b B3):
   * 1.7.4 POSTs conversations/filter [inbox_id AND, contact_id AND, status=open] (a 422 on Chatwoot ≥ 3.8);
   * 1.7.5 GETs contacts/{id}/conversations and filters client-side with strict equality.
   */
  private async getOpenConversationByContact(bound: BoundClient, inbox: unknown, contact: unknown): Promise<unknown> {
    if (this.profile.botConversationLookup === 'conversations-filter') {
      const conditions: Array<[string, string]> = [
        ['inbox_id', String(get(inbox, 'id'))],
        ['contact_id', String(get(contact, 'id'))],
        ['status', 'open'],
      ];
      const payload = conditions.map(([key, value], index) => ({
        attribute_key: key,
        filter_operator: 'equal_to',
        values: [value],
        query_operator: index < conditions.length - 1 ? 'AND' : null,
      }));
      const result = await bound.client.filterConversations({ payload });
      return listOf(result, 'payload')[0];
    }
    const result = await bound.client.listContactConversations(String(get(contact, 'id')));
    const inboxId = get(inbox, 'id');
    return listOf(result, 'payload').find((conversation) => opt(conversation, 'inbox_id') === inboxId && opt(conversation, 'status') === 'open');
  }

  /** B1 contacts/filter → B2 GET inboxes → B3 per version; undefined when nothing to post to. */
  private async botConversation(bound: BoundClient, instanceName: string): Promise<unknown> {
    const contact = await this.findContact(instanceName, BOT_CONTACT_PHONE);
    if (!contact) {
      this.logger.warn('contact not found');
      return undefined;
    }
    const inbox = await this.getInbox(bound);
    if (!inbox) return undefined;
    const conversation = await this.getOpenConversationByContact(bound, inbox, contact);
    if (!conversation) {
      this.logger.warn('conversation not found');
      return undefined;
    }
    return conversation;
  }

  /** createBotMessage (§3e): no try/catch of its own; the caller's catch logs the ApiError. */
  async createBotMessage(instanceName: string, content: string, messageType: 'incoming' | 'outgoing'): Promise<unknown> {
    const bound = await this.clientFor(instanceName);
    if (!bound) return null;
    const conversation = await this.botConversation(bound, instanceName);
    if (!conversation) return undefined;
    const message = await bound.client.createMessage(String(get(conversation, 'id')), { content, message_type: messageType });
    if (!message) this.logger.warn('message not found');
    return message;
  }

  /** createBotQr (§3b B1-B4): the upload with only api_access_token; its failure is logged, the file kept. */
  async createBotQr(instanceName: string, content: string, messageType: 'incoming', filePath: string, fileName: string, png: Uint8Array): Promise<unknown> {
    const bound = await this.clientFor(instanceName);
    if (!bound) return null;
    const conversation = await this.botConversation(bound, instanceName);
    if (!conversation) return undefined;
    try {
      const data = await uploadMessageWithAttachment(bound.target, this.deps.transport, String(get(conversation, 'id')), [
        { name: 'content', value: content },
        { name: 'message_type', value: messageType },
        { name: 'attachments[]', filename: fileName, contentType: 'image/png', data: png },
      ]);
      this.deps.store.removeTemp(filePath);
      return data;
    } catch (error) {
      this.logger.error(error);
      return undefined;
    }
  }

  // ---------------------------------------------------------------- WhatsApp events

  /** eventWhatsapp: one try/catch around everything, logging `ERROR [ChatwootService] [object]` (§3f). */
  async eventWhatsapp(instanceName: string, event: WhatsappEvent): Promise<unknown> {
    try {
      const bound = await this.clientFor(instanceName);
      if (!bound) {
        this.logger.warn('client not found');
        return null;
      }
      const instance = this.deps.instance(instanceName);
      if (!instance) {
        this.logger.warn('wa instance not found');
        return null;
      }
      switch (event.event) {
        case 'contact.is_not_in_wpp':
          return await this.onContactNotOnWhatsapp(bound, instanceName, event.body.key.remoteJid);
        case 'messages.upsert':
        case 'send.message':
          return await this.relayWhatsappMessage(bound, instanceName, event.body);
        case 'status.instance': {
          const inbox = await this.getInbox(bound);
          if (!inbox) return undefined;
          const text = this.deps.t('cw.inbox.status', { inboxName: String(opt(inbox, 'name')), state: event.body.status });
          return await this.createBotMessage(instanceName, text, 'incoming');
        }
        case 'connection.update':
          if (event.body.status === 'open' && instance.qrCount() > 0) {
            await this.createBotMessage(instanceName, this.deps.t('cw.inbox.connected'), 'incoming');
            // Reset only after the message went out: with the 1.7.4 × 3.8 422 it stays > 0.
            instance.resetQrCount();
          }
          return undefined;
        case 'qrcode.updated':
          if ('message' in event.body) {
            return await this.createBotMessage(instanceName, `🚨 ${this.deps.t('qrlimitreached')}`, 'incoming');
          }
          return await this.deliverQr(instanceName, event.body.qrcode);
      }
    } catch (error) {
      this.logger.error(error);
      return undefined;
    }
  }

  private async deliverQr(instanceName: string, qrcode: { pairingCode: string | null; base64: string }): Promise<unknown> {
    const png = Buffer.from(qrcode.base64.replace('data:image/png;base64,', ''), 'base64');
    const fileName = `${instanceName}.png`;
    // 1.7 writes store/temp/<inst>.png first; 2.x streams the PNG from memory (2.x §2.4).
    const filePath = this.gen2 ? '' : this.deps.store.writeTemp(fileName, png);
    await this.createBotQr(instanceName, this.deps.t('qrgeneratedsuccesfully'), 'incoming', filePath, fileName, png);
    let text = `⚡️${this.deps.t('qrgeneratedsuccesfully')}\n\n${this.deps.t('scanqr')}`;
    if (qrcode.pairingCode) {
      text += `\n\n*Pairing Code:* ${qrcode.pairingCode.substring(0, 4)}-${qrcode.pairingCode.substring(4, 8)}`;
    }
    return this.createBotMessage(instanceName, text, 'incoming');
  }

  private async onContactNotOnWhatsapp(bound: BoundClient, instanceName: string, remoteJid: string): Promise<unknown> {
    const conversationId = await this.createConversation(bound, instanceName, { key: { remoteJid, fromMe: false } });
    if (!conversationId) {
      this.logger.warn('conversation not found');
      return undefined;
    }
    return bound.client.createMessage(jsString(conversationId), {
      content: `🚨 ${this.deps.t('numbernotinwhatsapp')}`,
      message_type: 'outgoing',
      private: true,
    });
  }

  /**
   * createConversation (§3c step 2): GET inboxes, contact lookup/create, contact update per
   * version, GET contacts/{id}/conversations, optional toggle_status / POST conversations.
   */
  private async createConversation(
    bound: BoundClient,
    instanceName: string,
    body: { key: { remoteJid: string; fromMe: boolean }; pushName?: string },
  ): Promise<unknown> {
    const { client, provider } = bound;
    const chatId = body.key.remoteJid.split('@')[0]!;
    const nameContact = !body.key.fromMe ? body.pushName : chatId;
    if (this.profile.inboundIdentifierUpdate && !body.key.remoteJid.endsWith('@g.us')) {
      // 2.3.x LID handling (2.x §4c.1): a known contact whose identifier is not the JID gets it.
      const known = await this.findContact(instanceName, chatId);
      if (known && opt(known, 'identifier') !== body.key.remoteJid) {
        this.logger.verbose(`Identifier needs update: (contact.identifier: ${jsString(opt(known, 'identifier'))}, phoneNumber: ${body.key.remoteJid}`);
        await this.updateContact(bound, opt(known, 'id'), { identifier: body.key.remoteJid, phone_number: `+${chatId}` });
      }
    }
    const inbox = await this.getInbox(bound);
    if (!inbox) return null;
    const inboxId = get(inbox, 'id');
    // The simulated network has no profile pictures: Evolution's profilePicture() yields null.
    const pictureUrl: string | null = null;

    let contact = await this.findContact(instanceName, chatId);
    let contactId: unknown;
    if (contact) {
      contactId = opt(contact, 'payload', 'id') ?? opt(contact, 'payload', 'contact', 'id') ?? opt(contact, 'id');
      if (!body.key.fromMe) {
        if (this.profile.contactUpdateOnInbound === 'always') {
          // 1.7.4 updates on every message; `name` is dropped from the JSON when pushName is missing (§3c step 5).
          const nameBefore = opt(contact, 'name');
          await this.updateContact(bound, contactId, { name: nameContact, avatar_url: pictureUrl });
          if (nameBefore === chatId && nameContact && nameContact !== chatId) {
            await this.updateContact(bound, contactId, { name: nameContact });
          }
        } else {
          // 1.7.5: only when the picture file name or the name changed (§3c step 6).
          const waPictureFile = '';
          const chatwootPictureFile = (optString(contact, 'thumbnail') ?? '').split('#')[0]!.split('?')[0]!.split('/').pop() ?? '';
          const pictureNeedsUpdate = waPictureFile !== chatwootPictureFile;
          const currentName = opt(contact, 'name');
          const nameNeedsUpdate =
            !currentName ||
            currentName === chatId ||
            (`+${chatId}`.startsWith('+55') &&
              this.numberVariants(`+${chatId}`).some((v) => currentName === v || currentName === v.substring(3) || currentName === v.substring(1)));
          if (pictureNeedsUpdate || nameNeedsUpdate) {
            const updated = await this.updateContact(bound, contactId, {
              ...(nameNeedsUpdate ? { name: nameContact } : {}),
              ...(waPictureFile === '' ? { avatar: null } : {}),
              ...(pictureNeedsUpdate ? { avatar_url: pictureUrl } : {}),
            });
            if (updated) contact = updated;
          }
        }
      }
    } else {
      contact = await this.createContact(instanceName, chatId, inboxId, nameContact, pictureUrl, body.key.remoteJid);
      if (!contact) {
        this.logger.warn('contact not found');
        return null;
      }
      contactId = opt(contact, 'payload', 'id') ?? opt(contact, 'payload', 'contact', 'id') ?? opt(contact, 'id');
    }

    const conversations = await client.listContactConversations(String(contactId));
    if (!conversations || !opt(conversations, 'payload')) return null;
    const list = listOf(conversations, 'payload');
    if (list.length > 0) {
      let conversation: unknown;
      if (provider.reopen_conversation) {
        // eslint-disable-next-line eqeqeq -- upstream compares loosely
        conversation = list.find((c) => opt(c, 'inbox_id') == inboxId);
        if (this.gen2) {
          // 2.x toggles only a found one; 2.2.1+ only when it is not open (2.x §4c.6).
          const toggle = conversation && (this.profile.pendingToggle === 'always' || opt(conversation, 'status') !== 'open');
          if (toggle && provider.conversation_pending) await client.toggleConversationStatus(String(get(conversation, 'id')), { status: 'pending' });
        } else if (provider.conversation_pending) {
          // Upstream toggles without checking that one was found: a TypeError then (logged by eventWhatsapp).
          await client.toggleConversationStatus(String(get(conversation, 'id')), { status: 'pending' });
        }
      } else {
        // eslint-disable-next-line eqeqeq -- upstream compares loosely
        conversation = list.find((c) => opt(c, 'status') !== 'resolved' && opt(c, 'inbox_id') == inboxId);
      }
      if (conversation) return get(conversation, 'id');
    }
    const data: Record<string, unknown> = { contact_id: String(contactId), inbox_id: String(inboxId) };
    if (provider.conversation_pending) data.status = 'pending';
    const created = await client.createConversation(data);
    if (!created) return null;
    return get(created, 'id');
  }

  /** messages.upsert / send.message (§3c): text via the SDK multipart, media via the axios upload. */
  private async relayWhatsappMessage(bound: BoundClient, instanceName: string, raw: WaMessageRaw): Promise<unknown> {
    if (raw.key.remoteJid === 'status@broadcast') return undefined;
    const media = mediaBodyOf(raw.message);
    const originalText = conversationText(raw.message);
    const bodyMessage = originalText === undefined ? undefined : whatsappToChatwoot(originalText);
    if (bodyMessage && bodyMessage.includes('Por favor, classifique esta conversa, http')) return undefined;
    if (!bodyMessage && !media) {
      this.logger.warn('no body message found');
      return undefined;
    }
    const conversationId = await this.createConversation(bound, instanceName, raw);
    if (!conversationId) {
      this.logger.warn('conversation not found');
      return undefined;
    }
    const messageType = raw.key.fromMe ? 'outgoing' : 'incoming';
    const sourceId = `WAID:${raw.key.id}`;
    const instance = this.deps.instance(instanceName);

    if (media) {
      if (await this.alreadyImported(sourceId)) return null;
      let fileName: string | undefined;
      if (media.fileName) {
        const dot = media.fileName.lastIndexOf('.');
        if (dot > 0) {
          const suffix = Math.floor(this.deps.random() * (99 - 10 + 1) + 10);
          fileName = `${media.fileName.slice(0, dot)}-${suffix}${media.fileName.slice(dot)}`;
        }
      }
      fileName ??= `${this.deps.random().toString(36).substring(7)}.${extensionForMime(media.mimetype)}`;
      const data = Buffer.from(raw.mediaBase64 ?? '', 'base64');
      const filePath = this.deps.store.writeTemp(fileName, data);
      const parts: Parameters<typeof uploadMessageWithAttachment>[3] = [];
      if (bodyMessage) parts.push({ name: 'content', value: bodyMessage });
      parts.push({ name: 'message_type', value: messageType });
      parts.push({ name: 'attachments[]', filename: fileName, contentType: media.mimetype.split(';')[0]!.trim(), data });
      parts.push({ name: 'source_id', value: sourceId });
      try {
        const sent = await uploadMessageWithAttachment(bound.target, this.deps.transport, jsString(conversationId), parts);
        this.deps.store.removeTemp(filePath);
        instance?.linkChatwootMessage(raw.key.id, opt(sent, 'id'));
        return sent;
      } catch (error) {
        this.logger.error(error);
        this.logger.warn('message not sent');
        return undefined;
      }
    }

    const sent = await bound.client.createMessage(jsString(conversationId), {
      content: bodyMessage,
      message_type: messageType,
      private: false,
      source_id: sourceId,
      // Keys with undefined values vanish in JSON: `{}` without a quoted message ([replayed]).
      content_attributes: { in_reply_to: undefined, in_reply_to_external_id: undefined },
    });
    if (!sent) {
      this.logger.warn('message not sent');
      return undefined;
    }
    instance?.linkChatwootMessage(raw.key.id, opt(sent, 'id'));
    return sent;
  }

  /**
   * sendData's check against Chatwoot's database when the import database is "available" (2.x §5.2): 2.1.2's helper
   * has no try/catch, so an unreachable database throws out of the media relay (the message is dropped, the caller
   * logs it); 2.2.0+ swallows the error (2.3.x logs it) and goes on.
   */
  private async alreadyImported(sourceId: string): Promise<boolean> {
    const mode = this.profile.importDbCheckOnMedia;
    const database = this.deps.importDatabase;
    if (mode === 'none' || !database || !this.gen2?.importDatabaseAvailable) return false;
    let existing: Set<string> | null;
    if (mode === 'throws') {
      existing = await database.existingSourceIds([sourceId]);
    } else {
      try {
        existing = await database.existingSourceIds([sourceId]);
      } catch (error) {
        if (mode === 'logged') this.deps.importLogger?.error(`Error on getExistingSourceIds: ${String(error)}`);
        existing = mode === 'logged' ? new Set() : null;
      }
    }
    if (existing && existing.size > 0) {
      this.logger.warn('Message already saved on chatwoot');
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- webhook from Chatwoot

  /**
   * receiveWebhook (§2.6): 500 ms pause, then the ignore rules, bot commands from +123456 and agent
   * replies. Any error is logged and the answer is still `{message:'bot'}`; `null` when the instance
   * has no provider.
   */
  async receiveWebhook(instanceName: string, body: Record<string, unknown>): Promise<unknown> {
    await this.deps.work.sleep(500);
    try {
      const bound = await this.clientFor(instanceName);
      if (!bound) {
        this.logger.warn('client not found');
        return null;
      }
      const event = opt(body, 'event');
      const conversation = opt(body, 'conversation');
      if (!conversation || opt(body, 'private') || (event === 'message_updated' && !opt(body, 'content_attributes', 'deleted'))) {
        return { message: 'bot' };
      }
      const phone = optString(conversation, 'meta', 'sender', 'phone_number');
      const identifier = opt(conversation, 'meta', 'sender', 'identifier') as string | undefined;
      // 1.7 and 2.0.x take the phone first, 2.1.0+ the identifier (2.x §4d).
      const chatId = this.profile.webhookChatId === 'identifier-first' ? identifier || phone?.replace('+', '') : phone?.replace('+', '') || identifier;
      const content = opt(body, 'content');
      const messageReceived = typeof content === 'string' && content ? chatwootToWhatsapp(content) : (content as string | undefined);
      const firstMessage = (opt(conversation, 'messages') as unknown[] | undefined)?.[0];
      const senderName = (opt(firstMessage, 'sender', 'available_name') ?? opt(body, 'sender', 'name')) as string | undefined;
      const instance = this.deps.instance(instanceName);

      if (event === 'message_updated' && opt(body, 'content_attributes', 'deleted')) {
        await instance?.revokeByChatwootMessageId(opt(body, 'id'));
        return { message: 'bot' };
      }

      const messageType = opt(body, 'message_type');
      const inboxName = String(opt(body, 'inbox', 'name'));
      if (chatId === BOT_CONTACT_PHONE && messageType === 'outgoing') {
        await this.runBotCommand(instanceName, instance, String(messageReceived ?? ''), inboxName);
      }

      const messages = opt(conversation, 'messages');
      if (messageType === 'outgoing' && Array.isArray(messages) && messages.length > 0 && chatId !== BOT_CONTACT_PHONE) {
        const echo = optString(messages[0], 'source_id')?.substring(0, 5) === 'WAID:';
        if (echo && (!this.profile.echoSkipNeedsSameId || opt(messages[0], 'id') === opt(body, 'id'))) return { message: 'bot' };
        await this.sendAgentReply(bound, instance, String(chatId), messages, messageReceived, senderName, opt(conversation, 'id'), opt(body, 'id'));
        if (this.deps.config.chatwootMessageRead) instance?.markLastInboundRead();
        return { message: 'bot' };
      }

      if (messageType === 'template' && event === 'message_created' && instance) {
        const text = jsString(content ?? '').replace(/\\\r\n|\\\n|\n/g, '\n');
        await instance.sendText({ number: String(chatId), text, delay: 1200, presence: 'composing' }, true);
      }
      return { message: 'bot' };
    } catch (error) {
      this.logger.error(error);
      return { message: 'bot' };
    }
  }

  /** Commands typed by an agent in the bot conversation (§2.6 step 6). */
  private async runBotCommand(instanceName: string, instance: ChatwootBoundInstance | undefined, received: string, inboxName: string): Promise<void> {
    const command = received.replace('/', '');
    // 2.1.0+: init and disconnect only with CHATWOOT_BOT_CONTACT on (2.x §4d).
    const botContact = this.gen2?.botContact ?? true;
    if (botContact && (command.includes('init') || command.includes('iniciar'))) {
      const state = instance?.connectionState();
      if (state !== 'open') {
        if (state === 'close' && !this.gen2) this.logger.verbose(`request cleaning up instance: ${instanceName}`);
        await instance?.connectToWhatsapp(command.split(':')[1]);
      } else {
        await this.createBotMessage(instanceName, this.deps.t('cw.inbox.alreadyConnected', { inboxName }), 'incoming');
      }
    }
    if (command === 'clearcache') {
      await this.createBotMessage(instanceName, this.deps.t('cw.inbox.clearCache', { inboxName }), 'incoming');
    }
    if (command === 'status') {
      const state = instance?.connectionState();
      if (!state) await this.createBotMessage(instanceName, this.deps.t('cw.inbox.notFound', { inboxName }), 'incoming');
      else await this.createBotMessage(instanceName, this.deps.t('cw.inbox.status', { inboxName, state }), 'incoming');
    }
    if (botContact && (command === 'disconnect' || command === 'desconectar')) {
      await this.createBotMessage(instanceName, this.deps.t('cw.inbox.disconnect', { inboxName }), 'incoming');
      await instance?.logout();
    }
  }

  /** The typing delay of an agent's text reply: 1200 ms, or 2.3.6's random 500–2000 ms (2.x §4d). */
  private replyDelayMs(): number {
    const [min, max] = this.profile.agentReplyDelayMs;
    return min === max ? min : Math.floor(this.deps.random() * (max - min + 1)) + min;
  }

  /** Agent reply → WhatsApp (§2.6 step 7, §3d): no Chatwoot call unless the send fails. */
  private async sendAgentReply(
    bound: BoundClient,
    instance: ChatwootBoundInstance | undefined,
    chatId: string,
    messages: unknown[],
    messageReceived: string | undefined,
    senderName: string | undefined,
    conversationId: unknown,
    chatwootMessageId: unknown,
  ): Promise<void> {
    let formatText: string | undefined;
    if (senderName === null || senderName === undefined) {
      formatText = messageReceived;
    } else {
      const delimiterSetting = bound.provider.sign_delimiter;
      const delimiter = typeof delimiterSetting === 'string' && delimiterSetting ? delimiterSetting.replaceAll('\\n', '\n') : '\n';
      const pieces = bound.provider.sign_msg ? [`*${senderName}:*`] : [];
      pieces.push(String(messageReceived));
      formatText = pieces.join(delimiter);
    }
    for (const message of messages) {
      const attachments = opt(message, 'attachments');
      if (Array.isArray(attachments) && attachments.length > 0) {
        for (const attachment of attachments) {
          if (!messageReceived) formatText = undefined;
          const sent = await this.sendAttachment(instance, chatId, String(opt(attachment, 'data_url')), formatText);
          if (!sent && conversationId) this.onSendMessageError(bound, conversationId, undefined);
          if (sent) instance?.linkChatwootMessage(sent.key.id, chatwootMessageId);
        }
        continue;
      }
      let sent: WaMessageRaw | undefined;
      try {
        if (!instance) throw new TypeError("Cannot read properties of undefined (reading 'textMessage')");
        sent = await instance.sendText({ number: chatId, text: String(formatText), delay: this.replyDelayMs(), presence: 'composing' }, true);
        if (!sent) throw new Error('Message not sent');
        instance.linkChatwootMessage(sent.key.id, chatwootMessageId);
      } catch (error) {
        if (!sent && conversationId) this.onSendMessageError(bound, conversationId, error);
        throw error;
      }
    }
  }

  /** sendAttachment (§3d): media type from the URL's extension, else from a GET of the URL. */
  private async sendAttachment(
    instance: ChatwootBoundInstance | undefined,
    number: string,
    media: string,
    caption: string | undefined,
  ): Promise<WaMessageRaw | undefined> {
    try {
      if (!instance) return undefined;
      let decoded = media;
      try {
        decoded = decodeURIComponent(media);
      } catch {
        // keep it raw
      }
      const lastSegment = decoded.split('?')[0]!.split('/').pop() ?? '';
      let fileName = lastSegment;
      let mimeType = mimeFromFileName(lastSegment) ?? '';
      if (!mimeType) {
        // Like axios' GET: redirects followed (an S3-backed data_url answers 302).
        const dispatcher = this.deps.transport.dispatcher.compose(interceptors.redirect({ maxRedirections: 5 }));
        mimeType = await this.deps.transport.abortable(async (signal) => {
          const response = await request(media, { method: 'GET', dispatcher, signal });
          await response.body.arrayBuffer();
          return String(response.headers['content-type'] ?? '');
        });
        fileName = lastSegment;
      }
      const family = mimeType.split('/')[0];
      let mediatype: OutboundMedia['mediatype'] = family === 'image' ? 'image' : family === 'video' ? 'video' : family === 'audio' ? 'audio' : 'document';
      if (mediatype === 'image' && fileName.toLowerCase().endsWith('.gif')) mediatype = 'document';
      return await instance.sendMedia(
        { number, media, mediatype, fileName, caption, delay: 1200, presence: mediatype === 'audio' ? 'recording' : 'composing' },
        true,
      );
    } catch (error) {
      this.logger.error(error);
      return undefined;
    }
  }

  /** onSendMessageError (§3d): a private 🚨 note, not awaited. */
  private onSendMessageError(bound: BoundClient, conversationId: unknown, error: unknown): void {
    const message = (error as { message?: unknown } | undefined)?.message;
    const notOnWhatsapp =
      (error as { status?: unknown } | undefined)?.status === 400 && Array.isArray(message) && (message[0] as { exists?: unknown })?.exists === false;
    if (this.profile.notOnWhatsapp === 'note-in-conversation' && notOnWhatsapp) {
      this.deps.work.run(
        () =>
          bound.client.createMessage(jsString(conversationId), {
            content: `🚨 ${this.deps.t('numbernotinwhatsapp')}`,
            message_type: 'outgoing',
            private: true,
          }),
        (failure) => this.logger.error(failure),
      );
      return;
    }
    const content = this.deps.t('cw.message.notsent', { error: message ? `_${jsString(message)}_` : '' });
    this.deps.work.run(
      () => bound.client.createMessage(jsString(conversationId), { content, message_type: 'outgoing', private: true }),
      (failure) => this.logger.error(failure),
    );
  }
}
