import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contactIdFilterRequest, loadConsumerExpectations } from './consumer-expectations.ts';

describe('consumer expectations (fixtures/call-sequences)', () => {
  it('Evolution 1.7.4 filters conversations by contact_id; 1.7.5 never does', async () => {
    const expectations = loadConsumerExpectations();
    const old = await expectations.requestsOf('1.7.4');
    const fixed = await expectations.requestsOf('1.7.5');
    expect(old && contactIdFilterRequest(old)).toMatchObject({ method: 'POST', path: expect.stringMatching(/\/conversations\/filter$/) });
    expect(fixed!.length).toBeGreaterThan(10);
    expect(contactIdFilterRequest(fixed!)).toBeUndefined();
  });

  it('a version without fixtures is unknown, not "does not send"', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'call-sequences-'));
    try {
      expect(await loadConsumerExpectations(empty).requestsOf('1.7.4')).toBeUndefined();
      expect(await loadConsumerExpectations().requestsOf('1.7.3')).toBeUndefined();
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
