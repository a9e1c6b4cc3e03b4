import QRCode from 'qrcode';
import { interceptors, request, type Dispatcher } from 'undici';
import type { EvolutionConfig } from './evolution-config.ts';
import type { EvolutionLogger } from './evolution-logger.ts';
import type { InstanceStore } from './instance-store.ts';
import type { BackgroundWork } from './background-work.ts';
import type { ChatwootBoundInstance, ChatwootService, ConnectionState, OutboundMedia, OutboundText, WhatsappEvent } from './chatwoot-service.ts';
import type { WaMessageKey, WaMessageRaw, WaMessageContent } from './whatsapp-message.ts';
import { badRequest, EvolutionHttpException, throwUpstream } from './evolution-http-errors.ts';
import { settleNow } from './settle-now.ts';
import { isUrl } from './is-url.ts';
import {
  ConnectionClosedError,
  type InboundWhatsappMessage,
  type SimulatedWhatsapp,
  type WhatsappDevice,
  type WhatsappSession,
} from '../whatsapp/simulated-whatsapp.ts';
import type { QrSnapshot } from '../whatsapp/whatsapp-control-api.ts';
import type { MediaStore } from './s3-media-store.ts';

export interface InstanceDeps {
  config: EvolutionConfig;
  store: InstanceStore;
  network: SimulatedWhatsapp;
  work: BackgroundWork;
  /** Context ChannelStartupService; bound to the instance name here. */
  logger: EvolutionLogger;
  chatwoot: ChatwootService;
  dispatcher: Dispatcher;
  random: () => number;
  /** 2.x with S3_ENABLED and DATABASE_SAVE_DATA_NEW_MESSAGE: Evolution's own copy of inbound media (s3-media-store.ts). */
  mediaStore?: MediaStore;
}

interface StoredMessage {
  key: WaMessageKey;
  chatwootMessageId?: unknown;
  read?: boolean;
}

const PAIRING_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTVWXYZ';

/**
 * One WhatsApp instance, the twin's stand-in for Evolution's BaileysStartupService: connection
 * state, QR counting against QRCODE_LIMIT (§3b), pairing, sending through the simulated network
 * (onWhatsApp first, §2.7) and the Chatwoot events each of those fires.
 */
export class EvolutionInstance implements ChatwootBoundInstance {
  private state: ConnectionState = 'close';
  private qrcode: QrSnapshot = { count: 0, code: null, base64: null, pairingCode: null };
  private pairingNumber: string | undefined;
  private session: WhatsappSession | undefined;
  private device: WhatsappDevice | undefined;
  private readonly messages: StoredMessage[] = [];
  private readonly logger: EvolutionLogger;

  constructor(
    readonly name: string,
    readonly instanceId: string,
    readonly integration: string | undefined,
    private readonly deps: InstanceDeps,
  ) {
    this.logger = deps.logger.withInstance(name);
  }

  // ---------------------------------------------------------------- state

  connectionState(): ConnectionState {
    return this.state;
  }

  qrCount(): number {
    return this.qrcode.count;
  }

  resetQrCount(): void {
    this.qrcode = { ...this.qrcode, count: 0 };
  }

  qrSnapshot(): QrSnapshot {
    return { ...this.qrcode };
  }

  /** The paired phone, for fetchInstances (`owner`, `profileName`). */
  pairedDevice(): WhatsappDevice | undefined {
    return this.state === 'open' ? this.device : undefined;
  }

  /** 2.x also needs CHATWOOT_ENABLED: every Baileys hook checks `CHATWOOT.ENABLED && localChatwoot.enabled` (2.x §1.2). */
  private chatwootEnabled(): boolean {
    if (this.deps.config.gen2 && !this.deps.config.gen2.chatwootEnabled) return false;
    return this.deps.store.readChatwoot(this.name)?.enabled === true;
  }

  private emitToChatwoot(event: WhatsappEvent): void {
    if (!this.chatwootEnabled()) return;
    // Upstream calls eventWhatsapp without await; it catches and logs its own errors.
    this.deps.work.run(
      () => this.deps.chatwoot.eventWhatsapp(this.name, event),
      (error) => this.logger.error(error),
    );
  }

  // ---------------------------------------------------------------- connection

  connectToWhatsapp(number: string | undefined): Promise<void> {
    return settleNow(() => {
      this.pairingNumber = number || undefined;
      this.logger.info('Connecting to WhatsApp');
      const creds = this.deps.store.readCreds(this.name);
      this.state = 'connecting';
      this.session = this.deps.network.connect(
        this.name,
        {
          qr: (code) => {
            this.deps.work.run(
              () => this.onQr(code),
              (error) => this.logger.error(error),
            );
          },
          open: (device) => this.onOpen(device),
          loggedOut: () => this.onLoggedOut(),
          message: (message) => {
            this.deps.work.run(
              () => this.onInbound(message),
              (error) => this.logger.error(error),
            );
          },
        },
        creds,
      );
    });
  }

