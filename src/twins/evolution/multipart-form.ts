/**
 * multipart/form-data bodies as the `form-data` npm package builds them (what both the Chatwoot SDK
 * and Evolution's own axios uploads use, evolution-api-1.7.md §3.0 [replayed]/[ran]):
 * boundary of 26 dashes + 24 digits, each part `--b CRLF headers CRLF CRLF value CRLF`, field
 * parts carrying only `Content-Disposition`, file parts adding `; filename="…"` and `Content-Type`,
 * and a closing `--b-- CRLF`. The header goes out as lower-case `content-type`.
 */
export type FormPart = { name: string; value: string } | { name: string; filename: string; contentType: string; data: Uint8Array };

export interface EncodedForm {
  boundary: string;
  contentType: string;
  /** The body, chunked as form-data streams it: per-part header, value, line break. */
  chunks: Uint8Array[];
  length: number;
}

const CRLF = '\r\n';

export function makeBoundary(random: () => number = Math.random): string {
  let boundary = '--------------------------';
  for (let i = 0; i < 24; i += 1) boundary += Math.floor(random() * 10).toString(16);
  return boundary;
}

export function encodeMultipart(parts: readonly FormPart[], boundary: string): EncodedForm {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    let header = `--${boundary}${CRLF}Content-Disposition: form-data; name="${part.name}"`;
    if ('filename' in part) header += `; filename="${part.filename}"${CRLF}Content-Type: ${part.contentType}`;
    header += `${CRLF}${CRLF}`;
    chunks.push(encoder.encode(header));
    chunks.push('filename' in part ? part.data : encoder.encode(part.value));
    chunks.push(encoder.encode(CRLF));
  }
  chunks.push(encoder.encode(`--${boundary}--${CRLF}`));
  return {
    boundary,
    contentType: `multipart/form-data; boundary=${boundary}`,
    chunks,
    length: chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0),
  };
}

/**
 * The SDK's form building: string values raw, everything else JSON.stringify'd, undefined dropped,
 * arrays expanded into one part per element (§3.0 [replayed]).
 */
export function sdkFormParts(fields: Record<string, unknown>): FormPart[] {
  const parts: FormPart[] = [];
  const add = (name: string, value: unknown) => {
    if (value instanceof Uint8Array) {
      parts.push({ name, filename: 'blob', contentType: 'application/octet-stream', data: value });
      return;
    }
    parts.push({ name, value: typeof value === 'string' ? value : JSON.stringify(value) });
  };
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) value.forEach((item) => add(name, item));
    else add(name, value);
  }
  return parts;
}

/** Parses a multipart body (used by tests and the recording server). */
export interface ParsedPart {
  name: string;
  filename: string | undefined;
  /** Raw header lines of the part, in order. */
  headers: string[];
  contentType: string | undefined;
  data: Buffer;
}

export function parseMultipart(body: Buffer, contentType: string): ParsedPart[] {
  const boundaryMatch = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = boundaryMatch?.[1] ?? boundaryMatch?.[2];
  if (!boundary) throw new Error(`no boundary in content-type "${contentType}"`);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: ParsedPart[] = [];
  let position = body.indexOf(delimiter);
  while (position >= 0) {
    const afterDelimiter = position + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const headerStart = afterDelimiter + 2;
    const headerEnd = body.indexOf('\r\n\r\n', headerStart);
    if (headerEnd < 0) throw new Error('malformed multipart part: no header end');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error('malformed multipart body: no closing delimiter');
    const headers = body.subarray(headerStart, headerEnd).toString('utf8').split('\r\n');
    const disposition = headers.find((line) => /^content-disposition:/i.test(line)) ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const typeLine = headers.find((line) => /^content-type:/i.test(line));
    parts.push({
      name,
      filename,
      headers,
      contentType: typeLine?.replace(/^content-type:\s*/i, ''),
      data: body.subarray(headerEnd + 4, next),
    });
    position = next + 2;
  }
  return parts;
}
