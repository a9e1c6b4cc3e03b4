import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRedactor, REDACTED } from '../common/redact.ts';
import { ErrorCodes } from '../errors/index.ts';
import { reserveClosedPort } from '../common/closed-port.ts';
import { HARNESS_LINK_HEADER, HARNESS_SCENARIO_HEADER } from '../model/harness-wire.ts';
import { ApiResponseError, createHttpClient, ServiceUnreachableError } from './http-client.ts';

describe('http client', () => {
  let server: http.Server;
  let baseUrl: string;
  const seen: http.IncomingHttpHeaders[] = [];
  let connections = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers);
      if (req.url === '/ok') res.writeHead(200, { 'content-type': 'application/json' }).end('{"value":1}');
      else if (req.url === '/shape') res.writeHead(200, { 'content-type': 'application/json' }).end('{"value":"one"}');
      else if (req.url === '/instance/create')
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"hash":{"apikey":"C0FFEE00-1234-4ABC-9DEF-000000000001"}}');
      else if (req.url?.startsWith('/instance/connect'))
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no instance for key C0FFEE00-1234-4ABC-9DEF-000000000001"}');
      else res.writeHead(422, { 'content-type': 'application/json' }).end('{"error":"bad token secret-token-42"}');
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const Value = z.object({ value: z.number() });

  it('parses a 2xx answer and tags the request as harness traffic', async () => {
    const client = createHttpClient({ baseUrl, service: 'thing', defaultHeaders: { api_access_token: 't' } });
    expect(await client.json({ method: 'GET', path: '/ok' }, Value)).toEqual({ value: 1 });
    expect(seen.at(-1)?.[HARNESS_LINK_HEADER]).toBe('harness');
    expect(seen.at(-1)?.api_access_token).toBe('t');
  });

  it('names the scenario it works for on every request, and sends none without one', async () => {
    const client = createHttpClient({ baseUrl, service: 'thing', scenario: { cell: 'cw3.7.0-evo1.7.5-local', id: 'qr-delivery/qr-image-posted' } });
    await client.raw({ method: 'GET', path: '/ok' });
    expect(seen.at(-1)?.[HARNESS_SCENARIO_HEADER]).toBe('cw3.7.0-evo1.7.5-local qr-delivery%2Fqr-image-posted');
    await createHttpClient({ baseUrl, service: 'thing' }).raw({ method: 'GET', path: '/ok' });
    expect(seen.at(-1)?.[HARNESS_SCENARIO_HEADER]).toBeUndefined();
  });

  it('sends every call on a connection of its own, never on an idle one a busy server may be closing', async () => {
    const client = createHttpClient({ baseUrl, service: 'thing' });
    const before = connections;
    for (let i = 0; i < 3; i++) await client.raw({ method: 'GET', path: '/ok' });
    expect(connections - before).toBe(3);
    expect(seen.at(-1)?.connection).toBe('close');
  });

  it('turns a non-2xx answer into ApiResponseError with a redacted body', async () => {
    const client = createHttpClient({ baseUrl, service: 'thing', redactor: createRedactor(['secret-token-42']) });
    const error = await client.json({ method: 'POST', path: '/fail', json: {} }, Value).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiResponseError);
    expect(error).toMatchObject({ status: 422, code: ErrorCodes.upstreamResponse, service: 'thing' });
    expect((error as ApiResponseError).body).toBe(`{"error":"bad token ${REDACTED}"}`);
    expect((error as Error).message).not.toContain('secret-token-42');
  });

  it('reports an unexpected body shape as ApiResponseError', async () => {
    const client = createHttpClient({ baseUrl, service: 'thing' });
    await expect(client.json({ method: 'GET', path: '/shape' }, Value)).rejects.toThrow(/unexpected body shape at value/);
  });

  it('turns a refused connection into ServiceUnreachableError', async () => {
    const client = createHttpClient({ baseUrl: `http://127.0.0.1:${await reserveClosedPort()}`, service: 'gone' });
    const error = await client.raw({ method: 'GET', path: '/' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnreachableError);
    expect(error).toMatchObject({ code: ErrorCodes.serviceUnreachable });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('learns the credentials an answer carries (hash.apikey) and keeps them out of later error messages', async () => {
    const client = createHttpClient({ baseUrl, service: 'evolution', redactor: createRedactor() });
    await client.raw({ method: 'POST', path: '/instance/create', json: { instanceName: 'x' } });
    const error = await client.json({ method: 'GET', path: '/instance/connect/x' }, Value).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiResponseError);
    expect((error as Error).message).not.toContain('C0FFEE00');
    expect((error as ApiResponseError).body).toBe(`{"error":"no instance for key ${REDACTED}"}`);
  });
});
