import { describe, expect, it } from 'vitest';
import { MultipartError, parseMultipart } from './multipart.ts';

const CRLF = '\r\n';

describe('parseMultipart', () => {
  it('keeps fields, files, a missing part Content-Type as empty, and binary bytes intact', () => {
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
    const body = Buffer.concat([
      Buffer.from(`--abc${CRLF}Content-Disposition: form-data; name="content"${CRLF}${CRLF}olá${CRLF}`),
      Buffer.from(`--abc${CRLF}Content-Disposition: form-data; name="attachments[]"; filename="q \\"x\\".png"${CRLF}${CRLF}`),
      binary,
      Buffer.from(
        `${CRLF}--abc${CRLF}Content-Disposition: form-data; name="attachments[]"; filename="a.txt"${CRLF}Content-Type: text/plain${CRLF}${CRLF}hi${CRLF}--abc--${CRLF}`,
      ),
    ]);
    const parts = parseMultipart(body, 'multipart/form-data; boundary="abc"');
    expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ['content', undefined, ''],
      ['attachments[]', 'q "x".png', ''],
      ['attachments[]', 'a.txt', 'text/plain'],
    ]);
    expect(parts[0]!.data.toString('utf8')).toBe('olá');
    expect(parts[1]!.data.equals(binary)).toBe(true);
  });

  it('rejects a body without boundary or closing delimiter', () => {
    expect(() => parseMultipart(Buffer.from('x'), 'multipart/form-data')).toThrow(MultipartError);
    expect(() => parseMultipart(Buffer.from(`--b${CRLF}Content-Disposition: form-data; name="a"${CRLF}${CRLF}x`), 'multipart/form-data; boundary=b')).toThrow(
      MultipartError,
    );
  });
});
