import { z } from 'zod';
import { LogExcerpt, ScenarioStatus } from './result-schema.ts';

/** ScenarioOutcome (scenario-outcome.ts) as a shard writes it, for merge to assemble again. */
export const ScenarioOutcomeRecord = z.object({
  cellId: z.string(),
  id: z.string(),
  suite: z.string(),
  title: z.string(),
  seedSymptom: z.string(),
  status: ScenarioStatus,
  durationMs: z.number(),
  startedAt: z.string().optional(),
  message: z.string().optional(),
  errorCode: z.string().optional(),
  skipReason: z.string().optional(),
  decisive: z
    .object({ kind: z.enum(['exchange', 'log']), exchangeId: z.string().optional(), service: z.string().optional(), line: z.string().optional() })
    .optional(),
  evidenceScope: z.object({ markers: z.array(z.string()), exchangeIds: z.array(z.string()) }).optional(),
});

/**
 * `cells/<id>/shard-input.json` beside a shard's result: what assembleResult got for the cell and result.json
 * does not keep whole (the raw outcomes and the log excerpts; the exchanges are in exchanges.json). merge
 * assembles the cells of every shard again from these, with the code a single run uses.
 */
export const ShardCellInput = z.object({
  cellId: z.string(),
  outcomes: z.array(ScenarioOutcomeRecord),
  /** Absent when no evidence was collected for the cell (its services never started). */
  logs: z.array(LogExcerpt).optional(),
});
export type ShardCellInput = z.infer<typeof ShardCellInput>;

export const SHARD_INPUT_FILE = 'shard-input.json';
