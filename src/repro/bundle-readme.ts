import { BOT_CONTACT_PHONE } from '../model/bot-contact.ts';
import type { Exchange, RunResult, ScenarioResult } from '../model/result-schema.ts';
import type { BugReport } from './bug-report-schema.ts';
import type { ReproSetup } from './derive-repro-setup.ts';
import type { ReproVerdict } from './judge-reproduction.ts';
import { REPRO_ALIASES, REPRO_BUCKET, REPRO_SECRETS, TOXIPROXY_LISTEN_PORT, type ReproCompose } from './repro-compose.ts';

export interface ReadmeInput {
  report: BugReport;
  /** The bug report's file name inside the bundle. */
  reportFile: string;
  setup: ReproSetup;
  result: RunResult;
  verdict: ReproVerdict;
  compose: ReproCompose;
  /** Bundle files, relative, with a line each. */
  files: Array<{ path: string; what: string }>;
}

const OUTCOME_TEXT = { reproduced: 'REPRODUCED', 'not-reproduced': 'NOT REPRODUCED', 'no-verdict': 'NO VERDICT (infrastructure error)' } as const;

function fence(text: string, lang = ''): string {
  const ticks = text.includes('```') ? '````' : '```';
  return `${ticks}${lang}\n${text.replace(/\n$/, '')}\n${ticks}`;
}

/** The decisive exchange of a scenario (or its first failing one), as a readable HTTP transcript. */
export function decisiveExchange(scenario: ScenarioResult): Exchange | undefined {
  const exchanges = scenario.evidence.exchanges;
  const id = scenario.evidence.decisive?.exchangeId;
  return (
    (id ? exchanges.find((exchange) => exchange.id === id) : undefined) ??
    exchanges.find((exchange) => !exchange.response || exchange.response.status >= 400) ??
    exchanges[0]
  );
}

export function transcript(exchange: Exchange, maxBody = 1_500): string {
  const cut = (body: string) => (body.length > maxBody ? `${body.slice(0, maxBody)}… (${body.length - maxBody} more characters)` : body);
  const lines = [`# ${exchange.link}, ${exchange.startedAt}, ${exchange.durationMs} ms`, `${exchange.request.method} ${exchange.request.url}`];
  for (const [name, value] of Object.entries(exchange.request.headers))
    if (/^(content-type|api[-_]access[-_]token|apikey|authorization)$/i.test(name)) lines.push(`${name}: ${value}`);
  if (exchange.request.body) lines.push('', cut(exchange.request.body));
  lines.push('');
  if (exchange.response) {
    lines.push(`HTTP ${exchange.response.status}`);
    if (exchange.response.body) lines.push(cut(exchange.response.body));
  } else lines.push(`(no response: ${exchange.error ?? 'unknown error'})`);
  return lines.join('\n');
}

function backendLine(result: RunResult): string {
  const kind = result.standIns
    ? 'stand-ins (twins of Chatwoot and Evolution), **not the upstream images**'
    : result.backend === 'docker'
      ? 'the real upstream images'
      : result.backend;
  return `Backend: **${result.backend}**${result.images ? ` (${result.images} images)` : ''}: ${kind}. ${result.backendReason}`;
}

