import { z } from 'zod';
import { EVOLUTION_VERSIONS } from './axes.ts';

/**
 * Expected Evolution → Chatwoot call sequences, kept as JSON under fixtures/call-sequences/<version>/<flow>.json.
 * A call lists what must hold on the wire: method, path (trailing slash included), raw query,
 * exact header values, header value patterns, header names with their exact casing, headers that
 * must be absent, the body framing, and the JSON body or the multipart parts.
 */
const multipartPartSchema = z.union([
  z.object({ name: z.string(), value: z.string() }).strict(),
  z
    .object({
      name: z.string(),
      filename: z.string(),
      contentType: z.string(),
      /** The file starts with the PNG signature. */
      png: z.boolean().optional(),
      size: z.number().int().optional(),
    })
    .strict(),
]);

export const expectedCallSchema = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
    path: z.string(),
    query: z.string().default(''),
    headers: z.record(z.string(), z.string()).default({}),
    headerPatterns: z.record(z.string(), z.string()).default({}),
    rawHeaderNames: z.array(z.string()).default([]),
    absentHeaders: z.array(z.string()).default([]),
    framing: z.enum(['none', 'chunked', 'content-length']),
    json: z.unknown().optional(),
    multipart: z.array(multipartPartSchema).optional(),
    /** The status the recording server answered with (documents the scenario). */
    answeredStatus: z.number().int().optional(),
  })
  .strict();
export type ExpectedCall = z.infer<typeof expectedCallSchema>;

export const callSequenceFixtureSchema = z
  .object({
    version: z.enum(EVOLUTION_VERSIONS),
    flow: z.string(),
    description: z.string(),
    /** Which Chatwoot behaviour the recorder played for conversations/filter. */
    chatwootStyle: z.enum(['3.7', '3.8']),
    /** 'strict': calls in this order; 'any': the same calls in any order (concurrent upstream work). */
    order: z.enum(['strict', 'any']).default('strict'),
    calls: z.array(expectedCallSchema),
    logs: z
      .object({ contains: z.array(z.string()).default([]), absent: z.array(z.string()).default([]) })
      .strict()
      .default({ contains: [], absent: [] }),
    whatsappSent: z.array(z.object({ kind: z.enum(['text', 'media', 'revoke', 'read']), to: z.string(), text: z.string().optional() }).strict()).optional(),
  })
  .strict();
export type CallSequenceFixture = z.infer<typeof callSequenceFixtureSchema>;
