import { z } from 'zod';

/** What the recording proxy's probe endpoint takes and answers (src/evidence/probe.ts); the evidence client reads it. */
export const ProbeRequest = z.object({
  url: z.string().url(),
  /** Follow 3xx Location headers like a browser or axios would (default true). */
  followRedirects: z.boolean().default(true),
  timeoutMs: z.number().int().positive().max(60_000).default(15_000),
});
export type ProbeRequest = z.input<typeof ProbeRequest>;

export const ProbeResult = z.object({
  url: z.string(),
  hops: z.array(z.object({ url: z.string(), status: z.number(), location: z.string().optional() })),
  status: z.number().optional(),
  contentType: z.string().optional(),
  bytes: z.number().optional(),
  sha256: z.string().optional(),
  error: z.string().optional(),
  durationMs: z.number(),
});
export type ProbeResult = z.infer<typeof ProbeResult>;
