import { randomBytes as cryptoRandomBytes } from 'node:crypto';

/**
 * What the Evolution twin connects to instead of WhatsApp's servers. It plays the parts of the
 * WhatsApp network the Evolution 1.7 integration depends on (evolution-api-1.7.md §8): QR refs
 * while a device is unpaired, pairing ("scan"), inbound messages, `onWhatsApp` lookups and a log of
 * what was sent. It knows nothing about Chatwoot; the Evolution side reacts to its events.
 */
export interface WhatsappDevice {
  /** The paired phone's number, digits only. */
  number: string;
  pushName: string;
}

export type InboundContent =
  { kind: 'text'; text: string } | { kind: 'media'; base64: string; mimetype: string; fileName: string | undefined; caption: string | undefined };

export interface InboundWhatsappMessage {
  id: string;
  /** Sender's number, digits only. */
  from: string;
  jid: string;
  pushName: string | undefined;
  /** Unix seconds. */
  timestamp: number;
  content: InboundContent;
}

export type SentKind = 'text' | 'media' | 'revoke' | 'read';

export interface SentRecord {
  id: string;
  instanceName: string;
  kind: SentKind;
  /** Recipient number, digits only. */
  to: string;
  jid: string;
  /** Unix seconds. */
  timestamp: number;
  text?: string;
  media?: { url?: string; mimetype?: string; fileName?: string; caption?: string; mediatype?: string; size?: number };
  /** For revoke/read: the message ids concerned. */
  targetIds?: string[];
}

export type SessionState = 'connecting' | 'open' | 'closed';

export interface SessionEvents {
  qr(code: string): void;
  open(device: WhatsappDevice): void;
  /** Only after an explicit logout (unpairing); end() is silent. */
  loggedOut(): void;
  message(message: InboundWhatsappMessage): void | Promise<void>;
}

export class ConnectionClosedError extends Error {
  constructor() {
    super('Connection Closed');
    this.name = 'Error';
  }
}

export interface WhatsappNumberCheck {
  exists: boolean;
  jid: string;
  number: string;
}

export interface WhatsappSession {
  readonly instanceName: string;
  state(): SessionState;
  device(): WhatsappDevice | undefined;
  onWhatsApp(numbers: readonly string[]): WhatsappNumberCheck[];
  sendText(jid: string, text: string): SentRecord;
  sendMedia(jid: string, media: NonNullable<SentRecord['media']>): SentRecord;
  revoke(jid: string, messageId: string): SentRecord;
  markRead(jid: string, messageIds: string[]): SentRecord;
  /** Unpairs: state closed, then `loggedOut`. */
  logout(): void;
  /** Drops the connection without unpairing and without events (timers stop). */
  end(): void;
}

export interface SimulatedWhatsappOptions {
  /** Interval between QR refs while unpaired (upstream Baileys ~40 s; TWIN_QR_REFRESH_MS). */
  qrRefreshMs: number;
  randomBytes?: (size: number) => Buffer;
  now?: () => number;
  /** Where errors thrown by event handlers go (they must never crash the sim). */
  onHandlerError?: (error: unknown) => void;
}

export type ScanOutcome = { ok: true; device: WhatsappDevice } | { ok: false; reason: 'no-session' | 'not-waiting-for-scan' };
export type InjectOutcome = { ok: true; message: InboundWhatsappMessage } | { ok: false; reason: 'no-session' | 'not-open' };

export interface InboundInput {
  from: string;
  pushName?: string;
  id?: string;
  content: InboundContent;
}

export function digitsOnly(value: string): string {
  return value.replace(/\D/g, '');
}

export function userJid(number: string): string {
  return `${digitsOnly(number)}@s.whatsapp.net`;
}

class Session implements WhatsappSession {
  private currentState: SessionState = 'connecting';
  private pairedDevice: WhatsappDevice | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  latestQr: string | undefined;

  constructor(
    readonly instanceName: string,
    private readonly events: SessionEvents,
    private readonly network: SimulatedWhatsapp,
    resumeWith: WhatsappDevice | undefined,
  ) {
    if (resumeWith) {
      // Stored credentials: the session resumes without a QR, like Baileys with saved creds (§7).
      this.schedule(() => this.pair(resumeWith), 0);
    } else {
      this.schedule(() => this.issueQr(), 0);
      this.every(() => this.issueQr(), network.qrRefreshMs);
    }
  }

