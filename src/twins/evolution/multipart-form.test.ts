import { describe, expect, it } from 'vitest';
import { encodeMultipart, makeBoundary, parseMultipart, sdkFormParts } from './multipart-form.ts';

describe('multipart encoding like the form-data package', () => {
  it('makes a boundary of 26 dashes and 24 digits', () => {
    expect(makeBoundary()).toMatch(/^-{26}\d{24}$/);
    expect(makeBoundary(() => 0.55)).toBe(`${'-'.repeat(26)}${'5'.repeat(24)}`);
  });

  it('encodes field parts with only Content-Disposition and file parts with filename and type', () => {
    const form = encodeMultipart(
      [
        { name: 'content', value: 'héllo' },
        { name: 'attachments[]', filename: 'x.png', contentType: 'image/png', data: new Uint8Array([1, 2, 3]) },
      ],
      'B',
    );
    const body = Buffer.concat(form.chunks);
    expect(form.contentType).toBe('multipart/form-data; boundary=B');
    expect(form.length).toBe(body.length);
    expect(body.toString('latin1')).toBe(
      Buffer.from(
        '--B\r\nContent-Disposition: form-data; name="content"\r\n\r\nhéllo\r\n' +
          '--B\r\nContent-Disposition: form-data; name="attachments[]"; filename="x.png"\r\nContent-Type: image/png\r\n\r\n',
      ).toString('latin1') + '\x01\x02\x03\r\n--B--\r\n',
    );
    const parts = parseMultipart(body, form.contentType);
    expect(parts.map((p) => [p.name, p.filename, p.contentType, p.data.length])).toEqual([
      ['content', undefined, undefined, 6],
      ['attachments[]', 'x.png', 'image/png', 3],
    ]);
  });

  it('builds SDK parts: strings raw, others JSON, undefined/null dropped, arrays expanded', () => {
    const parts = sdkFormParts({
      content: 'hi',
      message_type: 'incoming',
      private: false,
      source_id: undefined,
      content_attributes: {},
      tags: ['a', 'b'],
      x: null,
    });
    expect(parts).toEqual([
      { name: 'content', value: 'hi' },
      { name: 'message_type', value: 'incoming' },
      { name: 'private', value: 'false' },
      { name: 'content_attributes', value: '{}' },
      { name: 'tags', value: 'a' },
      { name: 'tags', value: 'b' },
    ]);
  });
});
