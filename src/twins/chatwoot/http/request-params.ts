import { HttpProblem, railsPublicError } from './http-problem.ts';
import { MultipartError, parseMultipart, type MultipartPart } from './multipart.ts';

/** A file part of a multipart body. */
export class UploadedFile {
  readonly filename: string;
  /** As sent by the client; '' when the part carried no Content-Type (Evolution's SDK parts, §3.0 of the Evolution sheet). */
  readonly contentType: string;
  readonly bytes: Buffer;

  constructor(filename: string, contentType: string, bytes: Buffer) {
    this.filename = filename;
    this.contentType = contentType;
    this.bytes = bytes;
  }
}

export type ParamValue = string | number | boolean | null | UploadedFile | ParamValue[] | { [key: string]: ParamValue };
export type Params = Record<string, ParamValue>;

/** Splits a Rack-style key: `user[name]` → ['user','name'], `attachments[]` → ['attachments',''] */
function keySegments(key: string): string[] {
  const first = key.indexOf('[');
  if (first <= 0) return [key];
  const segments = [key.slice(0, first)];
  const rest = key.slice(first);
  const pattern = /\[([^\]]*)\]/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(rest)) !== null) segments.push(match[1] ?? '');
  return segments;
}

/** Assigns one decoded form/query pair into nested params like Rack's query parser. */
export function assignNested(target: Params, key: string, value: ParamValue): void {
  const segments = keySegments(key);
  let container: Record<string, ParamValue> = target;
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index]!;
    const last = index === segments.length - 1;
    const nextIsArray = !last && segments[index + 1] === '';
    if (last) {
      container[segment] = value;
      return;
    }
    if (nextIsArray) {
      const existing = container[segment];
      const list = Array.isArray(existing) ? existing : [];
      container[segment] = list;
      // `a[]` (the only array form the integration uses); deeper `a[][b]` is flattened into values.
      list.push(value);
      return;
    }
    const existing = container[segment];
    const child: Record<string, ParamValue> =
      existing !== null && typeof existing === 'object' && !Array.isArray(existing) && !(existing instanceof UploadedFile)
        ? (existing as Record<string, ParamValue>)
        : {};
    container[segment] = child;
    container = child;
  }
}

export function parseQuery(search: URLSearchParams): Params {
  const params: Params = {};
  for (const [key, value] of search) assignNested(params, key, value);
  return params;
}

function isJsonType(contentType: string): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType) || /^text\/json\b/i.test(contentType);
}

/**
 * Reads the request body the way Rails' parameter parsers do: JSON, urlencoded and multipart are
 * parsed; any other content type leaves the body out of params (Rails ignores it, and the action
 * then fails on the missing fields). Malformed JSON or multipart → 400 like ActionDispatch's ParseError.
 */
export async function readBodyParams(request: Request): Promise<Params> {
  if (request.method === 'GET' || request.method === 'HEAD' || request.body === null) return {};
  const contentType = request.headers.get('content-type') ?? '';
  if (isJsonType(contentType)) {
    const text = await request.text();
    if (text.trim() === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw railsPublicError(400);
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Params;
    // Rails wraps a non-object JSON document in `_json`.
    return { _json: parsed as ParamValue };
  }
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    return parseQuery(new URLSearchParams(await request.text()));
  }
  if (/^multipart\/form-data\b/i.test(contentType)) {
    let parts: MultipartPart[];
    try {
      parts = parseMultipart(Buffer.from(await request.arrayBuffer()), contentType);
    } catch (error) {
      if (error instanceof MultipartError) throw railsPublicError(400);
      throw error;
    }
    const params: Params = {};
    for (const part of parts) {
      const value = part.filename === undefined ? part.data.toString('utf8') : new UploadedFile(part.filename, part.contentType, Buffer.from(part.data));
      assignNested(params, part.name, value);
    }
    return params;
  }
  // Drain so the connection can be reused, but do not interpret.
  await request.arrayBuffer().catch(() => undefined);
  return {};
}

export function isPlainObject(value: unknown): value is Record<string, ParamValue> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof UploadedFile);
}

/** `params[:x]` as a string, the way Rails would to_s a scalar; undefined for absent/nested values. */
export function stringParam(params: Params, key: string): string | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Rails' `.blank?` for params. */
export function isBlank(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return false;
}

/** ActiveModel::Type::Boolean cast: the listed false values, else true; blank → undefined. */
export function castBoolean(value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  return !['0', 'f', 'F', 'false', 'FALSE', 'off', 'OFF', 0].includes(value as never);
}

/** An id param as ActiveRecord's find would cast it ("12" and 12 alike); undefined when not an integer. */
export function idParam(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*\d+/.test(value)) return Number.parseInt(value, 10);
  return undefined;
}

export { HttpProblem };
