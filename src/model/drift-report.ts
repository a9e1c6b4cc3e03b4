import { z } from 'zod';
import { CHATWOOT_VERSIONS } from './axes.ts';

/** What a probe's answers are compared on (src/drift/drift-probes.ts). */
export const DRIFT_ASPECTS = ['status', 'shape', 'text', 'order', 'headers', 'delivery'] as const;
export type DriftAspect = (typeof DRIFT_ASPECTS)[number];

/** One side's answer to a probe, redacted and cut: what the report shows next to the other side's. */
export const DriftAnswer = z.object({
  /** HTTP status; undefined for a webhook that never came. */
  status: z.number().int().optional(),
  /** The body as text (redacted, at most a few KB). */
  body: z.string(),
  /** Header names of a delivered webhook that the probe looks at (present ones only). */
  headers: z.array(z.string()).optional(),
  /** The fixture labels of the ids an ordering probe returned, in order. */
  order: z.array(z.string()).optional(),
  /** Set when the request itself failed (transport), or a webhook did not arrive. */
  error: z.string().optional(),
});
export type DriftAnswer = z.infer<typeof DriftAnswer>;

export const DriftDifference = z.object({
  aspect: z.enum(DRIFT_ASPECTS),
  /** For `shape`: the JSON path (`payload[].id`); for `headers`: the header name. */
  path: z.string().optional(),
  attached: z.unknown(),
  twin: z.unknown(),
  /** True when the harness's verdicts read this (the probe is verdict-relevant and, for shape, the path is one it relies on). */
  verdictRelevant: z.boolean(),
});
export type DriftDifference = z.infer<typeof DriftDifference>;

export const DriftProbeResult = z.object({
  id: z.string(),
  title: z.string(),
  /** The request, e.g. `POST /api/v1/accounts/{account}/conversations/filter`. */
  request: z.string(),
  /** Why a verdict depends on it (or that it is informational). */
  why: z.string(),
  verdictRelevant: z.boolean(),
  outcome: z.enum(['same', 'different']),
  differences: z.array(DriftDifference),
  attached: DriftAnswer,
  twin: DriftAnswer,
});
export type DriftProbeResult = z.infer<typeof DriftProbeResult>;

/** drift.json: how far the twin of a profile is from an attached Chatwoot, probe by probe. */
export const DriftReport = z
  .object({
    schemaVersion: z.literal(1),
    createdAt: z.string(),
    attached: z.object({
      url: z.string(),
      reportedVersion: z.string(),
      profile: z.enum(CHATWOOT_VERSIONS),
      asVersion: z.boolean(),
      label: z.string(),
    }),
    twin: z.object({ profile: z.enum(CHATWOOT_VERSIONS), label: z.string() }),
    probes: z.array(DriftProbeResult),
    summary: z.object({
      probes: z.number().int(),
      different: z.number().int(),
      /** Probes with at least one verdict-relevant difference. */
      verdictRelevant: z.number().int(),
    }),
    /** 0 no difference a verdict reads, 1 at least one. */
    exitCode: z.union([z.literal(0), z.literal(1)]),
  })
  .meta({
    title: 'evochat-matrix drift report',
    description: 'The contract probes run against an attached Chatwoot and the twin of its profile, side by side.',
  });
export type DriftReport = z.infer<typeof DriftReport>;
