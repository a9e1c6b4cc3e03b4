import { describe, expect, it } from 'vitest';
import type { NormalisedExpectation } from '../matrix/matrix-config.ts';
import { cellExpectation, expectedBreakFor } from './expectations.ts';

const contactId: NormalisedExpectation = {
  when: { chatwoot: ['3.8.0', '3.9.0'], evolution: ['1.7.4'], storage: ['local', 'minio'] },
  scenarios: ['bot-command/status-round-trip'],
  reason: 'contact_id',
  references: ['chatwoot#8239'],
};
const faults: NormalisedExpectation = {
  when: { chatwoot: ['3.7.0', '3.8.0', '3.9.0'], evolution: ['1.7.4', '1.7.5'], storage: ['minio'] },
  scenarios: ['config-faults/slow-storage'],
  reason: 'slow',
  references: ['chatwoot#8277', 'chatwoot#8239'],
};

describe('expectations', () => {
  it('match a scenario only in the cells they cover', () => {
    expect(expectedBreakFor([contactId, faults], { chatwoot: '3.8.0', evolution: '1.7.4', storage: 'local' }, 'bot-command/status-round-trip')).toBe(contactId);
    expect(expectedBreakFor([contactId, faults], { chatwoot: '3.7.0', evolution: '1.7.4', storage: 'local' }, 'bot-command/status-round-trip')).toBeUndefined();
    expect(expectedBreakFor([contactId, faults], { chatwoot: '3.8.0', evolution: '1.7.5', storage: 'local' }, 'bot-command/status-round-trip')).toBeUndefined();
    expect(expectedBreakFor([contactId, faults], { chatwoot: '3.7.0', evolution: '1.7.5', storage: 'local' }, 'config-faults/slow-storage')).toBeUndefined();
  });

  it('merge every covering expectation for the cell', () => {
    expect(cellExpectation([contactId, faults], { chatwoot: '3.9.0', evolution: '1.7.4', storage: 'minio' })).toEqual({
      scenarios: ['bot-command/status-round-trip', 'config-faults/slow-storage'],
      reason: 'contact_id / slow',
      references: ['chatwoot#8239', 'chatwoot#8277'],
    });
    expect(cellExpectation([contactId], { chatwoot: '3.7.0', evolution: '1.7.4', storage: 'minio' })).toBeUndefined();
  });
});
