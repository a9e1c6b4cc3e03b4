/** Default cap of the recorded copy of one body; the forwarded stream itself is never capped. */
export const DEFAULT_MAX_RECORDED_BODY_BYTES = 64 * 1024;

/**
 * Keeps a bounded copy of a streamed body while counting every byte that passed, so a recording never
 * holds more than `limit` bytes however large the upload is.
 */
export class BodyCapture {
  private readonly chunks: Buffer[] = [];
  private captured = 0;
  total = 0;

  constructor(private readonly limit: number = DEFAULT_MAX_RECORDED_BODY_BYTES) {}

  push(chunk: Buffer | string): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.total += buffer.length;
    const room = this.limit - this.captured;
    if (room <= 0) return;
    const kept = buffer.length <= room ? buffer : buffer.subarray(0, room);
    this.chunks.push(Buffer.from(kept));
    this.captured += kept.length;
  }

  get truncated(): boolean {
    return this.total > this.captured;
  }

  buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const TEXTUAL = /^(text\/|application\/(json|[\w.+-]*\+json|xml|[\w.+-]*\+xml|x-www-form-urlencoded|javascript|problem\+json))/i;

/** Replaces control characters (other than tab, CR, LF) so a recorded body is readable and JSON-safe. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/g, '·');
}

function renderMultipart(body: Buffer, boundary: string): string {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  return text
    .split(delimiter)
    .map((part, index) => {
      if (index === 0 || part.startsWith('--')) return part;
      const headerEnd = part.indexOf('\r\n\r\n');
      if (headerEnd < 0) return printable(Buffer.from(part, 'latin1').toString('utf8'));
      const headers = part.slice(0, headerEnd);
      const content = part.slice(headerEnd + 4).replace(/\r\n$/, '');
      const contentType = /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1];
      const isFile = /filename=/i.test(headers) || (contentType !== undefined && !TEXTUAL.test(contentType));
      const rendered = isFile
        ? `<${Buffer.byteLength(content, 'latin1')} bytes${contentType ? ` ${contentType}` : ''}>`
        : Buffer.from(content, 'latin1').toString('utf8');
      return `${printable(Buffer.from(headers, 'latin1').toString('utf8'))}\r\n\r\n${printable(rendered)}\r\n`;
    })
    .join(delimiter);
}

/**
 * Renders a recorded body for an Exchange: text as text, multipart with its text fields readable and
 * file parts summarised, binary bodies as a size note (they would be noise in a report).
 */
export function renderBody(capture: BodyCapture, headers: Record<string, string | string[] | undefined>): string {
  if (capture.total === 0) return '';
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const contentType = header('content-type') ?? '';
  const encoding = header('content-encoding');
  if (encoding && encoding !== 'identity') return `<${capture.total} bytes, content-encoding ${encoding}>`;
  const body = capture.buffer();
  const boundary = /multipart\/[\w-]+;.*boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (boundary) return renderMultipart(body, boundary);
  if (contentType === '' || TEXTUAL.test(contentType)) {
    const text = body.toString('utf8');
    // A body without a content type that does not decode cleanly is binary after all.
    if (contentType === '' && text.includes('\ufffd')) return `<${capture.total} bytes>`;
    return printable(text);
  }
  return `<${capture.total} bytes ${contentType}>`;
}
