import { describe, expect, it } from 'vitest';
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, STORAGES } from '../model/axes.ts';
import { capabilitiesOf, instancePrefixFor } from './build-cell-stack.ts';

describe('cell stack helpers', () => {
  it('gives every cell a distinct instance prefix that no other prefix starts with', () => {
    const prefixes = CHATWOOT_VERSIONS.flatMap((chatwoot) =>
      EVOLUTION_VERSIONS.flatMap((evolution) => STORAGES.map((storage) => instancePrefixFor({ chatwoot, evolution, storage }))),
    );
    expect(new Set(prefixes).size).toBe(CHATWOOT_VERSIONS.length * EVOLUTION_VERSIONS.length * STORAGES.length);
    for (const prefix of prefixes) expect(prefixes.filter((other) => other !== prefix && other.startsWith(prefix))).toEqual([]);
    expect(instancePrefixFor({ chatwoot: '3.8.0', evolution: '1.7.4', storage: 'minio' })).toBe('c380e174minio-');
  });

  it('lists capabilities in a stable order', () => {
    expect(capabilitiesOf({ storageLatency: true, writes: true, evidence: true, whatsappPeer: false, s3Inspect: true })).toEqual([
      'evidence',
      'writes',
      's3Inspect',
      'storageLatency',
    ]);
  });
});
