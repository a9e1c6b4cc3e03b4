import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from './redact.ts';
import { createRedactedFileStream } from './redacting-stream.ts';

const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length) await rm(dirs.pop()!, { recursive: true, force: true });
});

describe('redacted file stream', () => {
  it('redacts whole lines, also when a secret arrives split across two writes, and keeps the last partial line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'redacted-stream-'));
    dirs.push(dir);
    const file = join(dir, 'vitest.log');
    const stream = createRedactedFileStream(file, createRedactor(['cw-token-123456']));
    stream.write('AssertionError: expected {"hmac_token":"Xo9pL2mN3bV4cX5zA6sD7fG8"}\nsent cw-tok');
    stream.write('en-123456 again\ntail without newline cw-token-123456');
    await stream.close();
    expect(await readFile(file, 'utf8')).toBe(
      `AssertionError: expected {"hmac_token":"${REDACTED}"}\nsent ${REDACTED} again\ntail without newline ${REDACTED}`,
    );
  });
});
