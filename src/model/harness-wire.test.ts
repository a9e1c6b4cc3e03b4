import { describe, expect, it } from 'vitest';
import { formatScenarioTag, parseScenarioTag } from './harness-wire.ts';

describe('scenario tag', () => {
  it('round-trips a cell and a scenario id, whatever characters they hold', () => {
    for (const tag of [
      { cell: 'cw3.7.0-evo1.7.5-local', id: 'qr-delivery/qr-image-posted' },
      { cell: 'attach prod', id: 'auth/ok ünïcode' },
    ]) {
      const value = formatScenarioTag(tag);
      expect(value).toMatch(/^[\x21-\x7e]+ [\x21-\x7e]+$/);
      expect(parseScenarioTag(value)).toEqual(tag);
    }
  });

  it('ignores what is not a tag: no scenario is recorded rather than a wrong one', () => {
    for (const value of [undefined, '', 'one-part', 'a b c', '%E0%A4%A b', `${'x'.repeat(600)} y`, ['a b']]) {
      expect(parseScenarioTag(value as string | undefined)).toBeUndefined();
    }
  });
});
