import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProbeClient } from '../backends/attach/probe-client.ts';
import { createRedactor } from '../common/redact.ts';
import { stopKitDatabase } from '../twins/evolution/test-support/kit-database.ts';
import { SUITE_CATALOG } from '../scenario/suite-catalog.ts';
import { evolutionVersionCheck } from './checks/evolution-version.ts';
import { loadConsumerExpectations } from './consumer-expectations.ts';
import { createDoctorContext } from './doctor-context.ts';
import { DOCTOR_CHECKS } from './doctor-checks.ts';
import { runDoctor, type DoctorRun } from './run-doctor.ts';
import { doctorContextFor } from './test-support/doctor-test-context.ts';
import { startTestDeployment, type TestDeployment } from './test-support/start-test-deployment.ts';

const readOnlyChecks = DOCTOR_CHECKS.filter((check) => !check.needsWrites);
const report = (run: DoctorRun, id: string) => run.reports.find((entry) => entry.check.id === id)!.outcome;

async function doctorOn(deployment: TestDeployment, instance?: string | null): Promise<{ run: DoctorRun; since: number }> {
  const since = Date.now();
  const ctx = doctorContextFor(instance === null ? { ...deployment, instance: undefined } : deployment);
  const run = await runDoctor(ctx, readOnlyChecks).finally(() => ctx.client.close());
  return { run, since };
}

afterAll(stopKitDatabase);

describe('doctor on Chatwoot 3.8.0 × Evolution 2.3.6 (twins, CHATWOOT_ENABLED=true)', () => {
  let deployment: TestDeployment;
  beforeAll(async () => {
    deployment = await startTestDeployment({ chatwoot: '3.8.0', evolution: '2.3.6', instance: 'shop' });
  }, 60_000);
  afterAll(() => deployment?.close());

  it('recognises 2.x from GET /, reads CHATWOOT_ENABLED and the camelCase settings, and does not judge it by 1.7 facts', async () => {
    const { run, since } = await doctorOn(deployment);
    const evolution = report(run, 'evolution');
    expect(evolution).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^Evolution 2\.3\.6 \(2\.x: /) });
    expect(evolution.evidence[0]).toMatch(/^GET \/ → version 2\.3\.6, clientName \S+, whatsappWebVersion 2\.3000\.1027934701$/);
    expect(report(run, 'chatwoot-enabled')).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^CHATWOOT_ENABLED=true/) });
    expect(report(run, 'evolution-key').status).toBe('pass');
    const settings = report(run, 'chatwoot-settings');
    expect(settings.status, settings.summary).toBe('pass');
    expect(settings.evidence[0]).toMatch(new RegExp(`^enabled: true, account_id: ${deployment.accountId}, url: http`));
    expect(report(run, 'webhook-url').status, report(run, 'webhook-url').summary).toBe('pass');
    expect(report(run, 'contact-id')).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(/^Evolution 2\.3\.6 never filters conversations by contact_id/),
    });
    expect(run.exitCode).toBe(0);
    // The contact_id probe is not sent to judge a 2.x Evolution, and the doctor wrote nothing.
    const fromDoctor = deployment.exchangesSince(since).filter((exchange) => exchange.link.startsWith('doctor->'));
    expect(fromDoctor.some((exchange) => exchange.request.url.includes('/conversations/filter'))).toBe(false);
    expect(fromDoctor.filter((exchange) => exchange.link === 'doctor->evolution' && exchange.request.method !== 'GET')).toEqual([]);
  });
});

