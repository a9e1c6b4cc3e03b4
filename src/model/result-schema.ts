import { z } from 'zod';
import { BACKENDS, CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, STORAGES } from './axes.ts';

/**
 * The one JSON result of a run: every report (terminal, JUnit, Markdown, HTML) renders from it.
 * Bump RESULT_SCHEMA_VERSION on any breaking change; `cells[].{chatwoot,evolution,storage,verdict}` and
 * `cells[].scenarios[].{id,status,diagnosis.{rule,summary,remedy}}` are read by other tools: keep them.
 */
export const RESULT_SCHEMA_VERSION = 1 as const;

export const ScenarioStatus = z.enum(['pass', 'break', 'error', 'skipped']);
export type ScenarioStatus = z.infer<typeof ScenarioStatus>;

/** A scenario's or cell's status compared with matrix.json's expectations. */
export const Verdict = z.enum(['pass', 'expected-break', 'unexpected-break', 'unexpected-pass', 'error', 'skipped']);
export type Verdict = z.infer<typeof Verdict>;

/** The scenario of a cell that sent a harness request (the proxies record it from HARNESS_SCENARIO_HEADER). */
export const ExchangeScenario = z.object({ cell: z.string(), id: z.string() });
export type ExchangeScenario = z.infer<typeof ExchangeScenario>;

export const Exchange = z.object({
  id: z.string(),
  /** e.g. "evolution->chatwoot", "chatwoot->evolution", "chatwoot->storage", "harness->chatwoot". */
  link: z.string(),
  startedAt: z.string(),
  durationMs: z.number(),
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.string(),
    bodyTruncated: z.boolean(),
  }),
  response: z
    .object({
      status: z.number(),
      headers: z.record(z.string(), z.string()),
      body: z.string(),
      bodyTruncated: z.boolean(),
    })
    .nullable(),
  /** Transport error (connection refused, timeout) when there is no response. */
  error: z.string().optional(),
  /**
   * Harness requests only: the scenario that sent it. Such an exchange is evidence of that scenario alone,
   * never of another one that ran in the same window.
   */
  scenario: ExchangeScenario.optional(),
  /**
   * A signed webhook (Chatwoot 4.13+, X-Chatwoot-Signature): whether it verified, checked by the proxy where the
   * receiver stands, over the raw body, with the signing secrets registered there. Absent when nothing was checked.
   */
  signature: z.object({ verified: z.boolean() }).optional(),
});
export type Exchange = z.infer<typeof Exchange>;

export const LogExcerpt = z.object({
  service: z.string(),
  lines: z.array(z.string()),
  truncated: z.boolean(),
});
export type LogExcerpt = z.infer<typeof LogExcerpt>;

export const Diagnosis = z.object({
  rule: z.string(),
  summary: z.string(),
  remedy: z.string(),
  references: z.array(z.string()),
  /** Where this finding contradicts the seed troubleshooting guide, what the guide said. */
  contradictsSeed: z.string().optional(),
});
export type Diagnosis = z.infer<typeof Diagnosis>;

/** compatibility: "does this pair work"; fault: a misconfiguration injected on purpose (expected to break). */
export const ScenarioKind = z.enum(['compatibility', 'fault']);
export type ScenarioKind = z.infer<typeof ScenarioKind>;

export const ScenarioResult = z.object({
  id: z.string(),
  suite: z.string(),
  /** Absent in hand-made results: treated as compatibility. */
  kind: ScenarioKind.optional(),
  title: z.string(),
  /** The seed guide symptom this scenario covers. */
  seedSymptom: z.string(),
  status: ScenarioStatus,
  verdict: Verdict,
  durationMs: z.number(),
  /** Assertion or infrastructure message; absent on pass. */
  message: z.string().optional(),
  errorCode: z.string().optional(),
  skipReason: z.string().optional(),
  diagnosis: Diagnosis.optional(),
  evidence: z.object({
    /** The exchange or log line that decided the status. */
    decisive: z
      .object({ kind: z.enum(['exchange', 'log']), exchangeId: z.string().optional(), service: z.string().optional(), line: z.string().optional() })
      .optional(),
    exchanges: z.array(Exchange),
    logs: z.array(LogExcerpt),
  }),
});
export type ScenarioResult = z.infer<typeof ScenarioResult>;

