import { afterEach, describe, expect, it } from 'vitest';
import { startKit, KIT_API_KEY, type Kit } from '../evolution/test-support/evolution-test-kit.ts';

/** The control API over real HTTP, mounted on an Evolution twin's port. */
const kits: Kit[] = [];
afterEach(async () => {
  await Promise.all(kits.splice(0).map((kit) => kit.close()));
});

async function twin(): Promise<Kit> {
  const kit = await startKit({ version: '1.7.5' });
  kits.push(kit);
  await kit.api('POST', '/instance/create', { instanceName: 'shop' }, { apikey: KIT_API_KEY });
  return kit;
}

describe('WhatsApp control API', () => {
  it('validates bodies with clear issues', async () => {
    const k = await twin();
    const both = await k.control('POST', '/instances/shop/inbound', { from: '5511999990001', text: 'a', media: { base64: 'AA==', mimetype: 'image/png' } });
    expect(both.status).toBe(400);
    expect(both.json).toEqual({ error: 'invalid body', issues: [{ path: '', message: 'exactly one of "text" or "media" is required' }] });
    const badNumber = await k.control('PUT', '/numbers', { numbers: ['abc'] });
    expect(badNumber.status).toBe(400);
    expect((badNumber.json as { issues: Array<{ path: string }> }).issues[0]!.path).toBe('numbers.0');
    const extra = await k.control('POST', '/instances/shop/scan', { number: '5511900000000', colour: 'red' });
    expect(extra.status).toBe(400);
  });

  it('answers 404 for unknown instances and routes, 409 when the instance is not in the right state', async () => {
    const k = await twin();
    expect((await k.control('GET', '/instances/ghost/sent')).status).toBe(404);
    expect((await k.control('GET', '/nothing')).status).toBe(404);
    expect((await k.control('POST', '/instances/shop/scan', {})).json).toMatchObject({ reason: 'no-session' });
    expect((await k.control('POST', '/instances/shop/inbound', { from: '5511999990001', text: 'hi' })).status).toBe(409);
    expect((await k.control('GET', '/instances/shop')).json).toEqual({ instanceName: 'shop', state: 'close', session: null, qrCount: 0 });
  });

  it('is not an Evolution route: no apikey needed, and Evolution routes are unaffected', async () => {
    const k = await twin();
    expect((await k.control('GET', '/numbers')).json).toEqual({ numbers: [] });
    expect((await k.control('PUT', '/numbers', { numbers: ['5511999990001', '+5511999990002'] })).json).toEqual({
      numbers: ['5511999990001', '5511999990002'],
    });
    expect((await k.api('GET', '/__twin/other')).status).toBe(404);
  });
});
