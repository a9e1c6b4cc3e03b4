import { describe, expect, it } from 'vitest';
import { callMismatches, logMismatches, sequenceMismatches } from './call-sequence-fixture.ts';
import { callSequenceFixtureSchema, type ExpectedCall } from '../../../model/call-sequence.ts';
import type { RecordedCall } from './recording-chatwoot-server.ts';
import { encodeMultipart } from '../multipart-form.ts';

function recorded(overrides: Partial<RecordedCall> = {}): RecordedCall {
  const form = encodeMultipart([{ name: 'content', value: 'init' }], `${'-'.repeat(26)}${'1'.repeat(24)}`);
  const body = Buffer.concat(form.chunks);
  return {
    method: 'POST',
    path: '/api/v1/accounts/1/conversations/1/messages',
    query: '',
    rawHeaders: [
      ['api_access_token', 't'],
      ['content-type', form.contentType],
      ['transfer-encoding', 'chunked'],
    ],
    headers: { api_access_token: 't', 'content-type': form.contentType, 'transfer-encoding': 'chunked' },
    body,
    json: undefined,
    parts: [
      { name: 'content', filename: undefined, headers: ['Content-Disposition: form-data; name="content"'], contentType: undefined, data: Buffer.from('init') },
    ],
    status: 200,
    ...overrides,
  };
}

const expected: ExpectedCall = {
  method: 'POST',
  path: '/api/v1/accounts/1/conversations/1/messages',
  query: '',
  headers: { api_access_token: 't' },
  headerPatterns: { 'content-type': '^multipart/form-data; boundary=-{26}\\d{24}$' },
  rawHeaderNames: ['content-type'],
  absentHeaders: ['authorization'],
  framing: 'chunked',
  multipart: [{ name: 'content', value: 'init' }],
};

describe('call-sequence comparison', () => {
  it('accepts a matching call', () => {
    expect(callMismatches(recorded(), expected)).toEqual([]);
  });

  it.each([
    ['path', { path: '/api/v1/accounts/1/conversations/1/messages/' }],
    ['query', { query: 'page=1' }],
    ['header value', { headers: { api_access_token: 'x', 'content-type': 'multipart/form-data; boundary=b', 'transfer-encoding': 'chunked' } }],
    ['header casing', { rawHeaders: [['Content-Type', 'multipart/form-data']] as Array<[string, string]> }],
    [
      'an extra header',
      {
        headers: {
          api_access_token: 't',
          authorization: 'Bearer t',
          'content-type': 'multipart/form-data; boundary=' + '-'.repeat(26) + '1'.repeat(24),
          'transfer-encoding': 'chunked',
        },
      },
    ],
    [
      'framing',
      { headers: { api_access_token: 't', 'content-type': 'multipart/form-data; boundary=' + '-'.repeat(26) + '1'.repeat(24), 'content-length': '10' } },
    ],
    [
      'part value',
      {
        parts: [
          {
            name: 'content',
            filename: undefined,
            headers: ['Content-Disposition: form-data; name="content"'],
            contentType: undefined,
            data: Buffer.from('init:5511'),
          },
        ],
      },
    ],
    [
      'part headers',
      {
        parts: [
          {
            name: 'content',
            filename: undefined,
            headers: ['Content-Disposition: form-data; name="content"', 'Content-Type: text/plain'],
            contentType: 'text/plain',
            data: Buffer.from('init'),
          },
        ],
      },
    ],
  ])('reports a different %s', (_what, overrides) => {
    expect(callMismatches(recorded(overrides as Partial<RecordedCall>), expected)).not.toEqual([]);
  });

  it('compares sequences in order, or as a multiset for order "any"', () => {
    const other = recorded({
      method: 'GET',
      path: '/api/v1/accounts/1/inboxes',
      headers: { api_access_token: 't' },
      rawHeaders: [['api_access_token', 't']],
      parts: undefined,
    });
    const otherExpected: ExpectedCall = {
      method: 'GET',
      path: '/api/v1/accounts/1/inboxes',
      query: '',
      headers: {},
      headerPatterns: {},
      rawHeaderNames: [],
      absentHeaders: [],
      framing: 'none',
    };
    const base = { version: '1.7.4', flow: 'x', description: 'x', chatwootStyle: '3.7' };
    const strict = callSequenceFixtureSchema.parse({ ...base, calls: [otherExpected, expected] });
    const any = callSequenceFixtureSchema.parse({ ...base, order: 'any', calls: [otherExpected, expected] });
    expect(sequenceMismatches([other, recorded()], strict)).toEqual([]);
    expect(sequenceMismatches([recorded(), other], strict)).not.toEqual([]);
    expect(sequenceMismatches([recorded(), other], any)).toEqual([]);
    expect(sequenceMismatches([recorded()], any)).not.toEqual([]);
  });

  it('checks log expectations on ANSI-free, space-collapsed text', () => {
    const fixture = callSequenceFixtureSchema.parse({
      version: '1.7.4',
      flow: 'x',
      description: 'x',
      chatwootStyle: '3.8',
      calls: [],
      logs: { contains: ['ERROR [ChatwootService] [object]'], absent: ['[unhandledRejection]'] },
    });
    expect(logMismatches(['\x1b[31m ERROR \x1b[0m   \x1b[33m[ChatwootService]\x1b[0m  [object]'], fixture)).toEqual([]);
    expect(logMismatches(['WARN [ChatwootService] [string] x'], fixture)).toHaveLength(1);
    expect(logMismatches(['ERROR [ChatwootService] [object]', 'ERROR [unhandledRejection] [object]'], fixture)).toHaveLength(1);
  });
});
