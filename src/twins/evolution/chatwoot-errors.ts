import { STATUS_CODES } from 'node:http';

/**
 * The Chatwoot SDK's error for a non-2xx answer (evolution-api-1.7.md §3.0, [replayed]):
 * message from a per-endpoint map over the defaults, 'Generic Error' for unmapped codes (e.g. 422).
 * Printed by the logger as `ApiError: Generic Error … { url, status: 422, statusText: 'Unprocessable Entity', body, request }`.
 */
export class ApiError extends Error {
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  readonly body: unknown;
  readonly request: Record<string, unknown>;

  constructor(message: string, init: { url: string; status: number; statusText: string; body: unknown; request: Record<string, unknown> }) {
    super(message);
    this.url = init.url;
    this.status = init.status;
    this.statusText = init.statusText;
    this.body = init.body;
    this.request = init.request;
  }
}
// Named like the SDK's class and with `name` on the prototype, so the logged dump starts with
// "ApiError: Generic Error" exactly as upstream's does.
Object.defineProperty(ApiError.prototype, 'name', { value: 'ApiError', configurable: true, writable: true });

export const SDK_DEFAULT_ERROR_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function sdkErrorMessage(status: number, endpointMessages: Readonly<Record<number, string>> = {}): string {
  return endpointMessages[status] ?? SDK_DEFAULT_ERROR_MESSAGES[status] ?? 'Generic Error';
}

export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? '';
}

/**
 * What axios throws for a network failure (both the SDK's axios 0.27 and Evolution's own axios 1.x)
 * or, from the uploads, for a non-2xx answer ("Request failed with status code 401", §3f).
 */
export class AxiosError extends Error {
  readonly code: string | undefined;
  readonly config: { method: string; url: string };
  declare readonly response?: { status: number; statusText: string; data: unknown };
  /** Mirrors the HTTP status where there is one, so a route rethrowing it answers with it. */
  declare readonly status?: number;

  constructor(
    message: string,
    init: { code: string | undefined; config: { method: string; url: string }; response?: { status: number; statusText: string; data: unknown } },
  ) {
    super(message);
    this.code = init.code;
    this.config = init.config;
    if (init.response) Object.defineProperty(this, 'response', { value: init.response, enumerable: true });
    if (init.response) Object.defineProperty(this, 'status', { value: init.response.status, enumerable: true });
  }
}
Object.defineProperty(AxiosError.prototype, 'name', { value: 'AxiosError', configurable: true, writable: true });
