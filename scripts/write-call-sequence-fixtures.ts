/**
 * Regenerates fixtures/call-sequences/<version>/<flow>.json from the twin's current behaviour:
 *   npx tsx scripts/write-call-sequence-fixtures.ts [flow…]
 * Only after a deliberate change, and review the diff against evolution-api-1.7.md: the fixtures
 * are the reviewed expectation the tests hold the twin to, not a snapshot to refresh blindly.
 * Descriptions and log expectations are kept from the existing file.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVOLUTION_VERSIONS } from '../src/model/axes.ts';
import { CALL_SEQUENCE_FLOWS, chatwootStyleOf, runCallSequenceFlow, type CallSequenceFlow } from '../src/twins/evolution/test-support/call-sequence-flows.ts';
import type { RecordedCall } from '../src/twins/evolution/test-support/recording-chatwoot-server.ts';
import { FIXTURE_ROOT } from '../src/twins/evolution/test-support/call-sequence-fixture.ts';
import { stopKitDatabase } from '../src/twins/evolution/test-support/kit-database.ts';
import type { ExpectedCall } from '../src/model/call-sequence.ts';

function expectedFrom(call: RecordedCall): ExpectedCall {
  const isUpload = call.headers.authorization === undefined && call.headers.api_access_token !== undefined;
  const isMultipart = (call.headers['content-type'] ?? '').startsWith('multipart/form-data');
  const headers: Record<string, string> = {};
  const keep = isUpload ? ['accept', 'api_access_token', 'user-agent'] : ['accept', 'authorization', 'api_access_token', 'user-agent'];
  for (const name of keep) if (call.headers[name] !== undefined) headers[name] = call.headers[name]!;
  if (!isMultipart && call.headers['content-type'] !== undefined) headers['content-type'] = call.headers['content-type'];
  const framing = call.headers['transfer-encoding'] === 'chunked' ? 'chunked' : call.headers['content-length'] !== undefined ? 'content-length' : 'none';
  const expected: ExpectedCall = {
    method: call.method as ExpectedCall['method'],
    path: call.path,
    query: call.query,
    headers,
    headerPatterns: isMultipart ? { 'content-type': '^multipart/form-data; boundary=-{26}\\d{24}$' } : {},
    rawHeaderNames: isMultipart ? ['api_access_token', 'content-type'] : ['api_access_token'],
    absentHeaders: isUpload ? ['authorization'] : isMultipart ? ['content-length'] : call.method === 'GET' ? ['content-type'] : [],
    framing,
    answeredStatus: call.status,
  };
  if (call.json !== undefined) expected.json = call.json;
  if (call.parts) {
    expected.multipart = call.parts.map((part) =>
      part.filename === undefined
        ? { name: part.name, value: part.data.toString('utf8') }
        : {
            name: part.name,
            filename: part.filename,
            contentType: part.contentType ?? '',
            ...(part.contentType === 'image/png' ? { png: true } : { size: part.data.length }),
          },
    );
  }
  return expected;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2) as CallSequenceFlow[];
  const flows = wanted.length > 0 ? wanted : [...CALL_SEQUENCE_FLOWS];
  for (const version of EVOLUTION_VERSIONS) {
    for (const flow of flows) {
      const run = await runCallSequenceFlow(version, flow);
      const path = join(FIXTURE_ROOT, version, `${flow}.json`);
      const previous = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
      const fixture = {
        version,
        flow,
        description: previous.description ?? 'TODO: describe',
        chatwootStyle: chatwootStyleOf(flow),
        order: previous.order ?? 'strict',
        calls: run.calls.map(expectedFrom),
        logs: previous.logs ?? { contains: [], absent: [] },
        ...(run.sent.length > 0 || previous.whatsappSent
          ? { whatsappSent: run.sent.map((record) => ({ kind: record.kind, to: record.to, ...(record.text !== undefined ? { text: record.text } : {}) })) }
          : {}),
      };
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify(fixture, null, 2)}\n`);
      process.stdout.write(`${path}: ${run.calls.length} calls\n`);
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main()
    .finally(stopKitDatabase)
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