export const CellResult = z.object({
  id: z.string(),
  chatwoot: z.enum(CHATWOOT_VERSIONS),
  evolution: z.enum(EVOLUTION_VERSIONS),
  storage: z.enum(STORAGES),
  /**
   * Aggregate of the compatibility scenarios' statuses, break > error > pass > skipped: does this pair
   * work. Fault scenarios (kind fault) are left out, they break on purpose.
   */
  status: ScenarioStatus,
  /**
   * Aggregate of every scenario's verdict, unexpected-break > unexpected-pass > error > expected-break >
   * pass > skipped, where a fault scenario that broke as expected counts as pass (src/verdict/classify.ts).
   */
  verdict: Verdict,
  /** Why the verdict was expected (matrix.json), when a break was expected. */
  expectation: z.object({ scenarios: z.array(z.string()), reason: z.string(), references: z.array(z.string()) }).optional(),
  /** Set by --compare: how this cell's verdict moved since the previous result. */
  change: z.enum(['newly-broken', 'newly-fixed', 'changed']).optional(),
  previousVerdict: Verdict.optional(),
  durationMs: z.number(),
  /** Image name → digest (docker backend), or twin profile names (sim). */
  images: z.record(z.string(), z.string()),
  /** Paths (relative to the result file) of full logs and exchange dumps. */
  artifacts: z.record(z.string(), z.string()),
  scenarios: z.array(ScenarioResult),
});
export type CellResult = z.infer<typeof CellResult>;

export const SeedContradiction = z.object({
  /** Stable id of the claim (src/verdict/seed-claims.ts). */
  id: z.string().optional(),
  claim: z.string(),
  observed: z.string(),
  cells: z.array(z.string()),
});

/** `run --shard i/n`: which part of which plan this result is; absent on an unsharded or merged run. */
export const ShardInfo = z.object({
  index: z.number().int().min(1),
  count: z.number().int().min(1),
  /** Hash of the matrix content, the selected cells and suites, and the harness version (src/matrix/plan-id.ts). */
  planId: z.string(),
  /** The command-line narrowing the plan was made with, so merge can plan the same cells again. */
  selection: z.object({
    chatwoot: z.array(z.string()).optional(),
    evolution: z.array(z.string()).optional(),
    storage: z.array(z.string()).optional(),
    suites: z.array(z.string()).optional(),
  }),
});
export type ShardInfo = z.infer<typeof ShardInfo>;

export const RunResult = z.object({
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('evochat-matrix'), version: z.string() }),
  runId: z.string(),
  command: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  backend: z.enum(BACKENDS),
  /** Why this backend: e.g. "auto: no Docker engine answered at /var/run/docker.sock". */
  backendReason: z.string(),
  /** docker backend: real upstream images or locally built twin images. */
  images: z.enum(['upstream', 'twin']).optional(),
  /** True when the services were stand-ins (sim backend or twin images): results are not upstream results. */
  standIns: z.boolean(),
  /** attach backend: the running Chatwoot the cells ran against (and the running Evolution, else twins). Never a token. */
  attached: z
    .object({
      chatwoot: z.object({
        url: z.string(),
        /** What its `GET /api` said. */
        reportedVersion: z.string(),
        /** The profile the cells ran under (their Chatwoot axis value). */
        profile: z.string(),
        /** True when `--as-version` chose the profile. */
        asVersion: z.boolean(),
        /** "attached: Chatwoot 3.8.0 at http://…", as every report shows it. */
        label: z.string(),
      }),
      /** `--evolution-url`: the running Evolution the cells used instead of twins. Never its key. */
      evolution: z
        .object({
          url: z.string(),
          /** What its `GET /` said. */
          reportedVersion: z.string(),
          /** "attached: Evolution 1.7.5 at http://…". */
          label: z.string(),
        })
        .optional(),
    })
    .optional(),
  matrixFile: z.string().optional(),
  exitCode: z.number().int(),
  summary: z.object({
    cells: z.number().int(),
    pass: z.number().int(),
    expectedBreak: z.number().int(),
    unexpectedBreak: z.number().int(),
    unexpectedPass: z.number().int(),
    error: z.number().int(),
    skipped: z.number().int(),
  }),
  seedContradictions: z.array(SeedContradiction),
  /** Milliseconds per phase (load, plan, backend phases such as start/bootstrap, scenarios, evidence, report). */
  phases: z.record(z.string(), z.number()),
  /** Services of the shared plan, of a naive stack-per-cell plan, and actually started by the backend. */
  services: z.object({ planned: z.number().int(), naive: z.number().int(), started: z.number().int() }).optional(),
  /** Warnings about the matrix file (expectations that can never be checked, …). */
  warnings: z.array(z.string()).optional(),
  compare: z.object({ previous: z.string(), changedCells: z.array(z.string()) }).optional(),
  shard: ShardInfo.optional(),
  /** Set by merge: the plan the shards came from, and the shards whose result was missing (their cells were not run). */
  merged: z.object({ planId: z.string(), count: z.number().int(), shards: z.array(z.number().int()), missing: z.array(z.number().int()) }).optional(),
  cells: z.array(CellResult),
});
export type RunResult = z.infer<typeof RunResult>;
