import { randomBytes } from 'node:crypto';
import { attachedLabel } from '../backends/attach/attached-chatwoot.ts';
import { bindAddressFor, type AttachSession } from '../backends/attach/attach-session.ts';
import { platformFailure } from '../backends/shared/platform-failure.ts';
import { ChatwootPlatformClient } from '../clients/chatwoot-platform-client.ts';
import { createMemorySink } from '../common/log-sink.ts';
import type { Redactor } from '../common/redact.ts';
import { chatwootProfile, privateNetworkOptOut } from '../model/chatwoot-profiles.ts';
import type { DriftAnswer, DriftProbeResult, DriftReport } from '../model/drift-report.ts';
import { startChatwootTwin } from '../twins/chatwoot/start-chatwoot-twin.ts';
import { compareAnswers, type Observation } from './compare-answers.ts';
import { DRIFT_PROBES, type DriftProbe } from './drift-probes.ts';
import { observeSide, type DriftSide } from './observe-side.ts';
import { startWebhookReceiver } from './webhook-receiver.ts';

export interface DriftOptions {
  /** Where the ledger of what drift creates on the attached server goes (drift's --out). */
  ledgerDir: string;
  probes?: readonly DriftProbe[];
  timeoutMs?: number;
  webhookTimeoutMs?: number;
  now?: () => Date;
}

/** Bodies in the report are cut here: enough to see the difference, never a whole conversation list. */
const MAX_BODY_CHARS = 4_000;

interface Provisioned {
  accountId: number;
  token: string;
}

/** One `en` account with its own administrator, the way every cell's is made (backends/shared/cell-accounts.ts). */
async function provisionAccount(
  platform: ChatwootPlatformClient,
  input: { runId: string; side: string; redactor: Redactor; record?: (kind: 'account' | 'user', id: number, label: string) => void },
): Promise<Provisioned> {
  const password = `Evo#${randomBytes(6).toString('hex')}a1`;
  input.redactor.add(password);
  const email = `${input.runId}-${input.side}@evochat.test`;
  try {
    const account = await platform.createAccount({ name: `evochat drift ${input.runId}`, locale: 'en' });
    input.record?.('account', account.id, `evochat drift ${input.runId}`);
    const user = await platform.createUser({ name: 'evochat drift', email, password });
    input.record?.('user', user.id, email);
    await platform.addAccountUser(account.id, user.id, 'administrator');
    return { accountId: account.id, token: user.accessToken };
  } catch (error) {
    throw platformFailure(error, {
      serviceId: input.side === 'attached' ? 'the attached Chatwoot' : 'the drift twin',
      what: 'the drift account',
      redactor: input.redactor,
    });
  }
}

function answerOf(observation: Observation | undefined, probe: DriftProbe, redactor: Redactor): DriftAnswer {
  if (!observation) return { body: '', error: 'not run' };
  const body = redactor.text(observation.text);
  return {
    ...(observation.status === undefined ? {} : { status: observation.status }),
    body: body.length > MAX_BODY_CHARS ? `${body.slice(0, MAX_BODY_CHARS)}… (${body.length} chars)` : body,
    ...(probe.kind === 'webhook' && observation.headers ? { headers: probe.headers.filter((name) => observation.headers?.[name] !== undefined) } : {}),
    ...(observation.order ? { order: observation.order } : {}),
    ...(observation.error === undefined ? {} : { error: redactor.text(observation.error) }),
  };
}

function redactValue(value: unknown, redactor: Redactor): unknown {
  return typeof value === 'string' ? redactor.text(value) : value;
}

/**
 * The drift report (issue 20): the contract probes against the attached Chatwoot (its own account, recorded in the
 * session's ledger and deleted by the caller's session.cleanup()) and against an in-process twin of the same profile
 * (same probes, same Platform API account path), side by side. Webhooks of both go to one receiver on this machine.
 */
export async function runDrift(session: AttachSession, options: DriftOptions): Promise<DriftReport> {
  const attached = session.chatwoot;
  const redactor = session.redactor;
  const probes = options.probes ?? DRIFT_PROBES;
  const runId = `drift-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const observe = { timeoutMs: options.timeoutMs ?? 10_000, webhookTimeoutMs: options.webhookTimeoutMs ?? 15_000 };
  session.startLedger(options.ledgerDir, runId);

  const receiver = await startWebhookReceiver(await bindAddressFor(attached.advertiseHost));
  const twinToken = randomBytes(18).toString('hex');
  redactor.add(twinToken);
  const twin = await startChatwootTwin({
    // The receiver is on this machine: the twin must deliver to it whatever its profile's private-target rule (§4.2).
    env: { TWIN_VERSION: attached.profile, TWIN_PLATFORM_TOKEN: twinToken, ...privateNetworkOptOut(chatwootProfile(attached.profile)) },
    host: '127.0.0.1',
    port: 0,
    log: createMemorySink(),
  }).catch(async (error: unknown) => {
    await receiver.close();
    throw error;
  });
  try {
    const nonce = randomBytes(6).toString('hex');
    const attachedAccount = await provisionAccount(session.platform, {
      runId,
      side: 'attached',
      redactor,
      record: (kind, id, label) => session.record(kind, id, label),
    });
    const twinAccount = await provisionAccount(new ChatwootPlatformClient({ baseUrl: twin.url, token: twinToken, redactor }), {
      runId,
      side: 'twin',
      redactor,
    });
    const port = receiver.port;
    const attachedSide: DriftSide = {
      name: `the attached Chatwoot at ${attached.url}`,
      url: attached.url,
      ...attachedAccount,
      webhookPath: `/drift/attached-${nonce}`,
      receiverUrl: attached.advertiseHost === undefined ? receiver.url : `http://${attached.advertiseHost}:${port}`,
    };
    const twinSide: DriftSide = {
      name: `the twin ${attached.profile}`,
      url: twin.url,
      ...twinAccount,
      webhookPath: `/drift/twin-${nonce}`,
      receiverUrl: receiver.url,
    };
    const [fromAttached, fromTwin] = await Promise.all([
      observeSide(attachedSide, probes, receiver, observe),
      observeSide(twinSide, probes, receiver, observe),
    ]);

    const results: DriftProbeResult[] = probes.map((probe) => {
      const a = fromAttached.get(probe.id);
      const t = fromTwin.get(probe.id);
      const differences =
        a && t ? compareAnswers(probe, a, t).map((d) => ({ ...d, attached: redactValue(d.attached, redactor), twin: redactValue(d.twin, redactor) })) : [];
      return {
        id: probe.id,
        title: probe.title,
        request: probe.shows,
        why: probe.why,
        verdictRelevant: probe.verdictRelevant,
        outcome: differences.length > 0 ? 'different' : 'same',
        differences,
        attached: answerOf(a, probe, redactor),
        twin: answerOf(t, probe, redactor),
      };
    });
    const verdictRelevant = results.filter((r) => r.differences.some((d) => d.verdictRelevant)).length;
    return {
      schemaVersion: 1,
      createdAt: (options.now ?? (() => new Date()))().toISOString(),
      attached: {
        url: attached.url,
        reportedVersion: attached.reportedVersion,
        profile: attached.profile,
        asVersion: attached.asVersion,
        label: attachedLabel(attached),
      },
      twin: { profile: attached.profile, label: `twin ${attached.profile} (in-process, the same probes on its own account)` },
      probes: results,
      summary: { probes: results.length, different: results.filter((r) => r.outcome === 'different').length, verdictRelevant },
      exitCode: verdictRelevant > 0 ? 1 : 0,
    };
  } finally {
    await twin.close();
    await receiver.close();
  }
}