describe('doctor on Chatwoot 3.7.0 × Evolution 2.2.3 with CHATWOOT_ENABLED left at the image default', () => {
  let deployment: TestDeployment;
  beforeAll(async () => {
    deployment = await startTestDeployment({ chatwoot: '3.7.0', evolution: '2.2.3', instance: 'shop', chatwootEnabled: undefined });
  }, 60_000);
  afterAll(() => deployment?.close());

  it("fails CHATWOOT_ENABLED from /chatwoot/find's 400, read-only, and the settings checks wait on it", async () => {
    const { run, since } = await doctorOn(deployment);
    const enabled = report(run, 'chatwoot-enabled');
    expect(enabled).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^CHATWOOT_ENABLED is not "true" on this Evolution 2\.2\.3/) });
    expect(enabled.evidence).toEqual([
      'GET /chatwoot/find/shop → 400 {"status":400,"error":"Bad Request","response":{"message":["Chatwoot is disabled"]}}',
      'the image bakes CHATWOOT_ENABLED=false (.env.example); only the exact lower-case "true" enables',
    ]);
    expect(enabled.remedy).toMatch(/^Set CHATWOOT_ENABLED=true in Evolution's container environment/);
    expect(report(run, 'chatwoot-settings')).toMatchObject({ status: 'skip', summary: expect.stringMatching(/^needs instance\/chatwoot-enabled: /) });
    expect(run.exitCode).toBe(1);
    const fromDoctor = deployment.exchangesSince(since).filter((exchange) => exchange.link === 'doctor->evolution');
    expect(fromDoctor.filter((exchange) => exchange.request.method !== 'GET')).toEqual([]);
    expect(fromDoctor.filter((exchange) => exchange.request.url.includes('/chatwoot/find/'))).toHaveLength(1);
  });

  it('without --instance, asks /chatwoot/find about the first instance Evolution lists', async () => {
    const { run } = await doctorOn(deployment, null);
    expect(report(run, 'chatwoot-enabled')).toMatchObject({
      status: 'fail',
      evidence: [expect.stringMatching(/^GET \/chatwoot\/find\/shop → 400 /), expect.any(String)],
    });
  });
});

describe('doctor on Chatwoot 3.9.0 × Evolution 2.1.2 whose SERVER_URL ends with "/"', () => {
  let deployment: TestDeployment;
  beforeAll(async () => {
    deployment = await startTestDeployment({ chatwoot: '3.9.0', evolution: '2.1.2', instance: 'shop', trailingSlashServerUrl: true });
  }, 60_000);
  afterAll(() => deployment?.close());

  it('warns about "//" in the webhook URL instead of predicting the 1.7 404: 2.x routes it (§1.5)', async () => {
    const { run } = await doctorOn(deployment);
    expect(report(run, 'webhook-url')).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(
        /^the webhook URL has "\/\/" \(\/\/chatwoot\/webhook\/shop\): Evolution 2\.1\.2 still routes it, but a proxy in front may not$/,
      ),
    });
    expect(run.exitCode).toBe(0);
  });
});

describe('doctor and GET / of an Evolution that hangs or is an unknown 2.x', () => {
  let answer: 'hang' | 'unknown-2x' = 'hang';
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    if (answer === 'hang') return; // 2.3.6 asking web.whatsapp.com where outbound traffic is dropped (§M.2)
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 200, message: 'Welcome to the Evolution API, it is working!', version: '2.3.7', clientName: 'evolution' }));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const context = (timeoutMs: number) => {
    const redactor = createRedactor(['k']);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return createDoctorContext({
      target: { chatwootUrl: url, chatwootToken: 't', accountId: 1, evolutionUrl: url, evolutionKey: 'k', instance: undefined },
      client: createProbeClient({ redactor, timeoutMs, allowWrites: false }),
      redactor,
      known: { kind: 'none', looked: [] },
      catalog: SUITE_CATALOG,
      consumerExpectations: loadConsumerExpectations(),
    });
  };

  it('a GET / with no answer ends at the deadline with a named cause, not a hang', async () => {
    answer = 'hang';
    const ctx = context(400);
    const started = Date.now();
    const run = await runDoctor(ctx, [evolutionVersionCheck]).finally(() => ctx.client.close());
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(run.reports[0]!.outcome).toMatchObject({
      status: 'error',
      summary: expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:\d+\/ did not answer in time \(no answer within 400 ms\)$/),
      evidence: [expect.stringMatching(/2\.3\.6 asks web\.whatsapp\.com on every call/)],
    });
    expect(run.exitCode).toBe(3);
  });

  it('a 2.x version without a profile is unsupported, naming the 2.x versions known', async () => {
    answer = 'unknown-2x';
    const ctx = context(2_000);
    const run = await runDoctor(ctx, [evolutionVersionCheck]).finally(() => ctx.client.close());
    expect(run.unsupported).toBe('Evolution 2.3.7 is 2.x but not one this tool has profiles for (2.1.2, 2.2.3, 2.3.6)');
    expect(run.reports[0]!.outcome.evidence).toEqual(['GET / → version 2.3.7, clientName evolution']);
    expect(run.exitCode).toBe(2);
  });
});
