import { describe, expect, it } from 'vitest';
import { mediaBucketFor } from './media-bucket.ts';

describe('mediaBucketFor', () => {
  it('is a valid S3 bucket name for any service id', () => {
    expect(mediaBucketFor('evolution-2.3.6-slow-media-store')).toBe('evolution-evolution-2-3-6-slow-media-store');
    const long = mediaBucketFor(`evolution-${'x'.repeat(80)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
  });
});
