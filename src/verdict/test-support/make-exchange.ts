import type { Exchange } from '../../model/result-schema.ts';

/** Test-only: a recorded exchange with sensible defaults. */
export function makeExchange(
  overrides: {
    id?: string;
    link?: string;
    method?: string;
    url?: string;
    requestBody?: string;
    status?: number;
    responseBody?: string;
    error?: string;
    durationMs?: number;
    startedAt?: string;
  } = {},
): Exchange {
  const hasResponse = overrides.error === undefined;
  return {
    id: overrides.id ?? 'x1',
    link: overrides.link ?? 'evolution->chatwoot',
    startedAt: overrides.startedAt ?? '2026-11-26T10:00:00.000Z',
    durationMs: overrides.durationMs ?? 12,
    request: {
      method: overrides.method ?? 'GET',
      url: overrides.url ?? 'http://127.0.0.1:3000/api/v1/accounts/1/inboxes',
      headers: {},
      body: overrides.requestBody ?? '',
      bodyTruncated: false,
    },
    response: hasResponse ? { status: overrides.status ?? 200, headers: {}, body: overrides.responseBody ?? '{}', bodyTruncated: false } : null,
    ...(overrides.error !== undefined ? { error: overrides.error } : {}),
  };
}
