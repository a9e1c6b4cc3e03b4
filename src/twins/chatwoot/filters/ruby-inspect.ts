import { jsString } from '../../js-string.ts';

/**
 * Ruby's `Array#to_s` (= `inspect`) of filter values, which 3.x's filter_service.rb compares a column
 * with for an operator it has no branch for (`= :value` with `filter_values(...).to_s`): `["open"]`,
 * `[0]`, `[nil]`. Postgres then fails to cast it for an integer column (500, §M) and never matches text.
 */
export function rubyInspect(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (Array.isArray(value)) return `[${value.map(rubyInspect).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${JSON.stringify(k)}=>${rubyInspect(v)}`)
      .join(', ')}}`;
  }
  return jsString(value);
}
