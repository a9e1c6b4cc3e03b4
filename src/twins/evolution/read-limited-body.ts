import { throwUpstream } from './evolution-http-errors.ts';

/**
 * Evolution 1.7's body parsers are Express' `json({limit:'136mb'})` and `urlencoded({limit:'136mb'})`
 * (main.ts@1.7.4; evolution-api-1.7.md §2.1). `bytes('136mb')` is 136 × 2^20.
 */
export const UPSTREAM_BODY_LIMIT_BYTES = 136 * 1024 * 1024;

/**
 * body-parser's PayloadTooLargeError as Evolution's error handler renders it: status 413, no `error` field (so
 * "Internal Server Error"), message "request entity too large".
 */
export const PAYLOAD_TOO_LARGE = { status: 413, message: 'request entity too large' } as const;

/** Reads the rest of a body and throws it away: memory stays flat however much comes. */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  for (;;) {
    const { done } = await reader.read();
    if (done) return;
  }
}

/**
 * The body as text, read as a stream and counted. Past `limit` bytes, whether announced by Content-Length (decided
 * before reading) or counted on a chunked body, nothing more is kept: the rest is read off the connection and
 * dropped, as body-parser's raw-body and its `dump(req)` do, and PAYLOAD_TOO_LARGE is thrown once the request
 * has ended — when upstream answers too.
 */
export async function readLimitedText(request: Request, limit: number): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await discard(reader);
    throwUpstream(PAYLOAD_TOO_LARGE);
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      chunks.length = 0;
      await discard(reader);
      throwUpstream(PAYLOAD_TOO_LARGE);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
