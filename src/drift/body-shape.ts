/** A JSON value's type as the shape comparison sees it. */
export type JsonType = 'null' | 'string' | 'number' | 'boolean' | 'object' | 'array';

function typeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? type : 'object';
}

/** Deep enough for every field the probes rely on (`conversation.meta.sender.phone_number`), shallow enough to stay readable. */
const MAX_DEPTH = 5;

/**
 * The shape of a body: path → type, arrays as `path[]` with their elements merged (so ids, counts and values never
 * count, only which keys exist and of what type). A path whose elements disagree in type keeps the first non-null one.
 */
export function bodyShape(value: unknown): Map<string, JsonType> {
  const shape = new Map<string, JsonType>();
  const walk = (node: unknown, path: string, depth: number) => {
    const type = typeOf(node);
    const known = shape.get(path);
    if (path !== '' && (known === undefined || known === 'null')) shape.set(path, type);
    if (depth >= MAX_DEPTH) return;
    if (type === 'array') for (const item of node as unknown[]) walk(item, `${path}[]`, depth + 1);
    else if (type === 'object') for (const [key, child] of Object.entries(node as object)) walk(child, path === '' ? key : `${path}.${key}`, depth + 1);
  };
  walk(value, '', 0);
  return shape;
}

/** Whether `path` is one of `relies` or under one (`payload[].id` is under `payload`). */
export function isRelied(path: string, relies: readonly string[]): boolean {
  return relies.some((relied) => path === relied || path.startsWith(`${relied}.`) || path.startsWith(`${relied}[]`));
}

/** The value at a dotted path (no arrays), for the `text` aspect of a probe's `values`. */
export function valueAt(json: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), json);
}
