import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../common/wait-for.ts';
import { ConnectionClosedError, SimulatedWhatsapp, type InboundWhatsappMessage, type SessionEvents, type WhatsappDevice } from './simulated-whatsapp.ts';

const networks: SimulatedWhatsapp[] = [];
afterEach(() => networks.splice(0).forEach((network) => network.close()));

function network(qrRefreshMs = 20): SimulatedWhatsapp {
  let counter = 0;
  const created = new SimulatedWhatsapp({ qrRefreshMs, randomBytes: (size) => Buffer.alloc(size, ++counter), now: () => 1_714_300_000_000 });
  networks.push(created);
  return created;
}

function recorder() {
  const seen = { qrs: [] as string[], opened: [] as WhatsappDevice[], loggedOut: 0, messages: [] as InboundWhatsappMessage[] };
  const events: SessionEvents = {
    qr: (code) => seen.qrs.push(code),
    open: (device) => seen.opened.push(device),
    loggedOut: () => {
      seen.loggedOut += 1;
    },
    message: (message) => {
      seen.messages.push(message);
    },
  };
  return { seen, events };
}

describe('SimulatedWhatsapp', () => {
  it('issues a QR ref at once and then every qrRefreshMs while unpaired', async () => {
    const wa = network(15);
    const { seen, events } = recorder();
    wa.connect('shop', events);
    await waitFor(() => seen.qrs.length >= 3, { timeoutMs: 2000, description: 'three QR refs' });
    expect(new Set(seen.qrs).size).toBe(seen.qrs.length);
    expect(seen.qrs[0]).toMatch(/^2@[A-Za-z0-9+/=]+,[A-Za-z0-9+/=]+,[A-Za-z0-9+/=]+,[A-Za-z0-9+/=]+$/);
    expect(wa.latestQr('shop')).toBe(seen.qrs.at(-1));
  });

  it('pairs on scan, stops the QR refs, and refuses a second scan', async () => {
    const wa = network(15);
    const { seen, events } = recorder();
    const session = wa.connect('shop', events);
    expect(wa.scan('shop', { number: '1', pushName: 'x' })).toEqual({ ok: false, reason: 'not-waiting-for-scan' });
    await waitFor(() => seen.qrs.length >= 1, { timeoutMs: 2000, description: 'a QR ref' });
    expect(wa.scan('shop', { number: '5511900000000', pushName: 'Phone' })).toEqual({ ok: true, device: { number: '5511900000000', pushName: 'Phone' } });
    expect(session.state()).toBe('open');
    expect(seen.opened).toEqual([{ number: '5511900000000', pushName: 'Phone' }]);
    expect(wa.scan('shop', { number: '5511900000000', pushName: 'Phone' })).toEqual({ ok: false, reason: 'not-waiting-for-scan' });
    expect(wa.scan('other', { number: '1', pushName: 'x' })).toEqual({ ok: false, reason: 'no-session' });
  });

  it('resumes with stored creds without a QR', async () => {
    const wa = network(15);
    const { seen, events } = recorder();
    wa.connect('shop', events, { number: '5511900000000', pushName: 'Phone' });
    await waitFor(() => seen.opened.length === 1, { timeoutMs: 2000, description: 'the resumed session' });
    expect(seen.qrs).toEqual([]);
  });

  it('delivers inbound messages only to open sessions and remembers the senders as on WhatsApp', async () => {
    const wa = network();
    const { seen, events } = recorder();
    wa.connect('shop', events, { number: '5511900000000', pushName: 'Phone' });
    expect(wa.injectInbound('shop', { from: '+55 11 99999-0001', content: { kind: 'text', text: 'hi' } })).toEqual({ ok: false, reason: 'not-open' });
    await waitFor(() => seen.opened.length === 1, { timeoutMs: 2000, description: 'the open session' });
    const outcome = wa.injectInbound('shop', { from: '+55 11 99999-0001', pushName: 'Alice', content: { kind: 'text', text: 'hi' } });
    expect(outcome.ok).toBe(true);
    await waitFor(() => seen.messages.length === 1, { timeoutMs: 2000, description: 'the delivery' });
    expect(seen.messages[0]).toMatchObject({ from: '5511999990001', jid: '5511999990001@s.whatsapp.net', pushName: 'Alice', timestamp: 1_714_300_000 });
    expect(seen.messages[0]!.id).toMatch(/^3EB0[0-9A-F]{18}$/);
    const session = wa.session('shop')!;
    expect(session.onWhatsApp(['5511999990001', '5511000000000'])).toEqual([
      { exists: true, jid: '5511999990001@s.whatsapp.net', number: '5511999990001' },
      { exists: false, jid: '5511000000000@s.whatsapp.net', number: '5511000000000' },
    ]);
    wa.setRegistry(['5511000000000']);
    expect(session.onWhatsApp(['5511000000000'])[0]!.exists).toBe(true);
  });

  it('logs what was sent, throws Connection Closed when not open, and reports logout', async () => {
    const wa = network();
    const { seen, events } = recorder();
    const session = wa.connect('shop', events, { number: '5511900000000', pushName: 'Phone' });
    expect(() => session.sendText('1@s.whatsapp.net', 'x')).toThrow(ConnectionClosedError);
    await waitFor(() => session.state() === 'open', { timeoutMs: 2000, description: 'the open session' });
    const record = session.sendText('5511999990001@s.whatsapp.net', 'hello');
    expect(record).toMatchObject({ kind: 'text', to: '5511999990001', text: 'hello', instanceName: 'shop' });
    expect(record.id).toMatch(/^BAE5[0-9A-F]{12}$/);
    expect(wa.sent('shop')).toEqual([record]);
    expect(wa.sent('other')).toEqual([]);
    session.logout();
    expect(seen.loggedOut).toBe(1);
    expect(session.state()).toBe('closed');
    expect(wa.session('shop')).toBeUndefined();
  });

  it('close() ends every session and its timers', async () => {
    const wa = network(10);
    const { seen, events } = recorder();
    wa.connect('shop', events);
    await waitFor(() => seen.qrs.length >= 1, { timeoutMs: 2000, description: 'a QR ref' });
    wa.close();
    const count = seen.qrs.length;
    expect(wa.session('shop')).toBeUndefined();
    expect(() => wa.connect('other', events)).toThrow();
    // A new ref would need the interval timer, which close() cleared; a later scan finds nothing.
    expect(wa.scan('shop', { number: '1', pushName: 'x' })).toEqual({ ok: false, reason: 'no-session' });
    expect(seen.qrs.length).toBe(count);
  });
});
