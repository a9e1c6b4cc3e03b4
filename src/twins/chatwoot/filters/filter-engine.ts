import type { ChatwootProfile } from '../version-profile.ts';
import { HttpProblem, railsPublicError } from '../http/http-problem.ts';
import { isPlainObject, type ParamValue } from '../http/request-params.ts';
import { queryOperatorText, textsFor } from '../locales.ts';
import { filterKeysFor, type FilterKey, type FilterModel } from './filter-keys.ts';
import { jsString } from '../../js-string.ts';

/** How the filter reads one row; `undefined`/`null` behave like SQL NULL. */
export interface FilterRowAccess<T> {
  column(row: T, key: string): unknown;
  additionalAttribute(row: T, key: string): unknown;
  customAttribute(row: T, key: string): unknown;
  labels(row: T): string[];
  /**
   * 3.7.0 only: what computing a condition's values raises before the key is looked up (contacts'
   * `country_code` with no values calls `nil.downcase`, §M). Throw the given error to answer 500.
   */
  beforeLookup?(key: string, operator: string, values: unknown, fail: (message: string) => Error): void;
  /**
   * Maps raw values to what the SQL compares (status names → enum ints, `+` for phone numbers…).
   * `operator` is one the string builder knows, or `unknown` for its `else` branch (`filter_values(...).to_s`).
   */
  filterValues(key: string, operator: string, values: unknown[]): unknown[];
}

export interface FilterRequest {
  profile: ChatwootProfile;
  model: FilterModel;
  payload: ParamValue | undefined;
  /** The account's locale: the language of 3.8+ 422 messages (chatwoot-3.7-3.9.md §2.4). */
  accountLocale: string;
  /** Keys of the account's custom attribute definitions for this model. */
  customAttributeKeys: ReadonlySet<string>;
  now: number;
  /** Called for the Rails log when the built SQL would not parse (→ 500). */
  onSqlError?: (message: string) => void;
}

type Predicate<T> = (row: T) => boolean;

interface Condition {
  attributeKey: string;
  operator: string;
  values: unknown;
  queryOperator: unknown;
}

const PRESENCE_OPERATORS = new Set(['is_present', 'is_not_present']);
/**
 * Operators filter_service.rb#filter_operation has a branch for; any other takes its `else` branch
 * (`= :value`), `starts_with` included although the 3.8+ YAML allows it for phone_number.
 */
const KNOWN_OPERATORS = new Set([
  'equal_to',
  'not_equal_to',
  'contains',
  'does_not_contain',
  'is_present',
  'is_not_present',
  'is_greater_than',
  'is_less_than',
  'days_before',
]);
/**
 * Columns Postgres stores as integers: a non-numeric value is an SQL error (500), not a mismatch.
 * `priority` is an integer enum whose filter values are passed raw (filter_service.rb#filter_values maps
 * only status): `high` → 500, `2` → high (measured on 3.8.0).
 */
const INTEGER_COLUMNS = new Set(['assignee_id', 'inbox_id', 'team_id', 'display_id', 'campaign_id', 'contact_id', 'status', 'priority']);

/** Rails' `.blank?`. */
function blank(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return false;
}

function sqlError(request: FilterRequest, message: string): HttpProblem {
  request.onSqlError?.(message);
  return railsPublicError(500);
}

/** An error Postgres raises when the query runs, i.e. after every condition was built and validated. */
class PgError extends Error {}

function readConditions(request: FilterRequest): Condition[] {
  // `params[:payload].each_with_index` on nil or a scalar: NoMethodError → 500.
  if (!Array.isArray(request.payload)) throw sqlError(request, "NoMethodError (undefined method `each_with_index' for nil:NilClass)");
  return request.payload.map((item) => {
    const raw = isPlainObject(item) ? item : {};
    return {
      attributeKey: typeof raw.attribute_key === 'string' ? raw.attribute_key : jsString(raw.attribute_key ?? ''),
      operator: typeof raw.filter_operator === 'string' ? raw.filter_operator : jsString(raw.filter_operator ?? ''),
      values: raw.values,
      queryOperator: raw.query_operator,
    };
  });
}

