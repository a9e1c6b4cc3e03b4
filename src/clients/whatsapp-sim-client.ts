import { z } from 'zod';
import type { ExchangeScenario } from '../model/result-schema.ts';
import { createHttpClient, type HttpClient, type RawResponse } from './http-client.ts';

export const WhatsappInstanceState = z.object({ instanceName: z.string(), state: z.string(), qrCount: z.number() });
export const WhatsappQr = z.object({ instanceName: z.string(), count: z.number(), base64: z.string().nullable(), code: z.string().nullable() });
export const WhatsappSent = z.object({
  id: z.string(),
  kind: z.string(),
  to: z.string(),
  timestamp: z.number(),
  text: z.string().optional(),
  media: z.object({ url: z.string().optional(), base64: z.string().optional(), mimetype: z.string().optional(), fileName: z.string().optional() }).optional(),
});
export type WhatsappSent = z.infer<typeof WhatsappSent>;
const Inbound = z.object({ id: z.string(), jid: z.string(), timestamp: z.number() });

export type InboundMessage =
  | { from: string; pushName?: string; text: string }
  | { from: string; pushName?: string; media: { base64: string; mimetype: string; fileName?: string; caption?: string } };

/**
 * The simulated WhatsApp's control API (`<evolution twin>/__twin/whatsapp`, capability whatsappPeer):
 * scan a QR, inject inbound messages, read what Evolution sent.
 */
export class WhatsappSimClient {
  private readonly http: HttpClient;

  constructor(controlUrl: string, options: { scenario?: ExchangeScenario; keepAlive?: boolean } = {}) {
    this.http = createHttpClient({ baseUrl: controlUrl, service: 'whatsapp-sim', scenario: options.scenario, keepAlive: options.keepAlive });
  }

  private path(instanceName: string, rest = ''): string {
    return `/instances/${encodeURIComponent(instanceName)}${rest}`;
  }

  instance(instanceName: string) {
    return this.http.json({ method: 'GET', path: this.path(instanceName) }, WhatsappInstanceState);
  }

  /** The QR currently shown, or undefined while there is none (404). */
  async qr(instanceName: string): Promise<z.infer<typeof WhatsappQr> | undefined> {
    const response = await this.http.raw({ method: 'GET', path: this.path(instanceName, '/qr') });
    if (response.status === 404) return undefined;
    const parsed = WhatsappQr.safeParse(response.json);
    return parsed.success ? parsed.data : undefined;
  }

  /** Pairs a phone by "scanning" the current QR; the raw answer (409 while no QR is waiting). */
  scan(instanceName: string, phone: { number?: string; pushName?: string } = {}): Promise<RawResponse> {
    return this.http.raw({ method: 'POST', path: this.path(instanceName, '/scan'), json: phone });
  }

  inbound(instanceName: string, message: InboundMessage) {
    return this.http.json({ method: 'POST', path: this.path(instanceName, '/inbound'), json: message }, Inbound);
  }

  async sent(instanceName: string): Promise<WhatsappSent[]> {
    return (await this.http.json({ method: 'GET', path: this.path(instanceName, '/sent') }, z.object({ messages: z.array(WhatsappSent) }))).messages;
  }
}
