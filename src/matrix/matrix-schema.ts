import { z } from 'zod';
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, STORAGES } from '../model/axes.ts';

/**
 * matrix.json: which cells run, with which suites and settings, and which breaks are expected.
 * The JSON Schema in schemas/matrix.schema.json is generated from this schema (`npm run schemas`).
 */
export const MATRIX_SCHEMA_PATH = 'schemas/matrix.schema.json';

const ChatwootVersion = z.enum(CHATWOOT_VERSIONS);
const EvolutionVersion = z.enum(EVOLUTION_VERSIONS);
const StorageKind = z.enum(STORAGES);

/** One value or a list of them; normalised to a list. */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).min(1)]);
}

export const ChatwootSettings = z
  .strictObject({
    defaultLocale: z
      .enum(['en', 'pt_BR'])
      .default('en')
      .meta({ description: 'Chatwoot DEFAULT_LOCALE: the language of the devise 401 (chatwoot-3.7-3.9.md §2.4).' }),
  })
  .meta({ description: 'Settings of every Chatwoot service.' });

export const EvolutionSettings = z
  .strictObject({
    language: z.enum(['en', 'pt-BR', 'es']).default('en').meta({ description: 'Evolution LANGUAGE: the language of the bot messages it posts to Chatwoot.' }),
    qrRefreshMs: z
      .number()
      .int()
      .positive()
      .default(40_000)
      .meta({ description: 'Twins only: how often the simulated WhatsApp issues a new QR code (Baileys: about 40 s).' }),
  })
  .meta({ description: 'Settings of every Evolution service.' });

export const StorageSettings = z
  .strictObject({
    latencyMs: z
      .number()
      .int()
      .nonnegative()
      .default(6_000)
      .meta({ description: "config-faults/slow-storage: latency added between Chatwoot and S3 (Chatwoot's webhook timeout is 5 s)." }),
  })
  .meta({ description: 'Settings of the object store.' });

export const MatrixSettings = z.strictObject({
  chatwoot: ChatwootSettings.default({ defaultLocale: 'en' }),
  evolution: EvolutionSettings.default({ language: 'en', qrRefreshMs: 40_000 }),
  storage: StorageSettings.default({ latencyMs: 6_000 }),
});
export type MatrixSettings = z.infer<typeof MatrixSettings>;

export const Expectation = z
  .strictObject({
    when: z
      .strictObject({
        chatwoot: oneOrMany(ChatwootVersion).optional(),
        evolution: oneOrMany(EvolutionVersion).optional(),
        storage: oneOrMany(StorageKind).optional(),
      })
      .default({})
      .meta({ description: 'The cells this expectation covers; an absent axis means every value.' }),
    scenarios: z.array(z.string()).min(1).meta({ description: 'Fully qualified scenario ids (`<suite>/<scenario>`) expected to break in those cells.' }),
    reason: z.string().min(1),
    references: z
      .array(z.string().regex(/^[a-z0-9-]+(#\d+| commit [0-9a-f]{7,40})$/, 'expected "project#123" or "project commit abcdef0"'))
      .default([])
      .meta({ description: 'Upstream references, e.g. "chatwoot#8239", "evolution#582", "chatwoot commit f78f278e".' }),
  })
  .meta({ description: 'Scenarios expected to break in some cells, and why.' });
export type Expectation = z.infer<typeof Expectation>;

export const MatrixFile = z
  .strictObject({
    $schema: z
      .string()
      .optional()
      .meta({ description: `Editor hint: ${MATRIX_SCHEMA_PATH}.` }),
    axes: z.strictObject({
      chatwoot: z.array(ChatwootVersion).min(1),
      evolution: z.array(EvolutionVersion).min(1),
      storage: z.array(StorageKind).min(1),
    }),
    suites: z.array(z.string()).optional().meta({ description: 'Suite ids to run (src/scenario/suite-catalog.ts); every suite when absent.' }),
    settings: MatrixSettings.default({
      chatwoot: { defaultLocale: 'en' },
      evolution: { language: 'en', qrRefreshMs: 40_000 },
      storage: { latencyMs: 6_000 },
    }),
    expectations: z.array(Expectation).default([]),
    jobs: z.number().int().positive().max(64).default(4).meta({ description: 'Cells / stacks started at once unless --jobs says otherwise.' }),
  })
  .meta({ title: 'evochat-matrix matrix file', description: 'Axes, suites, settings and expected breaks of a compatibility matrix run.' });
export type MatrixFileInput = z.input<typeof MatrixFile>;
export type MatrixFileParsed = z.output<typeof MatrixFile>;
