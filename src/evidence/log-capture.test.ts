import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../common/redact.ts';
import { createLogCapture } from './log-capture.ts';

const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length) await rm(dirs.pop()!, { recursive: true, force: true });
});

describe('log capture', () => {
  it('keeps timestamped lines without colour codes in memory and on disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'log-capture-'));
    dirs.push(dir);
    let clock = 1000;
    const capture = createLogCapture({ service: 'evolution', file: join(dir, 'nested', 'evolution.log'), now: () => clock });
    capture.write('\u001b[31m[Evolution API]\u001b[0m ERROR [ChatwootService] [object]\nApiError: Generic Error\n');
    clock = 2000;
    capture.write('later line');
    expect(capture.lines()).toEqual(['[Evolution API] ERROR [ChatwootService] [object]', 'ApiError: Generic Error', 'later line']);
    expect(capture.entries({ since: 1500 }).map((e) => e.line)).toEqual(['later line']);
    expect(capture.entries({ since: new Date(1000).toISOString() })).toHaveLength(3);
    await capture.close();
    expect(await readFile(join(dir, 'nested', 'evolution.log'), 'utf8')).toBe(
      '[Evolution API] ERROR [ChatwootService] [object]\nApiError: Generic Error\nlater line\n',
    );
  });

  it('bounds memory and counts what it dropped', () => {
    const capture = createLogCapture({ service: 'chatwoot', maxLines: 3 });
    for (let i = 0; i < 5; i += 1) capture.write(`line ${i}`);
    expect(capture.lines()).toEqual(['line 2', 'line 3', 'line 4']);
    expect(capture.dropped).toBe(2);
  });

  it('writes the file redacted, and applies secrets registered after a line was written when it closes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'log-capture-'));
    dirs.push(dir);
    const file = join(dir, 'chatwoot.log');
    const redactor = createRedactor(['known-secret-1']);
    const capture = createLogCapture({ service: 'chatwoot', file, redactor });
    capture.write('uses known-secret-1 and late-secret-2');
    capture.write('body {"pubsub_token":"Rh3QwZjjMJ3rLRAnwR2PFAmG"} then Rh3QwZjjMJ3rLRAnwR2PFAmG');
    // A batch this large is written at once, before the next secret is known.
    const padding = '.'.repeat(256 * 1024);
    capture.write(padding);
    redactor.add('late-secret-2');
    await capture.close();
    expect(await readFile(file, 'utf8')).toBe(`uses ${REDACTED} and ${REDACTED}\nbody {"pubsub_token":"${REDACTED}"} then ${REDACTED}\n${padding}\n`);
    // Memory keeps the raw lines: readers redact with what they know then.
    expect(capture.lines()[0]).toBe('uses known-secret-1 and late-secret-2');
  });
});
