import { z } from 'zod';
import { UsageError } from '../../errors/index.ts';
import { pathOption } from './option-fields.ts';

export const REPORT_FORMATS = ['terminal', 'junit', 'markdown', 'html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** `--format terminal,junit --format html`: the formats in order, each once. */
export function parseFormats(value: string | readonly string[]): ReportFormat[] {
  const names = (typeof value === 'string' ? [value] : value)
    .flatMap((entry) => entry.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (names.length === 0) throw new UsageError(`--format is empty; allowed: ${REPORT_FORMATS.join(',')}`);
  const unknown = names.filter((name) => !REPORT_FORMATS.includes(name as ReportFormat));
  if (unknown.length > 0) {
    throw new UsageError(`unknown --format ${unknown.map((name) => `"${name}"`).join(', ')}; allowed: ${REPORT_FORMATS.join(',')}`);
  }
  return [...new Set(names as ReportFormat[])];
}

export const ReportOptions = z
  .object({
    result: z.string().min(1).optional(),
    /** A folder of past results: render the compatibility table instead of one result. */
    history: pathOption,
    format: z
      .union([z.string(), z.array(z.string())])
      .default('terminal')
      .transform(parseFormats),
    out: pathOption,
    compare: pathOption,
  })
  .transform(({ format, ...rest }) => ({ ...rest, formats: format }));
export type ReportOptions = z.output<typeof ReportOptions>;
export type ReportOptionsInput = z.input<typeof ReportOptions>;
