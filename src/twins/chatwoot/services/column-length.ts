import type { ValidationErrors } from '../http/http-problem.ts';

/** ApplicationRecord#validates_column_content_length: 255 for string columns, 20,000 for text. */
export const STRING_COLUMN_MAX = 255;
export const TEXT_COLUMN_MAX = 20_000;

/**
 * Adds "X is too long (maximum is N characters)" for each over-long value, in the given (column)
 * order. It runs before the model's own validations (a before_validation of ApplicationRecord), so
 * its errors come first. Ruby counts characters (code points), not UTF-16 units.
 */
export function stringColumnErrors(
  errors: ValidationErrors,
  columns: ReadonlyArray<readonly [attribute: string, humanName: string, value: string | null | undefined, max?: number]>,
): void {
  for (const [attribute, humanName, value, max = STRING_COLUMN_MAX] of columns) {
    if (value === null || value === undefined) continue;
    if ([...value].length > max) errors.add(attribute, `${humanName} is too long (maximum is ${max} characters)`);
  }
}