  private async onQr(code: string): Promise<void> {
    const limit = this.deps.config.qrcodeLimit;
    if (this.qrcode.count === limit) {
      // QR limit (§3b): the limit message goes to Chatwoot, then `no.connection` closes the instance.
      this.emitToChatwoot({ event: 'qrcode.updated', body: { message: 'QR code limit reached, please login again', statusCode: 500 } });
      this.session?.end();
      this.session = undefined;
      this.state = 'close';
      this.qrcode = { count: 0, code: null, base64: null, pairingCode: null };
      return;
    }
    const count = this.qrcode.count + 1;
    let pairingCode: string | null = null;
    if (this.pairingNumber) {
      pairingCode = Array.from({ length: 8 }, () => PAIRING_ALPHABET[Math.floor(this.deps.random() * PAIRING_ALPHABET.length)]).join('');
    }
    this.qrcode = { ...this.qrcode, count, pairingCode };
    const base64 = await QRCode.toDataURL(code, {
      margin: 3,
      scale: 4,
      errorCorrectionLevel: 'H',
      color: { light: '#ffffff', dark: this.deps.config.qrcodeColor },
    });
    this.qrcode = { ...this.qrcode, code, base64 };
    this.logger.log(`\n{ instance: ${this.name} pairingCode: ${pairingCode}, qrcodeCount: ${count} }\n`);
    this.emitToChatwoot({ event: 'qrcode.updated', body: { qrcode: { instance: this.name, pairingCode, code, base64 } } });
  }

  private onOpen(device: WhatsappDevice): void {
    this.state = 'open';
    this.device = device;
    this.deps.store.saveCreds(this.name, device);
    this.logger.info(`CONNECTED TO WHATSAPP: ${device.number} (${device.pushName})`);
    this.emitToChatwoot({ event: 'connection.update', body: { instance: this.name, status: 'open' } });
  }

  private onLoggedOut(): void {
    this.state = 'close';
    this.device = undefined;
    this.session = undefined;
    this.qrcode = { count: 0, code: null, base64: null, pairingCode: null };
    this.deps.store.removeCreds(this.name);
    this.emitToChatwoot({ event: 'status.instance', body: { instance: this.name, status: 'closed' } });
  }

  logout(): Promise<void> {
    return settleNow(() => {
      const session = this.session;
      if (session && session.state() === 'open') {
        session.logout();
        return;
      }
      session?.end();
      this.session = undefined;
      this.state = 'close';
      this.qrcode = { count: 0, code: null, base64: null, pairingCode: null };
      this.deps.store.removeCreds(this.name);
    });
  }

  /** Stops the session without unpairing (twin shutdown, instance removal). */
  dispose(): void {
    this.session?.end();
    this.session = undefined;
  }

  // ---------------------------------------------------------------- inbound

  private async onInbound(message: InboundWhatsappMessage): Promise<void> {
    const raw = this.toMessageRaw(message);
    this.messages.push({ key: raw.key });
    this.logger.verbose(`messages.upsert ${raw.key.id} from ${raw.key.remoteJid}`);
    if (this.chatwootEnabled()) await this.deps.chatwoot.eventWhatsapp(this.name, { event: 'messages.upsert', body: raw });
    // After the Chatwoot post, in the same handler (2.x §2.4): S3 latency delays only what follows, never Chatwoot.
    if (this.deps.mediaStore && raw.mediaBase64) await this.deps.mediaStore.storeInbound(this.instanceId, raw, this.logger);
  }

  private toMessageRaw(message: InboundWhatsappMessage): WaMessageRaw {
    const key = { id: message.id, remoteJid: message.jid, fromMe: false };
    const base = { key, messageTimestamp: message.timestamp, owner: this.name, ...(message.pushName !== undefined ? { pushName: message.pushName } : {}) };
    if (message.content.kind === 'text') {
      return { ...base, message: { conversation: message.content.text }, messageType: 'conversation' };
    }
    const { mimetype, caption, fileName, base64 } = message.content;
    const body = { mimetype, ...(caption !== undefined ? { caption } : {}), ...(fileName !== undefined ? { fileName } : {}) };
    const family = mimetype.split('/')[0];
    const messageType: keyof WaMessageContent =
      family === 'image' ? 'imageMessage' : family === 'video' ? 'videoMessage' : family === 'audio' ? 'audioMessage' : 'documentMessage';
    return { ...base, message: { [messageType]: body }, messageType, mediaBase64: base64 };
  }

  // ---------------------------------------------------------------- outbound

  private openSession(): WhatsappSession {
    if (!this.session || this.session.state() !== 'open') throw new ConnectionClosedError();
    return this.session;
  }

