import type { z } from 'zod';
import type { ConfigIssue } from '../errors/index.ts';
import { toDottedPath, valueAtPath } from './dotted-path.ts';

type ZodIssue = z.core.$ZodIssue;

/** Loosely typed view of a zod schema's definition, enough to find the keys an object accepts. */
interface SchemaDef {
  type?: string;
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  element?: { _zod: { def: SchemaDef } };
  innerType?: { _zod: { def: SchemaDef } };
  in?: { _zod: { def: SchemaDef } };
  options?: Array<{ _zod: { def: SchemaDef } }>;
}

function unwrap(def: SchemaDef): SchemaDef {
  let current = def;
  for (let i = 0; i < 10; i++) {
    const inner = current.innerType ?? current.in;
    if (!inner) break;
    current = inner._zod.def;
  }
  return current;
}

/** The keys the object schema at `path` accepts (for "unknown key" messages), if it is an object. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let def = unwrap((schema as unknown as { _zod: { def: SchemaDef } })._zod.def);
  for (const segment of path) {
    if (def.type === 'array' && def.element) def = unwrap(def.element._zod.def);
    else if (def.type === 'object' && def.shape && typeof segment === 'string' && def.shape[segment]) def = unwrap(def.shape[segment]._zod.def);
    else if (def.type === 'union' && def.options) {
      const objectOption = def.options.map((o) => unwrap(o._zod.def)).find((o) => o.type === 'object' || o.type === 'array');
      if (!objectOption) return undefined;
      def = objectOption;
      if (def.type === 'array' && def.element) def = unwrap(def.element._zod.def);
      if (def.type === 'object' && def.shape && typeof segment === 'string' && def.shape[segment]) def = unwrap(def.shape[segment]._zod.def);
    } else return undefined;
  }
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}

/**
 * Of a union's alternatives, the one that got furthest: the deepest first problem, and among equals
 * one not rejected for its very type (so ["3.8.0","4.0.0"] is reported at [1], not as "not a string").
 */
function bestUnionBranch(branches: ZodIssue[][]): ZodIssue[] {
  const score = (issues: ZodIssue[]) => {
    const depth = Math.min(...issues.map((issue) => issue.path.length));
    const typeMismatch = issues.some((issue) => issue.code === 'invalid_type' && issue.path.length === 0);
    return depth * 2 + (typeMismatch ? 0 : 1);
  };
  return [...branches].sort((a, b) => score(b) - score(a))[0] ?? [];
}

/**
 * zod issues → ConfigIssues with dotted paths, the offending value and, where the schema knows
 * them, the allowed values (enums) or keys (strict objects).
 */
export function toConfigIssues(issues: readonly ZodIssue[], input: unknown, schema: z.ZodType, prefix: readonly PropertyKey[] = []): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const value = valueAtPath(input, path);
    switch (issue.code) {
      case 'invalid_union':
        out.push(...toConfigIssues(bestUnionBranch(issue.errors), input, schema, path));
        break;
      case 'unrecognized_keys': {
        const allowed = knownKeysAt(schema, path);
        for (const key of issue.keys) {
          const keyPath = [...path, key];
          out.push({
            path: toDottedPath(keyPath),
            message: 'unknown key',
            value: valueAtPath(input, keyPath),
            ...(allowed ? { allowed } : {}),
          });
        }
        break;
      }
      case 'invalid_value':
        out.push({ path: toDottedPath(path), message: 'not an allowed value', value, allowed: issue.values });
        break;
      case 'invalid_type':
        out.push(
          value === undefined
            ? { path: toDottedPath(path), message: `missing (expected ${issue.expected})` }
            : { path: toDottedPath(path), message: `expected ${issue.expected}`, value },
        );
        break;
      // Said in zod's own words.
      case 'custom':
      case 'invalid_key':
      case 'too_big':
      case 'too_small':
      case 'invalid_format':
      case 'not_multiple_of':
      case 'invalid_element':
      default:
        out.push({ path: toDottedPath(path), message: issue.message, value });
    }
  }
  return out;
}