function rerunSteps(input: ReadmeInput): string[] {
  const { setup, compose, report } = input;
  const e = compose.endpoints;
  const locale = report.settings.defaultLocale;
  const steps: string[] = [];
  steps.push(
    `1. Start the stack (pulls ${[...new Set(compose.services.map((s) => s.image))].join(', ')}):\n\n${fence('docker compose up -d\nuntil curl -fsS http://localhost:3000/api; do sleep 5; done', 'sh')}`,
  );
  steps.push(
    `2. Create a Chatwoot account (locale ${locale}, as onboarding with DEFAULT_LOCALE=${locale} does) and an administrator with a fixed token (chatwoot-3.7-3.9.md §6 A):\n\n${fence(
      `docker compose exec -e H_TOKEN=${e.chatwootToken} -e H_LOCALE=${locale} chatwoot-rails bundle exec rails runner '
  acc = Account.create!(name: "repro", locale: ENV["H_LOCALE"])
  u = User.new(name: "Repro", email: "repro@example.com", password: "Repro#2024", password_confirmation: "Repro#2024")
  u.skip_confirmation!; u.save!
  AccountUser.create!(account: acc, user: u, role: :administrator)
  u.access_token.update!(token: ENV["H_TOKEN"])
  puts({account_id: acc.id, token: u.reload.access_token.token}.to_json)'`,
      'sh',
    )}\n\n   Sign in at http://localhost:3000 as repro@example.com / Repro#2024.`,
  );
  if (setup.cell.storage === 'minio') {
    steps.push(
      `${steps.length + 1}. Create the bucket Chatwoot stores attachments in (mc ships in the minio/minio image):\n\n${fence(
        `docker compose exec storage-minio sh -c 'mc alias set local http://localhost:9000 ${REPRO_SECRETS.s3AccessKeyId} ${REPRO_SECRETS.s3SecretAccessKey} && mc mb -p local/${REPRO_BUCKET}'`,
        'sh',
      )}`,
    );
  }
  if (setup.faults.slowStorage) {
    steps.push(
      `${steps.length + 1}. Put ${report.settings.storageLatencyMs} ms of latency between Chatwoot and MinIO (Toxiproxy):\n\n${fence(
        `docker compose exec ${REPRO_ALIASES.latency} /toxiproxy-cli create --listen 0.0.0.0:${TOXIPROXY_LISTEN_PORT} --upstream ${REPRO_ALIASES.storage}:9000 minio\ndocker compose exec ${REPRO_ALIASES.latency} /toxiproxy-cli toxic add --type latency --attribute latency=${report.settings.storageLatencyMs} minio`,
        'sh',
      )}`,
    );
  }
  steps.push(
    `${steps.length + 1}. Create the Evolution instance with Chatwoot enabled (SERVER_URL is \`${e.serverUrl}\`${setup.faults.headerDropped ? `; Chatwoot is reached through the nginx at ${e.chatwootUrlFromEvolution}, as in the report` : ''}):\n\n${fence(
      `curl -sS -X POST ${e.evolutionUrl}/instance/create -H 'apikey: ${e.evolutionApiKey}' -H 'content-type: application/json' -d '{
  "instanceName": "repro", "qrcode": true,
  "chatwoot_account_id": "1", "chatwoot_token": "${e.chatwootToken}", "chatwoot_url": "${e.chatwootUrlFromEvolution}",
  "chatwoot_sign_msg": false, "chatwoot_reopen_conversation": true, "chatwoot_conversation_pending": false
}'`,
      'sh',
    )}`,
  );
  steps.push(
    `${steps.length + 1}. Look: in Chatwoot (http://localhost:3000) open the inbox "repro" and the conversation with +${BOT_CONTACT_PHONE}; \`init\` is there. Send \`status\` in it (the WhatsApp-free trigger, evolution-api-1.7.md §3e) and watch for the bot's reply, and:\n\n${fence(
      `docker compose logs evolution-app | grep -A3 ChatwootService\ndocker compose logs chatwoot-sidekiq | grep -i webhook`,
      'sh',
    )}`,
  );
  steps.push(`${steps.length + 1}. Clean up: \`docker compose down -v\`.`);
  return steps;
}

