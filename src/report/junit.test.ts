import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../model/result-schema.ts';
import { compareResults } from './history.ts';
import { JUNIT_CAPS, renderJunit } from './junit.ts';
import { HOSTILE_TEXT, RED_CELL_BODY_TEXT, RED_CELL_ID, findExecutable, hostileResult, hugeResult, loadFixture } from './test-support/result-fixtures.ts';

const XSD = fileURLToPath(new URL('../../fixtures/junit/junit.xsd', import.meta.url));

interface Node {
  [key: string]: unknown;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: '#text',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});

function suites(xml: string): Node[] {
  const document = parser.parse(xml) as { testsuites: { testsuite: Node[] } };
  return document.testsuites.testsuite;
}

function suiteOf(xml: string | Node[], cellId: string): Node {
  const all = typeof xml === 'string' ? suites(xml) : xml;
  const suite = all.find((candidate) => (candidate.testcase as Node[])[0]?.classname === cellId);
  if (!suite) throw new Error(`no testsuite for ${cellId}`);
  return suite;
}

function properties(suite: Node): Record<string, string> {
  const list = (suite.properties as { property: { name: string; value: string }[] }).property;
  return Object.fromEntries(list.map((property) => [property.name, property.value]));
}

function testcase(suite: Node, name: string): Node {
  const found = (suite.testcase as Node[]).find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no testcase ${name}`);
  return found;
}

describe('renderJunit', () => {
  const sample = loadFixture('sample-result');
  const xml = renderJunit(sample, { hostname: 'ci-runner' });

  it('writes one testsuite per cell, named by its versions and storage', () => {
    const all = suites(xml);
    expect(all).toHaveLength(12);
    expect(all.map((suite) => suite.name)).toContain('chatwoot-3.8.0 × evolution-1.7.4 × minio');
    expect(all.map((suite) => suite.id)).toEqual(all.map((_, index) => String(index)));
    expect(all.every((suite) => suite.hostname === 'ci-runner' && suite.timestamp === '2026-11-26T02:00:00')).toBe(true);
  });

  it('puts versions, backend, stand-ins, verdict and images into properties', () => {
    const props = properties(suiteOf(xml, RED_CELL_ID));
    expect(props).toMatchObject({
      chatwoot: '3.9.0',
      evolution: '1.7.5',
      storage: 'minio',
      backend: 'sim',
      images: 'in-process twins',
      standIns: 'true',
      verdict: 'unexpected-break',
      'image:chatwoot': 'twin:chatwoot@3.9.0',
    });
  });

  it('puts image digests into properties for the docker backend', () => {
    const docker = renderJunit(loadFixture('docker-upstream-result'), { hostname: 'h' });
    const props = properties(suiteOf(docker, 'cw3.8.0-evo1.7.4-local'));
    expect(props).toMatchObject({
      backend: 'docker',
      images: 'upstream',
      standIns: 'false',
      'image:chatwoot/chatwoot:v3.8.0': 'sha256:1111111111111111111111111111111111111111111111111111111111111111',
    });
  });

  it('writes one testcase per scenario with classname = cell id and name = scenario id, and correct counts and times', () => {
    const all = suites(xml);
    for (const cell of sample.cells) {
      const suite = suiteOf(all, cell.id);
      const cases = suite.testcase as Node[];
      expect(cases.map((item) => item.name)).toEqual(cell.scenarios.map((scenario) => scenario.id));
      expect(cases.every((item) => item.classname === cell.id)).toBe(true);
      expect(cases.map((item) => item.time)).toEqual(cell.scenarios.map((scenario) => (scenario.durationMs / 1000).toFixed(3)));
      expect(suite.tests).toBe(String(cases.length));
      expect(suite.failures).toBe(String(cases.filter((item) => item.failure !== undefined).length));
      expect(suite.errors).toBe(String(cases.filter((item) => item.error !== undefined).length));
      expect(suite.skipped).toBe(String(cases.filter((item) => item.skipped !== undefined).length));
      expect(suite.time).toBe((cell.durationMs / 1000).toFixed(3));
    }
  });

  it('reports a break as failure typed by its error code, with diagnosis, remedy and the decisive exchange', () => {
    const failure = testcase(suiteOf(xml, RED_CELL_ID), 'bot-command/status-round-trip').failure as Node;
    expect(failure.type).toBe('EVOCHAT_E_UPSTREAM_RESPONSE');
    expect(failure.message).toMatch(/^unexpected break: Chatwoot 3\.9 refuses a message/);
    const text = failure['#text'] as string;
    expect(text).toContain('Diagnosis (chatwoot-message-rate-limit)');
    expect(text).toContain('Remedy: Reuse fewer conversations');
    expect(text).toContain('Decisive exchange:');
    expect(text).toContain('POST http://127.0.0.1:4139/api/v1/accounts/3/conversations/5/messages');
    expect(text).toContain('HTTP 422');
    expect(text).toContain(RED_CELL_BODY_TEXT);
    expect(text).toContain('api_access_token: [REDACTED]');
    expect(text).toContain('exchanges: cells/cw3.9.0-evo1.7.5-minio/exchanges.json');
  });

  it('marks expected breaks as such in the failure message', () => {
    const failure = testcase(suiteOf(xml, 'cw3.8.0-evo1.7.4-local'), 'filter-contract/bot-conversation-lookup').failure as Node;
    expect(failure.message).toMatch(/^expected break: Chatwoot ≥ 3\.8 answers 422/);
    expect(failure['#text']).toContain('Invalid attribute key - [contact_id]');
  });

  it('reports infrastructure as error, and a skip with its reason', () => {
    const infra = testcase(suiteOf(xml, 'cw3.8.0-evo1.7.5-minio'), 'attachment-storage/object-in-bucket').error as Node;
    expect(infra.type).toBe('EVOCHAT_E_SERVICE_START');
    expect(infra.message).toBe('stack did not start: minio did not become healthy within 60 s');
    const skipped = testcase(suiteOf(xml, 'cw3.7.0-evo1.7.4-local'), 'config-faults/slow-storage').skipped as Node;
    expect(skipped.message).toBe('no S3 link to slow down (local storage)');
  });

  it('reports an unexpected pass as a failure, and a fault that broke as designed as passed', () => {
    const base = loadFixture('sample-result');
    const changed: RunResult = {
      ...base,
      cells: base.cells.map((cell) =>
        cell.id !== 'cw3.7.0-evo1.7.4-local'
          ? cell
          : {
              ...cell,
              scenarios: cell.scenarios.map((scenario) =>
                scenario.id === 'auth/chatwoot-token-accepted'
                  ? { ...scenario, verdict: 'unexpected-pass' as const }
                  : scenario.id === 'filter-contract/bot-conversation-lookup'
                    ? {
                        ...scenario,
                        kind: 'fault' as const,
                        status: 'break' as const,
                        verdict: 'expected-break' as const,
                        message: 'webhook went to //chatwoot/webhook',
                      }
                    : scenario,
              ),
            },
      ),
    };
    const suite = suiteOf(renderJunit(changed, { hostname: 'h' }), 'cw3.7.0-evo1.7.4-local');
    expect((testcase(suite, 'auth/chatwoot-token-accepted').failure as Node).type).toBe('unexpected-pass');
    const fault = testcase(suite, 'filter-contract/bot-conversation-lookup');
    expect(fault.failure).toBeUndefined();
    expect(suite['system-out']).toContain('Injected faults that broke as designed');
  });

  it('records a compare change as a property', () => {
    const compared = compareResults(loadFixture('sample-result'), loadFixture('previous-result'));
    const props = properties(suiteOf(renderJunit(compared, { hostname: 'h' }), RED_CELL_ID));
    expect(props).toMatchObject({ change: 'newly-broken', previousVerdict: 'pass' });
  });

  it('escapes hostile text through the XML builder and drops characters XML cannot carry', () => {
    const hostile = renderJunit(hostileResult(), { hostname: 'h' });
    expect(hostile).not.toContain('\u001b');
    expect(hostile).not.toContain('\u0007');
    expect(hostile).not.toContain('<script>');
    const failure = testcase(suiteOf(hostile, RED_CELL_ID), 'bot-command/status-round-trip').failure as Node;
    expect(failure.message).toContain('</details> ]]> <!--');
    expect(failure['#text']).toContain('message </script><script>alert(1)</script>');
    expect(failure['#text']).toContain('red');
  });

  it('caps huge evidence with a visible marker instead of dropping it', () => {
    const huge = renderJunit(hugeResult(), { hostname: 'h' });
    const failure = testcase(suiteOf(huge, RED_CELL_ID), 'bot-command/status-round-trip').failure as Node;
    const text = failure['#text'] as string;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(JUNIT_CAPS.detailBytes + 100);
    expect(text).toMatch(/… truncated \(\d+ bytes more\)/);
    expect(Buffer.byteLength(huge)).toBeLessThan(2 * 1024 * 1024);
  });
});

const xmllint = findExecutable('xmllint');
const mustValidate = xmllint !== undefined || process.env.CI !== undefined;
if (!mustValidate) {
  console.warn('junit.test.ts: xmllint not installed (Debian: apt-get install -y libxml2-utils); XSD validation skipped. In CI (CI set) it runs and fails.');
}

describe.skipIf(!mustValidate)('junit.xml against the JUnit XSD (xmllint --schema; needs libxml2-utils)', () => {
  const run = promisify(execFile);
  let dir: string;
  beforeAll(async () => {
    if (!xmllint) throw new Error('xmllint not found on PATH: install libxml2-utils (.ci/run must install it)');
    dir = await mkdtemp(join(tmpdir(), 'evochat-junit-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function validate(result: RunResult, name: string): Promise<{ code: number; output: string }> {
    const file = join(dir, `${name}.xml`);
    await writeFile(file, renderJunit(result, { hostname: 'ci-runner' }));
    try {
      const { stdout, stderr } = await run(xmllint ?? 'xmllint', ['--noout', '--schema', XSD, file]);
      return { code: 0, output: `${stdout}${stderr}` };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  }

  it.each([
    ['sample', () => loadFixture('sample-result')],
    ['docker-upstream', () => loadFixture('docker-upstream-result')],
    ['compared', () => compareResults(loadFixture('sample-result'), loadFixture('previous-result'))],
    ['hostile', hostileResult],
    ['huge', () => hugeResult(256 * 1024)],
  ])('the %s result validates', async (name, make) => {
    const { code, output } = await validate(make(), name);
    expect(output).toContain('validates');
    expect(code).toBe(0);
  });

  it('the XSD rejects what the format forbids (so the check can fail)', async () => {
    const file = join(dir, 'invalid.xml');
    // A testcase without time and a timestamp with a time zone: both invalid per the schema.
    const valid = renderJunit(loadFixture('docker-upstream-result'), { hostname: 'h' });
    await writeFile(file, valid.replace(/ time="[0-9.]+"\/>/, '/>').replace(/timestamp="([^"]+)"/, 'timestamp="$1Z"'));
    const outcome = await run(xmllint ?? 'xmllint', ['--noout', '--schema', XSD, file]).then(
      () => 'valid',
      (error: { stderr?: string }) => error.stderr ?? 'invalid',
    );
    expect(outcome).toContain('fails to validate');
    expect(HOSTILE_TEXT).toContain(']]>');
  });
});
