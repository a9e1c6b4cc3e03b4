/** Reason phrases as Rack prints them in "Completed <status> <phrase>". */
export const STATUS_PHRASES: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

export type ProblemBody = Record<string, unknown> | string;

/**
 * An HTTP answer raised from deep inside a handler (auth, lookups, validation). The app's error
 * handler renders it; anything else thrown becomes Rails' generic 500.
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly body: ProblemBody;
  readonly contentType: string;

  constructor(status: number, body: ProblemBody, contentType = 'application/json; charset=utf-8') {
    super(typeof body === 'string' ? body : JSON.stringify(body));
    this.name = 'HttpProblem';
    this.status = status;
    this.body = body;
    this.contentType = contentType;
  }
}

export const RESOURCE_NOT_FOUND = { error: 'Resource could not be found' } as const;

/** ActiveRecord::RecordNotFound as Chatwoot's RequestExceptionHandler renders it (chatwoot-3.7-3.9.md §2.3). */
export function notFound(): HttpProblem {
  return new HttpProblem(404, RESOURCE_NOT_FOUND);
}

/** Pundit::NotAuthorizedError (§2.3): hard-coded English. */
export function notAuthorizedAction(): HttpProblem {
  return new HttpProblem(401, { error: 'You are not authorized to do this action' });
}

/** ActiveRecord::RecordInvalid as RequestExceptionHandler renders it (§2.3). */
export function recordInvalid(errors: ValidationErrors): HttpProblem {
  return new HttpProblem(422, { message: errors.fullMessages().join(', '), attributes: errors.attributeNames() });
}

/** Rails' public exception page for JSON requests (production): note the upper-case charset (measured). */
export function railsPublicError(status: number): HttpProblem {
  return new HttpProblem(status, { status, error: STATUS_PHRASES[status] ?? 'Error' }, 'application/json; charset=UTF-8');
}

/** `head :ok` in a JSON action: an empty body typed `application/json` without a charset (measured). */
export function headOk(): Response {
  return new Response(null, { status: 200, headers: { 'content-type': 'application/json' } });
}

/** Collects ActiveModel-style errors in validation order. */
export class ValidationErrors {
  private readonly entries: { attribute: string; fullMessage: string }[] = [];

  add(attribute: string, fullMessage: string): void {
    this.entries.push({ attribute, fullMessage });
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  fullMessages(): string[] {
    return this.entries.map((entry) => entry.fullMessage);
  }

  attributeNames(): string[] {
    return [...new Set(this.entries.map((entry) => entry.attribute))];
  }

  throwIfAny(): void {
    if (!this.empty) throw recordInvalid(this);
  }
}