  private schedule(task: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.network.guard(task);
    }, delayMs);
    this.timers.add(timer);
  }

  private every(task: () => void, intervalMs: number): void {
    const timer = setInterval(() => this.network.guard(task), intervalMs);
    this.timers.add(timer);
  }

  private stopTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private issueQr(): void {
    if (this.currentState !== 'connecting') return;
    this.latestQr = this.network.newQrRef();
    this.events.qr(this.latestQr);
  }

  waitingForScan(): boolean {
    return this.currentState === 'connecting' && this.latestQr !== undefined;
  }

  pair(device: WhatsappDevice): void {
    this.stopTimers();
    this.currentState = 'open';
    this.pairedDevice = device;
    this.events.open(device);
  }

  deliver(message: InboundWhatsappMessage): void {
    this.network.guardAsync(() => this.events.message(message));
  }

  state(): SessionState {
    return this.currentState;
  }
  device(): WhatsappDevice | undefined {
    return this.pairedDevice;
  }

  private requireOpen(): void {
    if (this.currentState !== 'open') throw new ConnectionClosedError();
  }

  onWhatsApp(numbers: readonly string[]): WhatsappNumberCheck[] {
    this.requireOpen();
    return numbers.map((number) => {
      const digits = digitsOnly(number);
      return { exists: this.network.isOnWhatsapp(digits), jid: userJid(digits), number: digits };
    });
  }

  private record(kind: SentKind, jid: string, extra: Partial<SentRecord>): SentRecord {
    this.requireOpen();
    const record: SentRecord = {
      id: this.network.newOutgoingId(),
      instanceName: this.instanceName,
      kind,
      to: jid.split('@')[0] ?? jid,
      jid,
      timestamp: Math.floor(this.network.now() / 1000),
      ...extra,
    };
    this.network.logSent(record);
    return record;
  }

  sendText(jid: string, text: string): SentRecord {
    return this.record('text', jid, { text });
  }
  sendMedia(jid: string, media: NonNullable<SentRecord['media']>): SentRecord {
    return this.record('media', jid, { media });
  }
  revoke(jid: string, messageId: string): SentRecord {
    return this.record('revoke', jid, { targetIds: [messageId] });
  }
  markRead(jid: string, messageIds: string[]): SentRecord {
    return this.record('read', jid, { targetIds: messageIds });
  }

  logout(): void {
    const wasOpen = this.currentState === 'open';
    this.end();
    if (wasOpen) this.events.loggedOut();
  }

  end(): void {
    this.stopTimers();
    this.currentState = 'closed';
    this.network.forget(this);
  }
}

export class SimulatedWhatsapp {
  readonly qrRefreshMs: number;
  readonly now: () => number;
  private readonly randomBytes: (size: number) => Buffer;
  private readonly onHandlerError: (error: unknown) => void;
  private readonly sessions = new Map<string, Session>();
  private readonly registered = new Set<string>();
  /** Numbers seen on the network (senders of inbound messages, paired phones). */
  private readonly seen = new Set<string>();
  private readonly sentLog: SentRecord[] = [];
  private closed = false;

  constructor(options: SimulatedWhatsappOptions) {
    this.qrRefreshMs = options.qrRefreshMs;
    this.now = options.now ?? Date.now;
    this.randomBytes = options.randomBytes ?? cryptoRandomBytes;
    this.onHandlerError = options.onHandlerError ?? (() => {});
  }

  /** Opens a session for an instance; an existing one is ended first (a new socket). */
  connect(instanceName: string, events: SessionEvents, resumeWith?: WhatsappDevice): WhatsappSession {
    if (this.closed) throw new Error('the simulated WhatsApp is closed');
    this.sessions.get(instanceName)?.end();
    const session = new Session(instanceName, events, this, resumeWith);
    this.sessions.set(instanceName, session);
    return session;
  }

  session(instanceName: string): WhatsappSession | undefined {
    return this.sessions.get(instanceName);
  }

  /** The phone scans the current QR: the session opens. */
  scan(instanceName: string, device: WhatsappDevice): ScanOutcome {
    const session = this.sessions.get(instanceName);
    if (!session) return { ok: false, reason: 'no-session' };
    if (!session.waitingForScan()) return { ok: false, reason: 'not-waiting-for-scan' };
    this.seen.add(digitsOnly(device.number));
    session.pair(device);
    return { ok: true, device };
  }

  injectInbound(instanceName: string, input: InboundInput): InjectOutcome {
    const session = this.sessions.get(instanceName);
    if (!session) return { ok: false, reason: 'no-session' };
    if (session.state() !== 'open') return { ok: false, reason: 'not-open' };
    const from = digitsOnly(input.from);
    this.seen.add(from);
    const message: InboundWhatsappMessage = {
      id: input.id ?? `3EB0${this.randomBytes(9).toString('hex').toUpperCase()}`,
      from,
      jid: userJid(from),
      pushName: input.pushName,
      timestamp: Math.floor(this.now() / 1000),
      content: input.content,
    };
    session.deliver(message);
    return { ok: true, message };
  }

  /** Replaces the registry of numbers that `onWhatsApp` reports as existing. */
  setRegistry(numbers: readonly string[]): void {
    this.registered.clear();
    for (const number of numbers) this.registered.add(digitsOnly(number));
  }

  registry(): string[] {
    return [...this.registered].sort();
  }

  isOnWhatsapp(digits: string): boolean {
    return this.registered.has(digits) || this.seen.has(digits);
  }

  sent(instanceName?: string): SentRecord[] {
    return this.sentLog.filter((record) => instanceName === undefined || record.instanceName === instanceName);
  }

  latestQr(instanceName: string): string | undefined {
    return this.sessions.get(instanceName)?.latestQr;
  }

  /** Ends every session and stops every timer. */
  close(): void {
    this.closed = true;
    for (const session of [...this.sessions.values()]) session.end();
  }

  // --- used by sessions ---

  newQrRef(): string {
    const part = (size: number) => this.randomBytes(size).toString('base64');
    return `2@${part(48)},${part(32)},${part(32)},${part(16)}`;
  }

  /** Baileys' generateMessageID: 'BAE5' + 12 upper-case hex digits. */
  newOutgoingId(): string {
    return `BAE5${this.randomBytes(6).toString('hex').toUpperCase()}`;
  }

  logSent(record: SentRecord): void {
    this.sentLog.push(record);
  }

  forget(session: Session): void {
    if (this.sessions.get(session.instanceName) === session) this.sessions.delete(session.instanceName);
  }

  guard(task: () => void): void {
    try {
      task();
    } catch (error) {
      this.onHandlerError(error);
    }
  }

  guardAsync(task: () => void | Promise<void>): void {
    try {
      Promise.resolve(task()).catch(this.onHandlerError);
    } catch (error) {
      this.onHandlerError(error);
    }
  }
}
