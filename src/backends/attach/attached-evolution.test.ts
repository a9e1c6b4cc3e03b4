import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedactor } from '../../common/redact.ts';
import { connectAttachedEvolution } from './attached-evolution.ts';

/** `GET /` as each generation answers it (evolution-api-1.7.md §2.1; evolution-api-2.x.md §1.6, §M.2) and the apikey guard (§2.2). */
const ROOTS: Record<string, unknown> = {
  '1.7.4': { status: 200, message: 'Welcome to the Evolution API, it is working!', version: '1.7.4', swagger: 'http://x/docs', manager: 'http://x/manager' },
  '2.3.6': {
    status: 200,
    message: 'Welcome to the Evolution API, it is working!',
    version: '2.3.6',
    clientName: 'evolution_exchange',
    manager: 'http://x/manager',
    documentation: 'https://doc.evolution-api.com',
    whatsappWebVersion: '2.3000.1027934701',
  },
  '2.3.7': { status: 200, message: 'Welcome to the Evolution API, it is working!', version: '2.3.7', clientName: 'evolution' },
  chatwoot: { version: '3.8.0', timestamp: '2026-12-03' },
};

const servers: http.Server[] = [];
afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

/** A stand-in answering `GET /` like the given flavour, and the key check like the guard: 401 for a wrong key, else 404. */
async function serve(flavour: string): Promise<{ url: string; paths: string[] }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '/');
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/') return json(200, ROOTS[flavour]);
    if (req.url?.startsWith('/instance/fetchInstances?instanceName=')) {
      if (req.headers.apikey !== 'global-key') return json(401, { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } });
      return json(404, { status: 404, error: 'Not Found', response: { message: ['Instance not found'] } });
    }
    return json(404, {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

const connect = (evolutionUrl: string, apiKey: string | undefined = 'global-key') =>
  connectAttachedEvolution({ evolutionUrl, apiKey, keySource: 'EVOCHAT_EVOLUTION_KEY', redactor: createRedactor() });

describe('connectAttachedEvolution', () => {
  it('reads the version from GET / on 1.7 and on 2.3.6 (whatsappWebVersion and all), checks the key reading no instance', async () => {
    for (const version of ['1.7.4', '2.3.6']) {
      const evolution = await serve(version);
      expect(await connect(`${evolution.url}/`)).toEqual({ url: evolution.url, apiKey: 'global-key', reportedVersion: version, version });
      expect(evolution.paths).toEqual(['/', expect.stringMatching(/^\/instance\/fetchInstances\?instanceName=evochat-keycheck-[0-9a-f]{12}$/)]);
    }
  });

  it('a wrong key: EVOCHAT_E_EVOLUTION_KEY_REFUSED (exit 2), the key not in the message', async () => {
    const evolution = await serve('1.7.4');
    const failure = (await connect(evolution.url, 'wrong-key-value').catch((error: unknown) => error)) as { code: string; exitCode: number; message: string };
    expect(failure).toMatchObject({ code: 'EVOCHAT_E_EVOLUTION_KEY_REFUSED', exitCode: 2 });
    expect(failure.message).toMatch(/refused the key in EVOCHAT_EVOLUTION_KEY \(401 /);
    expect(failure.message).not.toContain('wrong-key-value');
  });

  it('a version without a profile is EVOCHAT_E_ATTACH_UNKNOWN_VERSION; a server that is not Evolution is EVOCHAT_E_ATTACH_UNREACHABLE', async () => {
    await expect(connect((await serve('2.3.7')).url)).rejects.toMatchObject({ code: 'EVOCHAT_E_ATTACH_UNKNOWN_VERSION', exitCode: 2 });
    await expect(connect((await serve('chatwoot')).url)).rejects.toMatchObject({ code: 'EVOCHAT_E_ATTACH_UNREACHABLE', exitCode: 3 });
  });

  it('refuses a path prefix, a URL with credentials and a missing key before any request', async () => {
    const evolution = await serve('1.7.4');
    await expect(connect(`${evolution.url}/evolution`)).rejects.toThrow('give the origin Evolution answers at (no path prefix)');
    await expect(connect(evolution.url.replace('http://', 'http://u:secretpw@'))).rejects.toMatchObject({ code: 'EVOCHAT_E_ATTACH_URL_CREDENTIALS' });
    await expect(connect(evolution.url, ' ')).rejects.toThrow(
      "--evolution-url needs the attached Evolution's global AUTHENTICATION_API_KEY in EVOCHAT_EVOLUTION_KEY",
    );
    expect(evolution.paths).toEqual([]);
  });
});
