import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorCommand } from '../cli/commands/doctor.ts';
import { RunResult } from '../model/result-schema.ts';
import { DOCTOR_CHECKS } from './doctor-checks.ts';
import { doctorRunResult } from './doctor-result.ts';
import { runDoctor } from './run-doctor.ts';
import { doctorContextFor } from './test-support/doctor-test-context.ts';
import { startTestDeployment, type TestDeployment } from './test-support/start-test-deployment.ts';

const PNG = fileURLToPath(new URL('../../fixtures/images/evochat-attachment.png', import.meta.url));

let deployment: TestDeployment;
beforeAll(async () => {
  deployment = await startTestDeployment({ chatwoot: '3.7.0', evolution: '1.7.5', instance: 'shop' });
  // A recent attachment for the storage check, posted before the doctor runs (setup, not the doctor).
  const contact = await deployment.chatwoot.findContactByPhone('123456');
  const conversation = (await deployment.chatwoot.contactConversations(contact!.id))[0]!;
  const data = new Uint8Array(await readFile(PNG));
  await deployment.chatwoot.createMessage(conversation.id, {
    content: 'photo',
    messageType: 'incoming',
    attachments: [{ name: 'photo.png', contentType: 'image/png', data }],
  });
});
afterAll(async () => {
  await deployment?.close();
});

describe('doctor on a clean Chatwoot 3.7.0 × Evolution 1.7.5', () => {
  it.each(DOCTOR_CHECKS.filter((check) => !check.needsWrites).map((check) => [`${check.section}/${check.id}`, check] as const))(
    '%s alone passes (or has nothing to judge)',
    async (_name, check) => {
      const ctx = doctorContextFor(deployment);
      const run = await runDoctor(ctx, [check]);
      await ctx.client.close();
      const { outcome } = run.reports[0]!;
      // The matrix verdict has no result to read here: it says so instead of guessing.
      if (check.id === 'matrix-verdict') expect(outcome).toMatchObject({ status: 'skip', summary: expect.stringMatching(/^unknown: no result/) });
      // 1.7 has no CHATWOOT_ENABLED: the check says so instead of judging it.
      else if (check.id === 'chatwoot-enabled') expect(outcome).toMatchObject({ status: 'skip', summary: expect.stringMatching(/has no CHATWOOT_ENABLED/) });
      else expect(outcome.status, outcome.summary).toBe('pass');
    },
  );

  it('finds the storage service behind data_url: local disk, 302 then 200', async () => {
    const ctx = doctorContextFor(deployment);
    const run = await runDoctor(
      ctx,
      DOCTOR_CHECKS.filter((check) => check.section === 'storage'),
    );
    await ctx.client.close();
    expect(run.reports[0]!.outcome.summary).toMatch(/^local disk \(ActiveStorage Disk service\): 302 → 200 in \d+ ms$/);
    expect(ctx.detectedStorage).toBe('local');
  });

  it('the whole run exits 0, and without --allow-writes it sent no write request (every recorded link agrees)', async () => {
    const since = Date.now();
    const before = (await deployment.chatwoot.messages(1)).length;
    const ctx = doctorContextFor(deployment);
    const run = await runDoctor(ctx);
    await ctx.client.close();
    expect(run.exitCode).toBe(0);
    expect(run.reports.find((report) => report.check.id === 'bot-status-round-trip')!.outcome.status).toBe('skip');

    const seen = deployment.exchangesSince(since);
    expect(seen.length).toBeGreaterThan(10);
    const writes = seen.filter((exchange) => {
      const method = exchange.request.method;
      if (method === 'GET' || method === 'HEAD') return false;
      // The only POSTs allowed are Chatwoot's filter queries (a SELECT and a render).
      return !(method === 'POST' && /\/(conversations|contacts)\/filter$/.test(new URL(exchange.request.url, 'http://x').pathname));
    });
    expect(writes.map((e) => `${e.link} ${e.request.method} ${e.request.url}`)).toEqual([]);
    expect(seen.filter((exchange) => exchange.link === 'chatwoot->evolution' && exchange.request.method !== 'GET')).toEqual([]);
    expect((await deployment.chatwoot.messages(1)).length).toBe(before);

    // The doctor's own record matches what the proxies saw from it.
    const fromDoctor = seen.filter((exchange) => exchange.link.startsWith('doctor->')).length;
    expect(run.exchanges.length).toBeGreaterThanOrEqual(fromDoctor);
  });

  it('with --allow-writes the bot `status` round trip passes; its one write is the `status` message', async () => {
    const since = Date.now();
    const ctx = doctorContextFor(deployment, { allowWrites: true });
    const run = await runDoctor(
      ctx,
      DOCTOR_CHECKS.filter((check) => check.section === 'writes'),
    );
    await ctx.client.close();
    expect(run.reports[0]!.outcome.summary).toMatch(/^the bot answered in \d+ ms: "⚠️ shop instance status/);
    const writes = deployment
      .exchangesSince(since)
      .filter((exchange) => exchange.link === 'doctor->chatwoot' && exchange.request.method === 'POST' && !/\/filter$/.test(exchange.request.url));
    expect(writes.map((exchange) => new URL(exchange.request.url, 'http://x').pathname)).toEqual([
      `/api/v1/accounts/${deployment.accountId}/conversations/1/messages`,
    ]);
  });

  it('doctor --out writes result.json and the same reports as the runner; --json prints the RunResult', async () => {
    const out = await mkdtemp(join(tmpdir(), 'doctor-out-'));
    try {
      const printed: string[] = [];
      const streams = { stdout: { write: (text: string) => printed.push(text) }, stderr: { write: () => true }, env: {} };
      const flags = {
        chatwootUrl: deployment.chatwootUrl,
        chatwootToken: deployment.token,
        account: String(deployment.accountId),
        evolutionUrl: deployment.evolutionUrl,
        evolutionKey: deployment.apiKey,
        instance: 'shop',
      };
      expect(await doctorCommand({ ...flags, out, json: true }, streams)).toBe(0);
      expect((await readdir(out)).sort()).toEqual(['junit.xml', 'report.html', 'result.json', 'summary.md']);
      const printedResult = RunResult.parse(JSON.parse(printed.join('')));
      expect(printedResult.cells[0]!.scenarios.length).toBe(DOCTOR_CHECKS.length);
      expect(await readFile(join(out, 'junit.xml'), 'utf8')).toContain('doctor-auth/chatwoot-token');
      expect(printed.join('')).not.toContain(deployment.token);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('gives a RunResult the report writers accept: backend attach, one cell, scenarios = checks, no secrets', async () => {
    const ctx = doctorContextFor(deployment);
    const run = await runDoctor(ctx);
    await ctx.client.close();
    const result = doctorRunResult(run, { runId: 'r1', toolVersion: '0.0.0', command: 'doctor', targetDescription: 'test', storage: ctx.detectedStorage });
    expect(RunResult.safeParse(result).success).toBe(true);
    expect(result!.backend).toBe('attach');
    expect(result!.cells).toHaveLength(1);
    expect(result!.cells[0]).toMatchObject({ id: 'cw3.7.0-evo1.7.5-local', chatwoot: '3.7.0', evolution: '1.7.5', status: 'pass' });
    expect(result!.cells[0]!.scenarios.map((s) => s.id)).toContain('doctor-filter/contact-id');
    const text = JSON.stringify(result);
    expect(text).not.toContain(deployment.token);
    expect(text).not.toContain(deployment.apiKey);
  });
});
