import { z } from 'zod';
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, STORAGES } from '../model/axes.ts';
import { evidencePatternProblem, MAX_EVIDENCE_PATTERN_CHARS, MAX_EVIDENCE_PROGRAM_SIZE } from './evidence-pattern.ts';

/**
 * A bug report as a file (YAML or JSON): the versions, the settings that matter, the symptom in
 * words and, optionally, which scenarios to run and what "reproduced" means. The JSON Schema in
 * schemas/bug-report.schema.json is generated from this schema (`npm run schemas`).
 */
export const BUG_REPORT_SCHEMA_PATH = 'schemas/bug-report.schema.json';

const reference = z.string().regex(/^[a-z0-9-]+(#\d+| commit [0-9a-f]{7,40})$/, 'expected "project#123" or "project commit abcdef0"');

export const ReproSettings = z
  .strictObject({
    serverUrl: z
      .string()
      .min(1)
      .optional()
      .meta({
        description:
          "Evolution's SERVER_URL as the reporter set it. Its shape is reproduced: a trailing '/' (webhook //chatwoot/webhook/…), or a host Chatwoot cannot reach from its container (localhost).",
        examples: ['https://evo.example.com/', 'http://localhost:8080'],
      }),
    webhookUrl: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'The inbox webhook URL as Chatwoot shows it (Settings → Inboxes → Configuration), if the reporter copied it.' }),
    defaultLocale: z
      .enum(['en', 'pt_BR'])
      .default('en')
      .meta({ description: "Chatwoot's DEFAULT_LOCALE: the language of the devise 401 and of accounts created during onboarding (chatwoot-3.7-3.9.md §2.4)." }),
    evolutionLanguage: z.enum(['en', 'pt-BR', 'es']).default('en').meta({ description: "Evolution's LANGUAGE: the language of its bot messages." }),
    storage: z.enum(STORAGES).default('local').meta({ description: "Chatwoot's ActiveStorage: local disk, or S3-compatible (MinIO)." }),
    storageLatencyMs: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .meta({ description: 'Latency between Chatwoot and S3 the reporter has (minio storage only); above 5000 Chatwoot’s webhooks time out.' }),
    proxy: z
      .strictObject({
        dropsUnderscoreHeaders: z.boolean().default(false).meta({
          description:
            'A reverse proxy in front of Chatwoot drops headers with underscores (nginx without `underscores_in_headers on`): api_access_token never arrives.',
        }),
      })
      .default({ dropsUnderscoreHeaders: false }),
  })
  .meta({ description: 'The settings of the reporter’s setup that decide the behaviour.' });
export type ReproSettings = z.output<typeof ReproSettings>;

export const ScenarioExpectation = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'expected "<suite>/<scenario>"'),
    status: z.enum(['pass', 'break']).default('break').meta({ description: 'The status that shows the symptom.' }),
    diagnosis: z.string().optional().meta({ description: 'Id of the diagnosis rule (src/verdict/diagnosis-rules.ts) the evidence must match.' }),
    evidence: z
      .string()
      .min(1)
      .max(MAX_EVIDENCE_PATTERN_CHARS, `longer than ${MAX_EVIDENCE_PATTERN_CHARS} characters`)
      .superRefine((pattern, ctx) => {
        const problem = evidencePatternProblem(pattern);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .meta({
        description:
          "A regular expression one of the scenario's recorded response bodies, errors, log lines or its message must contain (e.g. the 401 or 422 text). " +
          'RE2 syntax (https://github.com/google/re2/wiki/Syntax): as in JavaScript, without look-around and back-references; `.` also matches a newline; ' +
          `matched in linear time, at most ${MAX_EVIDENCE_PATTERN_CHARS} characters and RE2 program size ${MAX_EVIDENCE_PROGRAM_SIZE}.`,
        examples: ['Invalid attribute key - \\[contact_id\\]'],
      }),
  })
  .meta({ description: 'One observation that, together with the others, means the symptom was reproduced.' });
export type ScenarioExpectation = z.output<typeof ScenarioExpectation>;

export const BugReport = z
  .strictObject({
    $schema: z
      .string()
      .optional()
      .meta({ description: `Editor hint: ${BUG_REPORT_SCHEMA_PATH}.` }),
    title: z.string().min(1),
    symptom: z.string().min(1).meta({ description: 'What the reporter saw, in words.' }),
    references: z.array(reference).default([]).meta({ description: 'Upstream issues and commits, e.g. "evolution#605", "chatwoot#1057".' }),
    versions: z
      .strictObject({
        chatwoot: z.enum(CHATWOOT_VERSIONS),
        evolution: z.enum(EVOLUTION_VERSIONS),
      })
      .meta({ description: 'The versions the reporter runs (the harness knows these).' }),
    settings: ReproSettings.default({ defaultLocale: 'en', evolutionLanguage: 'en', storage: 'local', proxy: { dropsUnderscoreHeaders: false } }),
    scenarios: z
      .array(z.string().regex(/^[a-z0-9-]+(\/[a-z0-9-]+)?$/, 'expected a suite id or "<suite>/<scenario>"'))
      .min(1)
      .optional()
      .meta({ description: 'Scenario or suite ids to run; when absent they are derived from the symptom-relevant settings.' }),
    expect: z
      .array(ScenarioExpectation)
      .min(1)
      .optional()
      .meta({ description: 'What "reproduced" means; when absent: at least one selected scenario breaks.' }),
  })
  .meta({ title: 'evochat-matrix bug report', description: 'A reported problem as a runnable setup: versions, settings, symptom.' });
export type BugReportInput = z.input<typeof BugReport>;
export type BugReport = z.output<typeof BugReport>;