  /** whatsappNumber → onWhatsApp; unknown numbers: a private note in Chatwoot and a 400 (§2.7). */
  private checkNumber(number: string): { jid: string } {
    const session = this.openSession();
    const [check] = session.onWhatsApp([number]);
    if (!check || !check.exists) {
      const jid = check?.jid ?? `${number}@s.whatsapp.net`;
      // 2.2.0+ dropped this event; the agent's conversation gets the note instead (profile.notOnWhatsapp).
      if (this.deps.config.profile.notOnWhatsapp === 'not-sent-and-event')
        this.emitToChatwoot({ event: 'contact.is_not_in_wpp', body: { key: { remoteJid: jid } } });
      badRequest(check);
    }
    return { jid: check.jid };
  }

  private async withTyping<T>(delay: number | undefined, send: () => T | Promise<T>): Promise<T> {
    try {
      if (delay) await this.deps.work.sleep(delay);
      return await send();
    } catch (error) {
      this.logger.error(error);
      badRequest(String(error));
    }
  }

  async sendText(input: OutboundText, fromChatwoot: boolean): Promise<WaMessageRaw> {
    const { jid } = this.checkNumber(input.number);
    return this.withTyping(input.delay, () => {
      const record = this.openSession().sendText(jid, input.text);
      const raw: WaMessageRaw = {
        key: { remoteJid: jid, fromMe: true, id: record.id },
        ...(this.device ? { pushName: this.device.pushName } : {}),
        message: { extendedTextMessage: { text: input.text } },
        messageType: 'extendedTextMessage',
        messageTimestamp: record.timestamp,
        owner: this.name,
      };
      this.messages.push({ key: raw.key });
      if (!fromChatwoot) this.emitToChatwoot({ event: 'send.message', body: raw });
      return raw;
    });
  }

  /**
   * Media from a URL is downloaded first, as Baileys does when preparing the message; a value that
   * is not a URL by validator's default rules (e.g. a TLD-less host) is taken as base64 (§3d).
   */
  async sendMedia(input: OutboundMedia, fromChatwoot: boolean): Promise<WaMessageRaw> {
    let size: number;
    let url: string | undefined;
    let mimetype: string | undefined;
    if (isUrl(input.media, { requireTld: true })) {
      const dispatcher = this.deps.dispatcher.compose(interceptors.redirect({ maxRedirections: 5 }));
      const { response, bytes } = await this.deps.work.abortable(async (signal) => {
        const answer = await request(input.media, { method: 'GET', dispatcher, signal });
        return { response: answer, bytes: Buffer.from(await answer.body.arrayBuffer()) };
      });
      if (response.statusCode >= 400) {
        throwUpstream(new EvolutionHttpException(500, 'Internal Server Error', `Error: media download failed with status ${response.statusCode}`));
      }
      size = bytes.byteLength;
      url = input.media;
      mimetype = typeof response.headers['content-type'] === 'string' ? response.headers['content-type'] : undefined;
    } else {
      size = Buffer.from(input.media, 'base64').byteLength;
    }
    const { jid } = this.checkNumber(input.number);
    return this.withTyping(input.delay, () => {
      const record = this.openSession().sendMedia(jid, {
        ...(url !== undefined ? { url } : {}),
        ...(mimetype !== undefined ? { mimetype } : {}),
        fileName: input.fileName,
        ...(input.caption !== undefined ? { caption: input.caption } : {}),
        mediatype: input.mediatype,
        size,
      });
      const messageType = `${input.mediatype}Message` as keyof WaMessageContent;
      const raw: WaMessageRaw = {
        key: { remoteJid: jid, fromMe: true, id: record.id },
        message: { [messageType]: { mimetype: mimetype ?? '', fileName: input.fileName, ...(input.caption ? { caption: input.caption } : {}) } },
        messageType,
        messageTimestamp: record.timestamp,
        owner: this.name,
      };
      this.messages.push({ key: raw.key });
      if (!fromChatwoot) this.emitToChatwoot({ event: 'send.message', body: raw });
      return raw;
    });
  }

  linkChatwootMessage(waMessageId: string, chatwootMessageId: unknown): void {
    if (chatwootMessageId === undefined || chatwootMessageId === null) return;
    const stored = this.messages.find((message) => message.key.id === waMessageId);
    if (stored) stored.chatwootMessageId = chatwootMessageId;
  }

  revokeByChatwootMessageId(chatwootMessageId: unknown): Promise<void> {
    return settleNow(() => {
      const stored = this.messages.find((message) => message.chatwootMessageId !== undefined && message.chatwootMessageId === chatwootMessageId);
      if (!stored) return;
      this.openSession().revoke(stored.key.remoteJid, stored.key.id);
    });
  }

  markLastInboundRead(): void {
    const last = [...this.messages].reverse().find((message) => !message.key.fromMe);
    if (!last || last.read) return;
    last.read = true;
    this.openSession().markRead(last.key.remoteJid, [last.key.id]);
  }
}
