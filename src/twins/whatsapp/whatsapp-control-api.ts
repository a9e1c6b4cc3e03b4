import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { SimulatedWhatsapp } from './simulated-whatsapp.ts';

/** Reserved prefix on the Evolution twin's port; not an upstream route. */
export const WHATSAPP_CONTROL_PREFIX = '/__twin/whatsapp';

/** The latest QR as the Evolution side rendered it (count, PNG data URL). */
export interface QrSnapshot {
  count: number;
  base64: string | null;
  code: string | null;
  pairingCode: string | null;
}

/** What the control API needs from the Evolution twin besides the simulated network. */
export interface WhatsappControlHost {
  latestQr(instanceName: string): QrSnapshot | undefined;
  instanceState(instanceName: string): 'open' | 'connecting' | 'close' | undefined;
}

const number = z
  .string()
  .trim()
  .regex(/^\+?[\d\s().-]{5,}$/, 'a phone number (digits, optionally with +, spaces, dashes)');

export const scanBodySchema = z
  .object({
    number: number.default('5500000000001'),
    pushName: z.string().min(1).default('Simulated Phone'),
  })
  .strict();

const base64 = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9+/=\s]+$/, 'plain base64 (no data: prefix)');

export const inboundBodySchema = z
  .object({
    from: number,
    pushName: z.string().min(1).optional(),
    id: z
      .string()
      .regex(/^[A-Za-z0-9]{4,64}$/)
      .optional(),
    text: z.string().min(1).optional(),
    media: z
      .object({
        base64,
        mimetype: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'a MIME type like image/png'),
        fileName: z.string().min(1).optional(),
        caption: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((body) => (body.text === undefined) !== (body.media === undefined), {
    message: 'exactly one of "text" or "media" is required',
  });

export const numbersBodySchema = z.object({ numbers: z.array(number).max(10_000) }).strict();

async function readBody<T>(c: Context, schema: z.ZodType<T>): Promise<{ ok: true; data: T } | { ok: false; response: Response }> {
  let raw: unknown = {};
  const text = await c.req.text();
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, response: c.json({ error: 'invalid body', issues: [{ path: '', message: 'body is not JSON' }] }, 400) };
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    return { ok: false, response: c.json({ error: 'invalid body', issues }, 400) };
  }
  return { ok: true, data: parsed.data };
}

/**
 * Control API of the simulated WhatsApp, mounted under `/__twin/whatsapp` on the Evolution twin's
 * port. See src/twins/evolution/README.md for the routes.
 */
export function createWhatsappControlApi(network: SimulatedWhatsapp, host: WhatsappControlHost): Hono {
  const app = new Hono().basePath(WHATSAPP_CONTROL_PREFIX);

  const unknownInstance = (c: Context, name: string) => c.json({ error: `instance "${name}" does not exist` }, 404);

  app.get('/instances/:name', (c) => {
    const name = c.req.param('name');
    const state = host.instanceState(name);
    if (!state) return unknownInstance(c, name);
    const session = network.session(name);
    return c.json({
      instanceName: name,
      state,
      session: session ? { state: session.state(), device: session.device() ?? null } : null,
      qrCount: host.latestQr(name)?.count ?? 0,
    });
  });

  app.get('/instances/:name/qr', (c) => {
    const name = c.req.param('name');
    if (!host.instanceState(name)) return unknownInstance(c, name);
    const qr = host.latestQr(name);
    if (!qr || !qr.base64) return c.json({ error: `instance "${name}" has no QR code yet` }, 404);
    return c.json({ instanceName: name, ...qr });
  });

  app.post('/instances/:name/scan', async (c) => {
    const name = c.req.param('name');
    if (!host.instanceState(name)) return unknownInstance(c, name);
    const body = await readBody(c, scanBodySchema);
    if (!body.ok) return body.response;
    const outcome = network.scan(name, { number: body.data.number.replace(/\D/g, ''), pushName: body.data.pushName });
    if (!outcome.ok) {
      const why = outcome.reason === 'no-session' ? 'no connection attempt is running (send "init" first)' : 'no QR code is waiting to be scanned';
      return c.json({ error: why, reason: outcome.reason }, 409);
    }
    return c.json({ instanceName: name, state: 'open', device: outcome.device });
  });

  app.post('/instances/:name/inbound', async (c) => {
    const name = c.req.param('name');
    if (!host.instanceState(name)) return unknownInstance(c, name);
    const body = await readBody(c, inboundBodySchema);
    if (!body.ok) return body.response;
    const { from, pushName, id, text, media } = body.data;
    const outcome = network.injectInbound(name, {
      from,
      ...(pushName !== undefined ? { pushName } : {}),
      ...(id !== undefined ? { id } : {}),
      content:
        text !== undefined
          ? { kind: 'text', text }
          : {
              kind: 'media',
              base64: media!.base64.replace(/\s/g, ''),
              mimetype: media!.mimetype,
              fileName: media!.fileName,
              caption: media!.caption,
            },
    });
    if (!outcome.ok) return c.json({ error: `instance "${name}" is not connected to WhatsApp`, reason: outcome.reason }, 409);
    return c.json({ id: outcome.message.id, jid: outcome.message.jid, timestamp: outcome.message.timestamp }, 202);
  });

  app.get('/instances/:name/sent', (c) => {
    const name = c.req.param('name');
    if (!host.instanceState(name)) return unknownInstance(c, name);
    return c.json({ instanceName: name, messages: network.sent(name) });
  });

  app.get('/numbers', (c) => c.json({ numbers: network.registry() }));

  app.put('/numbers', async (c) => {
    const body = await readBody(c, numbersBodySchema);
    if (!body.ok) return body.response;
    network.setRegistry(body.data.numbers);
    return c.json({ numbers: network.registry() });
  });

  app.notFound((c) => c.json({ error: `no control route ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));
  return app;
}
