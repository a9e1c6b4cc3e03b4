/** One part of a multipart/form-data body. */
export interface MultipartPart {
  name: string;
  /** Present for file parts. */
  filename: string | undefined;
  /** '' when the part carried no Content-Type (the SDK's parts; Rack then leaves it nil). */
  contentType: string;
  data: Buffer;
}

export class MultipartError extends Error {}

function boundaryOf(contentType: string): string {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new MultipartError('multipart body without a boundary');
  return boundary;
}

function dispositionParam(disposition: string, key: string): string | undefined {
  const pattern = new RegExp(`(?:^|;)\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i');
  const match = pattern.exec(disposition);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]?.trim();
}

/**
 * Parses multipart/form-data as Rack does, keeping what WHATWG FormData would hide: a file part
 * without Content-Type stays '' (FormData reports text/plain), so the blob type can be detected
 * from the bytes like ActiveStorage does. Works on the already size-limited body.
 */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw new MultipartError('multipart body without its boundary');
  for (;;) {
    position += delimiter.length;
    if (body[position] === 0x2d && body[position + 1] === 0x2d) return parts;
    if (body[position] === 0x0d && body[position + 1] === 0x0a) position += 2;
    else throw new MultipartError('malformed multipart delimiter');
    const headerEnd = body.indexOf('\r\n\r\n', position);
    if (headerEnd < 0) throw new MultipartError('multipart part without headers end');
    const headers = new Map<string, string>();
    for (const line of body.subarray(position, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const dataStart = headerEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), dataStart);
    if (next < 0) throw new MultipartError('multipart part without a closing boundary');
    const disposition = headers.get('content-disposition') ?? '';
    const name = dispositionParam(disposition, 'name');
    if (name !== undefined) {
      parts.push({
        name,
        filename: dispositionParam(disposition, 'filename'),
        contentType: headers.get('content-type') ?? '',
        data: body.subarray(dataStart, next),
      });
    }
    position = next + 2;
  }
}
