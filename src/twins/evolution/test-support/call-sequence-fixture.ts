import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { callSequenceFixtureSchema, type CallSequenceFixture, type ExpectedCall } from '../../../model/call-sequence.ts';
import type { RecordedCall } from './recording-chatwoot-server.ts';
import type { SentRecord } from '../../whatsapp/simulated-whatsapp.ts';
import { stripAnsi } from '../evolution-logger.ts';

/** fixtures/call-sequences/: one folder per Evolution version, one `<flow>.json` per flow. */
export const FIXTURE_ROOT = fileURLToPath(new URL('../../../../fixtures/call-sequences/', import.meta.url));

export function loadCallSequenceFixture(path: string): CallSequenceFixture {
  return callSequenceFixtureSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

function framingOf(call: RecordedCall): ExpectedCall['framing'] {
  if (call.headers['transfer-encoding'] === 'chunked') return 'chunked';
  if (call.headers['content-length'] !== undefined) return 'content-length';
  return 'none';
}

/** Mismatches between one recorded call and its expectation (empty when it matches). */
export function callMismatches(call: RecordedCall, expected: ExpectedCall): string[] {
  const problems: string[] = [];
  const at = `${expected.method} ${expected.path}`;
  if (call.method !== expected.method) problems.push(`${at}: method ${call.method}`);
  if (call.path !== expected.path) problems.push(`${at}: path ${call.path}`);
  if (call.query !== expected.query) problems.push(`${at}: query "${call.query}"`);
  for (const [name, value] of Object.entries(expected.headers)) {
    const actual = call.headers[name.toLowerCase()];
    if (actual !== value) problems.push(`${at}: header ${name} = ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}`);
  }
  for (const [name, pattern] of Object.entries(expected.headerPatterns)) {
    const actual = call.headers[name.toLowerCase()];
    if (actual === undefined || !new RegExp(pattern).test(actual)) problems.push(`${at}: header ${name} = ${JSON.stringify(actual)} !~ /${pattern}/`);
  }
  for (const name of expected.rawHeaderNames) {
    if (!call.rawHeaders.some(([raw]) => raw === name)) {
      problems.push(`${at}: no header spelled "${name}" (got ${call.rawHeaders.map(([raw]) => raw).join(', ')})`);
    }
  }
  for (const name of expected.absentHeaders) {
    if (call.headers[name.toLowerCase()] !== undefined) problems.push(`${at}: header ${name} must be absent`);
  }
  const framing = framingOf(call);
  if (framing !== expected.framing) problems.push(`${at}: framing ${framing}, expected ${expected.framing}`);
  if (expected.answeredStatus !== undefined && call.status !== expected.answeredStatus) problems.push(`${at}: answered ${call.status}`);
  if ('json' in expected && expected.json !== undefined) {
    if (JSON.stringify(call.json) !== JSON.stringify(expected.json)) {
      problems.push(`${at}: json ${JSON.stringify(call.json)}, expected ${JSON.stringify(expected.json)}`);
    }
  }
  if (expected.multipart) {
    const parts = call.parts ?? [];
    if (parts.length !== expected.multipart.length) {
      problems.push(`${at}: ${parts.length} parts (${parts.map((p) => p.name).join(',')}), expected ${expected.multipart.length}`);
    }
    expected.multipart.forEach((want, index) => {
      const part = parts[index];
      if (!part) return;
      if (part.name !== want.name) problems.push(`${at}: part ${index} name ${part.name}, expected ${want.name}`);
      if ('value' in want) {
        const value = part.data.toString('utf8');
        if (value !== want.value) problems.push(`${at}: part ${want.name} = ${JSON.stringify(value)}, expected ${JSON.stringify(want.value)}`);
        const onlyDisposition = part.headers.length === 1 && part.headers[0] === `Content-Disposition: form-data; name="${want.name}"`;
        if (!onlyDisposition) problems.push(`${at}: part ${want.name} headers ${JSON.stringify(part.headers)}`);
      } else {
        if (part.filename !== want.filename) problems.push(`${at}: part ${want.name} filename ${part.filename}, expected ${want.filename}`);
        if (part.contentType !== want.contentType) problems.push(`${at}: part ${want.name} type ${part.contentType}, expected ${want.contentType}`);
        if (want.png && !part.data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
          problems.push(`${at}: part ${want.name} is not a PNG`);
        }
        if (want.size !== undefined && part.data.length !== want.size) problems.push(`${at}: part ${want.name} size ${part.data.length}`);
      }
    });
  }
  return problems;
}

/** All mismatches between a recorded sequence and a fixture's calls. */
export function sequenceMismatches(calls: RecordedCall[], fixture: CallSequenceFixture): string[] {
  const summary = (list: Array<{ method: string; path: string }>) => list.map((c) => `${c.method} ${c.path}`);
  if (calls.length !== fixture.calls.length) {
    return [`expected ${fixture.calls.length} calls ${JSON.stringify(summary(fixture.calls))}, got ${calls.length} ${JSON.stringify(summary(calls))}`];
  }
  if (fixture.order === 'strict') return fixture.calls.flatMap((expected, index) => callMismatches(calls[index]!, expected));
  const remaining = [...calls];
  const problems: string[] = [];
  for (const expected of fixture.calls) {
    const index = remaining.findIndex((call) => callMismatches(call, expected).length === 0);
    if (index < 0) problems.push(`no recorded call matches ${expected.method} ${expected.path} ${JSON.stringify(expected.multipart ?? expected.json ?? '')}`);
    else remaining.splice(index, 1);
  }
  return problems;
}

/** Log lines with ANSI removed and runs of spaces collapsed, for `contains` checks. */
export function normaliseLog(lines: string[]): string {
  return lines.map((line) => stripAnsi(line).replace(/[ \t]+/g, ' ')).join('\n');
}

export function logMismatches(lines: string[], fixture: CallSequenceFixture): string[] {
  const text = normaliseLog(lines);
  return [
    ...fixture.logs.contains.filter((needle) => !text.includes(needle)).map((needle) => `log lacks ${JSON.stringify(needle)}`),
    ...fixture.logs.absent.filter((needle) => text.includes(needle)).map((needle) => `log must not contain ${JSON.stringify(needle)}`),
  ];
}

export function sentMismatches(sent: SentRecord[], fixture: CallSequenceFixture): string[] {
  if (!fixture.whatsappSent) return [];
  const actual = sent.map((record) => ({ kind: record.kind, to: record.to, ...(record.text !== undefined ? { text: record.text } : {}) }));
  return JSON.stringify(actual) === JSON.stringify(fixture.whatsappSent)
    ? []
    : [`WhatsApp sent ${JSON.stringify(actual)}, expected ${JSON.stringify(fixture.whatsappSent)}`];
}
