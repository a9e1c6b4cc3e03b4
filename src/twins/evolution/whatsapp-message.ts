/**
 * The subset of Baileys' message shape the Chatwoot integration reads (`messageRaw` in
 * whatsapp.baileys.service.ts): key, pushName, message content by type, timestamp. For media the
 * simulated network hands over the bytes directly (what getBase64FromMediaMessage would return).
 */
export interface WaMessageKey {
  id: string;
  remoteJid: string;
  fromMe: boolean;
}

export interface WaMediaBody {
  caption?: string;
  mimetype: string;
  fileName?: string;
}

export interface WaMessageContent {
  conversation?: string;
  extendedTextMessage?: { text: string };
  imageMessage?: WaMediaBody;
  videoMessage?: WaMediaBody;
  audioMessage?: WaMediaBody;
  documentMessage?: WaMediaBody;
}

export interface WaMessageRaw {
  key: WaMessageKey;
  pushName?: string;
  message: WaMessageContent;
  messageType: keyof WaMessageContent;
  /** Unix seconds. */
  messageTimestamp: number;
  owner: string;
  /** Bytes of a media message, base64 (no data: prefix). */
  mediaBase64?: string;
}

export function mediaBodyOf(message: WaMessageContent): WaMediaBody | undefined {
  return message.imageMessage ?? message.videoMessage ?? message.audioMessage ?? message.documentMessage;
}

/** Upstream getConversationMessage: the text, or the caption of a media message. */
export function conversationText(message: WaMessageContent): string | undefined {
  return (
    message.conversation ??
    message.extendedTextMessage?.text ??
    message.imageMessage?.caption ??
    message.videoMessage?.caption ??
    message.documentMessage?.caption
  );
}