/** The bundle's README.md: verdict, diagnosis and remedy first, then the evidence and how to rerun. */
export function renderBundleReadme(input: ReadmeInput): string {
  const { report, setup, result, verdict } = input;
  const out: string[] = [];
  out.push(`# Reproduction: ${report.title}`, '');
  out.push(`**${OUTCOME_TEXT[verdict.outcome]}** — ${verdict.summary}`, '');
  out.push(`> ${report.symptom.trim().replace(/\n/g, '\n> ')}`, '');
  out.push(
    `Chatwoot **${setup.cell.chatwoot}**, Evolution **${setup.cell.evolution}**, storage **${setup.cell.storage}**.` +
      (report.references.length > 0 ? ` References: ${report.references.join(', ')}.` : ''),
    '',
  );
  out.push(backendLine(result), `Run ${result.runId}, ${result.finishedAt}.`, '');

  const diagnosed = verdict.failing.filter((scenario) => scenario.diagnosis);
  out.push('## Diagnosis and remedy', '');
  if (diagnosed.length === 0)
    out.push(verdict.failing.length === 0 ? 'Nothing broke.' : 'No diagnosis rule matched the evidence of the failing scenarios.', '');
  // One entry per root cause, with the scenarios that showed it.
  const byRule = new Map<string, ScenarioResult[]>();
  for (const scenario of diagnosed) byRule.set(scenario.diagnosis!.rule, [...(byRule.get(scenario.diagnosis!.rule) ?? []), scenario]);
  for (const scenarios of byRule.values()) {
    const d = scenarios[0]!.diagnosis!;
    out.push(`- **${d.summary}** (rule \`${d.rule}\`; seen in ${scenarios.map((scenario) => scenario.id).join(', ')})`, `  - **Remedy:** ${d.remedy}`);
    if (d.references.length > 0) out.push(`  - References: ${d.references.join(', ')}`);
    if (d.contradictsSeed) out.push(`  - Contradicts the troubleshooting guide: ${d.contradictsSeed}`);
  }
  if (diagnosed.length > 0) out.push('');
  for (const contradiction of result.seedContradictions) out.push(`- Troubleshooting guide: "${contradiction.claim}" — observed: ${contradiction.observed}`);
  if (result.seedContradictions.length > 0) out.push('');

  if (verdict.observations.length > 0) {
    out.push('## What counts as reproduced', '', '| | scenario | expected | seen |', '|---|---|---|---|');
    for (const observation of verdict.observations) {
      const e = observation.expectation;
      const expected = [e.status, e.diagnosis ? `diagnosis ${e.diagnosis}` : '', e.evidence ? `evidence /${e.evidence}/` : ''].filter(Boolean).join(', ');
      out.push(`| ${observation.met ? '✓' : '✗'} | ${e.id} | ${expected.replace(/\|/g, '\\|')} | ${observation.actual.replace(/\|/g, '\\|')} |`);
    }
    out.push('');
  }

  out.push('## Scenarios run', '', '| scenario | status | verdict | message |', '|---|---|---|---|');
  for (const scenario of verdict.cell?.scenarios ?? []) {
    const mark = setup.scenarios.includes(scenario.id) ? '' : ' (not selected)';
    const message = (scenario.message ?? scenario.skipReason ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 200);
    out.push(`| ${scenario.id}${mark} | ${scenario.status} | ${scenario.verdict} | ${message} |`);
  }
  out.push('', '### How the settings were reproduced', '', ...setup.notes.map((note) => `- ${note}`), '');

  // The decisive exchange of each failing scenario; the same request and answer seen by several scenarios is shown once.
  const shown = new Set<string>();
  const withExchange = verdict.failing
    .map((scenario) => [scenario, decisiveExchange(scenario)] as const)
    .filter(([, exchange]) => {
      if (!exchange) return false;
      const key = `${exchange.link} ${exchange.request.method} ${exchange.request.url.replace(/\/accounts\/\d+/, '/accounts/N')} ${exchange.response?.status ?? exchange.error}`;
      if (shown.has(key)) return false;
      shown.add(key);
      return true;
    });
  if (withExchange.length > 0) {
    out.push('## The failing exchange', '');
    for (const [scenario, exchange] of withExchange) out.push(`**${scenario.id}**`, '', fence(transcript(exchange!), 'http'), '');
  }
  const symptomShown = verdict.observations.filter(
    (observation) => observation.met && observation.exchange && !verdict.failing.includes(observation.scenario!),
  );
  if (symptomShown.length > 0) {
    out.push('## The exchange that shows the symptom', '');
    for (const observation of symptomShown) out.push(`**${observation.expectation.id}**`, '', fence(transcript(observation.exchange!), 'http'), '');
  }

  out.push(
    '## Rerun it',
    '',
    '### With evochat-matrix',
    '',
    fence(
      `npx evochat-matrix repro ${input.reportFile} --out repro-bundle          # sim backend where no Docker engine answers\nnpx evochat-matrix repro ${input.reportFile} --out repro-bundle --backend docker --images upstream\nnpx evochat-matrix repro ${input.reportFile} --keep                       # leave the stack running to look at it`,
      'sh',
    ),
    '',
  );
  out.push('### With the real upstream images (docker-compose.yml)', '', 'Anywhere images can be pulled:', '', ...rerunSteps(input), '');
  out.push('## Files', '', ...input.files.map((file) => `- \`${file.path}\`: ${file.what}`), '');
  out.push('Secrets of the run are redacted in every file; the compose file holds only throwaway local credentials.', '');
  return out.join('\n');
}
