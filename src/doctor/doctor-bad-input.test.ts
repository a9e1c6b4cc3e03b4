import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signupChatwootAccount } from '../clients/chatwoot-client.ts';
import { doctorCommand } from '../cli/commands/doctor.ts';
import { createMemorySink } from '../common/log-sink.ts';
import { serveApp, type ServedApp } from '../common/serve-app.ts';
import { HarnessError, UsageError } from '../errors/index.ts';
import { startChatwootTwin, type StartedChatwootTwin } from '../twins/chatwoot/start-chatwoot-twin.ts';

const BIN = fileURLToPath(new URL('../cli/bin.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const run = promisify(execFile);

let chatwoot: StartedChatwootTwin;
let token: string;
let loginPage: ServedApp;
let evolution2: ServedApp;
let closedUrl: string;
const requests: string[] = [];
const SECRET_KEY = 'evolution-key-do-not-print';

beforeAll(async () => {
  chatwoot = await startChatwootTwin({
    env: { TWIN_VERSION: '3.8.0', ENABLE_ACCOUNT_SIGNUP: 'api_only', ENABLE_RACK_ATTACK: 'false' },
    port: 0,
    log: createMemorySink(),
  });
  token = (
    await signupChatwootAccount(chatwoot.url, { accountName: 'a', email: 'bad-input@example.test', password: 'Doctor#2024x', userName: 'u', locale: 'en' })
  ).token;
  const html = new Hono();
  html.all('*', (c) => {
    requests.push(`${c.req.method} ${c.req.path}`);
    return c.html('<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login"></form></body></html>');
  });
  loginPage = await serveApp(html);
  const evo = new Hono();
  evo.all('*', (c) => {
    requests.push(`${c.req.method} ${c.req.path}`);
    return c.req.path === '/'
      ? c.json({ status: 200, message: 'Welcome to the Evolution API, it is working!', version: '2.1.1' })
      : c.json({ status: 404 }, 404);
  });
  evolution2 = await serveApp(evo);
  const spare = await serveApp(new Hono());
  closedUrl = spare.url;
  await spare.close();
});
afterAll(async () => {
  await Promise.all([chatwoot?.close(), loginPage?.close(), evolution2?.close()]);
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env: {} }, out, err };
}

describe('doctor on bad input', () => {
  it('an unreachable Evolution: exit 3, the service and the reason named', async () => {
    const { io: streams, out } = io();
    const code = await doctorCommand(
      { chatwootUrl: chatwoot.url, chatwootToken: token, account: '1', evolutionUrl: closedUrl, evolutionKey: SECRET_KEY },
      streams,
    );
    expect(code).toBe(3);
    expect(out.join('')).toMatch(
      /ERROR Evolution version \(GET \/\)\s+cannot reach Evolution: GET http:\/\/127\.0\.0\.1:\d+\/: connection refused \(ECONNREFUSED\)/,
    );
  });

  it('a Chatwoot URL that answers HTML (a login page behind a proxy): exit 3, said in words', async () => {
    const { io: streams, out } = io();
    const code = await doctorCommand(
      { chatwootUrl: loginPage.url, chatwootToken: token, account: '1', evolutionUrl: closedUrl, evolutionKey: SECRET_KEY },
      streams,
    );
    expect(code).toBe(3);
    expect(out.join('')).toContain(`GET ${loginPage.url}/api answered an HTML page (HTTP 200), not Chatwoot's API`);
    expect(out.join('')).toContain('A login page or a proxy answers at this URL.');
  });

  it('an Evolution 2.x without a profile (2.1.1): the table, then an unsupported-target error (exit 2); nothing written anywhere', async () => {
    const { io: streams, out } = io();
    requests.length = 0;
    const error = await doctorCommand(
      { chatwootUrl: chatwoot.url, chatwootToken: token, account: '1', evolutionUrl: evolution2.url, evolutionKey: SECRET_KEY },
      streams,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).code).toBe('EVOCHAT_E_UNSUPPORTED_TARGET');
    expect((error as HarnessError).exitCode).toBe(2);
    expect((error as Error).message).toContain('Evolution 2.1.1 is 2.x but not one this tool has profiles for (2.1.2, 2.2.3, 2.3.6)');
    expect(out.join('')).toContain('not run: the target is not supported');
    expect(requests.every((request) => request.startsWith('GET '))).toBe(true);
  });

  it('missing settings are a usage error naming the flag and the env var', async () => {
    const { io: streams } = io();
    const error = await doctorCommand({ chatwootUrl: chatwoot.url }, streams).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('--chatwoot-token / EVOCHAT_CHATWOOT_TOKEN');
  });

  it('through the real CLI: exit codes, one clear line on stderr, no stack trace, no secret', async () => {
    const common = ['--chatwoot-url', chatwoot.url, '--chatwoot-token', token, '--account', '1', '--evolution-key', SECRET_KEY];
    const unsupported = await run(TSX, [BIN, 'doctor', ...common, '--evolution-url', evolution2.url]).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect((unsupported as { code: number }).code).toBe(2);
    expect((unsupported as { stderr: string }).stderr).toMatch(
      /^error EVOCHAT_E_UNSUPPORTED_TARGET: Evolution 2\.1\.1 is 2\.x but not one this tool has profiles for/,
    );
    expect((unsupported as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
    const unreachable = await run(TSX, [BIN, 'doctor', ...common, '--evolution-url', closedUrl, '--json']).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect((unreachable as { code: number }).code).toBe(3);
    const output = `${(unsupported as { stdout: string }).stdout}${(unreachable as { stdout: string }).stdout}`;
    expect(output).not.toContain(token);
    expect(output).not.toContain(SECRET_KEY);
    const env = { ...process.env, EVOCHAT_CHATWOOT_URL: 'not a url' };
    const usage = await run(TSX, [BIN, 'doctor'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect((usage as { code: number }).code).toBe(2);
    expect((usage as { stderr: string }).stderr).toContain('error EVOCHAT_E_USAGE: doctor needs');
  }, 60_000);
});