const isNull = (value: unknown) => value === undefined || value === null;
const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function likeMatch(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

function dateValue(request: FilterRequest, raw: unknown): number {
  const parsed = Date.parse(String(raw));
  if (Number.isNaN(parsed)) throw new PgError(`PG::InvalidDatetimeFormat: ERROR:  invalid input syntax for type timestamp: "${String(raw)}"`);
  return parsed;
}

/** Compares a row value with a filter value the way Postgres would after Rails quoted it. */
function sameValue(rowValue: unknown, filterValue: unknown, caseInsensitive: boolean): boolean {
  if (isNull(rowValue) || isNull(filterValue)) return false;
  if (typeof rowValue === 'number') return Number(filterValue) === rowValue;
  if (typeof rowValue === 'boolean') return jsString(filterValue).toLowerCase() === String(rowValue);
  const a = text(rowValue);
  const b = text(filterValue);
  return caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function buildPredicate<T>(
  request: FilterRequest,
  access: FilterRowAccess<T>,
  condition: Condition,
  read: (row: T) => unknown,
  options: { caseInsensitive: boolean; integerColumn: boolean; labels?: boolean },
): Predicate<T> {
  const rawValues = Array.isArray(condition.values) ? condition.values : isNull(condition.values) ? [] : undefined;
  if (rawValues === undefined && !PRESENCE_OPERATORS.has(condition.operator)) {
    throw sqlError(request, `NoMethodError (undefined method \`map' for ${JSON.stringify(condition.values)})`);
  }
  const knownOperator = KNOWN_OPERATORS.has(condition.operator);
  const values = access.filterValues(condition.attributeKey, knownOperator ? condition.operator : 'unknown', rawValues ?? []);
  if (options.integerColumn && (['equal_to', 'not_equal_to'].includes(condition.operator) || !knownOperator)) {
    for (const value of values) {
      if (!isNull(value) && !/^\s*-?\d+\s*$/.test(jsString(value))) {
        throw new PgError(`PG::InvalidTextRepresentation: ERROR:  invalid input syntax for type integer: "${jsString(value)}"`);
      }
    }
  }
  // `integer ILIKE ANY (ARRAY[…])` does not exist in Postgres (display_id `contains`, or 3.7.0's status; measured 500).
  if (options.integerColumn && (condition.operator === 'contains' || condition.operator === 'does_not_contain')) {
    throw new PgError('PG::UndefinedFunction: ERROR:  operator does not exist: integer ~~* text');
  }
  const hasNullValue = values.some(isNull);

  if (options.labels) {
    const wanted = values.map((v) => String(v).toLowerCase());
    switch (condition.operator) {
      case 'not_equal_to':
        return (row) => !access.labels(row).some((label) => wanted.includes(label.toLowerCase()));
      case 'is_present':
        return (row) => access.labels(row).length > 0;
      case 'is_not_present':
        return (row) => access.labels(row).length === 0;
      default:
        return (row) => access.labels(row).some((label) => wanted.includes(label.toLowerCase()));
    }
  }

  switch (knownOperator ? condition.operator : 'unknown') {
    case 'not_equal_to':
      // `x NOT IN (…, NULL)` is never true; NULL columns never match either.
      return (row) => {
        const value = read(row);
        return !hasNullValue && !isNull(value) && !values.some((v) => sameValue(value, v, options.caseInsensitive));
      };
    case 'contains':
      return (row) => {
        const value = read(row);
        return !isNull(value) && values.some((v) => !isNull(v) && likeMatch(text(value), jsString(v)));
      };
    case 'does_not_contain':
      return (row) => {
        const value = read(row);
        return !isNull(value) && values.every((v) => !isNull(v) && !likeMatch(text(value), jsString(v)));
      };
    case 'is_present':
      return (row) => !isNull(read(row)) && read(row) !== '';
    case 'is_not_present':
      return (row) => isNull(read(row)) || read(row) === '';
    case 'is_greater_than': {
      const limit = dateValue(request, values[0]);
      return (row) => typeof read(row) === 'number' && (read(row) as number) > limit;
    }
    case 'is_less_than': {
      const limit = dateValue(request, values[0]);
      return (row) => typeof read(row) === 'number' && (read(row) as number) < limit;
    }
    case 'days_before': {
      const days = Number(values[0]);
      if (!Number.isFinite(days)) throw new PgError(`PG::InvalidTextRepresentation: ERROR:  invalid input syntax for type interval: "${String(values[0])}"`);
      const limit = request.now - days * 86_400_000;
      return (row) => typeof read(row) === 'number' && (read(row) as number) < limit;
    }
    default:
      // equal_to, and any unknown operator: the string builder's `else` is `= :value` with the mapped values.
      return (row) => {
        const value = read(row);
        return values.some((v) => sameValue(value, v, options.caseInsensitive));
      };
  }
}

/** The 3.8+ checks of filter_helper.rb, in order: operator, then values, then key (§1.3). */
function validateCondition(request: FilterRequest, condition: Condition, known: FilterKey | undefined, allowedKeys: string): void {
  const texts = textsFor(request.accountLocale);
  if (known && !known.operators.includes(condition.operator)) {
    throw new HttpProblem(422, { error: texts.invalidOperator(condition.attributeKey, known.operators.join(',')) });
  }
  if (!PRESENCE_OPERATORS.has(condition.operator) && blank(condition.values)) {
    throw new HttpProblem(422, { error: texts.invalidValue(condition.attributeKey) });
  }
  if (!known && !request.customAttributeKeys.has(condition.attributeKey)) {
    throw new HttpProblem(422, { error: texts.invalidAttribute(condition.attributeKey, allowedKeys) });
  }
}

/**
 * 3.16.0+ `validate_query_operator`, over the whole payload before any condition is built: nil or empty passes, a
 * string must upcase to AND/OR (422), anything else raises NoMethodError on `.upcase`/`.empty?` (500, Inference;
 * chatwoot-3.10-4.x.md §1.3).
 */
function validateQueryOperators(request: FilterRequest, conditions: readonly Condition[], check: 'english-only' | 'translated'): void {
  for (const { queryOperator } of conditions) {
    if (isNull(queryOperator)) continue;
    if (typeof queryOperator === 'string') {
      if (queryOperator === '' || ['AND', 'OR'].includes(queryOperator.toUpperCase())) continue;
      throw new HttpProblem(422, { error: queryOperatorText(request.accountLocale, check) });
    }
    if ((Array.isArray(queryOperator) || isPlainObject(queryOperator)) && blank(queryOperator)) continue;
    throw sqlError(request, `NoMethodError (undefined method \`upcase' for ${JSON.stringify(queryOperator)})`);
  }
}

/**
 * Runs a conversations/contacts filter against rows (chatwoot-3.7-3.9.md §1). The upstream SQL is
 * `<fragment> <query_operator> <fragment> …`; this mirrors its outcomes: AND binds tighter than OR,
 * a missing or bogus joiner is an SQL syntax error (500), and in 3.7.0 an unknown key without a
 * custom attribute is dropped together with its query_operator.
 */
export function runFilter<T>(request: FilterRequest, access: FilterRowAccess<T>, rows: readonly T[]): T[] {
  const keys = filterKeysFor(request.profile, request.model);
  const allowedKeys = keys.map((k) => k.key).join(',');
  const validating = request.profile.validatesFilters;
  const built: { predicate: Predicate<T>; joiner: unknown }[] = [];
  let deferred: PgError | undefined;
  const attempt = (build: () => Predicate<T>): Predicate<T> => {
    try {
      return build();
    } catch (error) {
      if (!(error instanceof PgError)) throw error;
      deferred ??= error;
      return () => false;
    }
  };

  const conditions = readConditions(request);
  const check = request.profile.queryOperatorCheck;
  if (check !== 'none') validateQueryOperators(request, conditions, check);
  for (const condition of conditions) {
    const known = keys.find((k) => k.key === condition.attributeKey);
    if (validating) validateCondition(request, condition, known, allowedKeys);
    // 3.7.0 computes every condition's values before it looks the key up (filter_operation first).
    else access.beforeLookup?.(condition.attributeKey, condition.operator, condition.values, (message) => sqlError(request, message));
    if (known) {
      const read =
        known.attributeType === 'additional_attributes' ? (row: T) => access.additionalAttribute(row, known.key) : (row: T) => access.column(row, known.key);
      built.push({
        predicate: attempt(() =>
          buildPredicate(request, access, condition, read, {
            caseInsensitive: known.dataType !== 'number' && known.key !== 'status' && known.key !== 'priority',
            integerColumn: INTEGER_COLUMNS.has(known.key),
            labels: known.dataType === 'labels',
          }),
        ),
        joiner: condition.queryOperator,
      });
    } else if (request.customAttributeKeys.has(condition.attributeKey)) {
      built.push({
        predicate: attempt(() =>
          buildPredicate(request, access, condition, (row) => access.customAttribute(row, condition.attributeKey), {
            caseInsensitive: true,
            integerColumn: false,
          }),
        ),
        joiner: condition.queryOperator,
      });
    }
    // else (3.7.0 only; 3.8+ raised above): custom_attribute_query returns ' ' — condition and joiner vanish.
  }

  const groups: Predicate<T>[][] = [[]];
  built.forEach((entry, index) => {
    groups.at(-1)!.push(entry.predicate);
    const last = index === built.length - 1;
    const joiner = typeof entry.joiner === 'string' ? entry.joiner.trim().toUpperCase() : entry.joiner;
    if (last) {
      if (!blank(joiner)) throw sqlError(request, 'PG::SyntaxError: ERROR:  syntax error at end of input');
      return;
    }
    if (joiner === 'OR') groups.push([]);
    else if (joiner !== 'AND') throw sqlError(request, `PG::SyntaxError: ERROR:  syntax error at or near "${jsString(entry.joiner ?? '')}"`);
  });
  // 3.7.0: every condition dropped leaves `AND ( )` in the query (§M); an empty payload adds nothing.
  if (built.length === 0 && conditions.length > 0) throw sqlError(request, 'PG::SyntaxError: ERROR:  syntax error at or near ")"');
  // Postgres parses before it casts values: a syntax error wins over a bad value.
  if (deferred) throw sqlError(request, deferred.message);
  if (built.length === 0) return [...rows];
  return rows.filter((row) => groups.some((group) => group.every((predicate) => predicate(row))));
}
