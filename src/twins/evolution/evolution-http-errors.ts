/**
 * Evolution 1.7's HTTP exceptions and its Express error handler (evolution-api-1.7.md §2.1, §2.2).
 * Upstream throws plain objects `{status, error, message}`; the handler renders
 * `{status, error: err.error || 'Internal Server Error', response: {message: err.message || 'Internal Server Error'}}`
 * with HTTP status `err.status || 500`. Anything else with a `status` (a Chatwoot ApiError, a body
 * parser error) goes through the same rendering, which is why a Chatwoot 401 comes back as
 * `{"status":401,"error":"Internal Server Error","response":{"message":"Unauthorized"}}`.
 */
export class EvolutionHttpException {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly message: unknown,
  ) {}
}

/** What upstream throws on purpose: a plain object with a `status`, read by the error handler below. */
export type UpstreamThrown = EvolutionHttpException | { readonly status: number; readonly message: unknown };

/**
 * Throws `thrown` as it is, not wrapped in an Error. Upstream's exception constructors throw plain objects
 * (§2.1): its handler reads their `message` array, its logger prints them as `[object]` and `String()` of one
 * is "[object Object]" (§2.3, §3f); an Error would change all three.
 */
export function throwUpstream(thrown: UpstreamThrown): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- reproduces upstream's thrown plain objects (see above)
  throw thrown;
}

/** `BadRequestException(...objectError)`: the message is the array of arguments (§2.2). Throws, as upstream's constructor does. */
export function badRequest(...objectError: unknown[]): never {
  throwUpstream(new EvolutionHttpException(400, 'Bad Request', objectError.length > 0 ? objectError : undefined));
}

export function notFound(...objectError: unknown[]): never {
  throwUpstream(new EvolutionHttpException(404, 'Not Found', objectError.length > 0 ? objectError : undefined));
}

export function forbidden(...objectError: unknown[]): never {
  throwUpstream(new EvolutionHttpException(403, 'Forbidden', objectError.length > 0 ? objectError : undefined));
}

/** 401 with a plain-string message, not an array (§2.2). */
export function unauthorized(): never {
  throwUpstream(new EvolutionHttpException(401, 'Unauthorized', 'Unauthorized'));
}

export interface RenderedError {
  status: number;
  body: { status: number; error: string; response: { message: unknown } };
}

export function renderHttpError(thrown: unknown): RenderedError {
  const record = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as Record<string, unknown>;
  const rawStatus = record.status;
  const status = typeof rawStatus === 'number' && rawStatus >= 100 && rawStatus <= 599 ? rawStatus : 500;
  const error = typeof record.error === 'string' && record.error ? record.error : 'Internal Server Error';
  const message = record.message ? record.message : 'Internal Server Error';
  return { status, body: { status, error, response: { message } } };
}
