import { describe, expect, it } from 'vitest';
import { applyTestcontainersDefaults } from './testcontainers-env.ts';

describe('applyTestcontainersDefaults', () => {
  it('disables Ryuk and reaches published ports on 127.0.0.1 unless the user said otherwise', () => {
    const env: NodeJS.ProcessEnv = { TESTCONTAINERS_HOST_OVERRIDE: 'docker.internal' };
    expect(applyTestcontainersDefaults(env)).toEqual(['TESTCONTAINERS_RYUK_DISABLED']);
    expect(env).toEqual({ TESTCONTAINERS_HOST_OVERRIDE: 'docker.internal', TESTCONTAINERS_RYUK_DISABLED: 'true' });
    expect(applyTestcontainersDefaults(env)).toEqual([]);
  });
});
