import { describe, expect, it } from 'vitest';
import { createCellClassifier, instanceNameOf } from './cell-classifier.ts';

describe('cell classifier', () => {
  const classify = createCellClassifier({
    accounts: new Map([
      [3, ['cell-a']],
      [4, ['cell-b']],
      [9, ['cell-a', 'cell-b']],
    ]),
    instancePrefixes: new Map([
      ['ea', 'cell-a'],
      ['eab', 'cell-b'],
    ]),
    fallback: ['cell-a', 'cell-b'],
  });

  it('uses the account id in Chatwoot API paths', () => {
    expect(classify({ method: 'POST', url: '/api/v1/accounts/3/conversations/filter' })).toEqual(['cell-a']);
    expect(classify({ method: 'GET', url: '/api/v1/accounts/4' })).toEqual(['cell-b']);
    expect(classify({ method: 'GET', url: '/api/v1/accounts/9/inboxes' })).toEqual(['cell-a', 'cell-b']);
  });

  it('prefers the instance name, longest prefix first, also behind a double slash', () => {
    expect(classify({ method: 'POST', url: '//chatwoot/webhook/eab-bot' })).toEqual(['cell-b']);
    expect(classify({ method: 'POST', url: '/chatwoot/webhook/ea-bot' })).toEqual(['cell-a']);
    expect(classify({ method: 'POST', url: '/message/sendText/ea%2Dx' })).toEqual(['cell-a']);
  });

  it('falls back when nothing names a cell', () => {
    expect(classify({ method: 'PUT', url: '/bucket/abc123' })).toEqual(['cell-a', 'cell-b']);
    expect(createCellClassifier({ accounts: new Map(), instancePrefixes: new Map() })({ method: 'GET', url: '/' })).toEqual([]);
  });

  it('finds instance names only in instance routes', () => {
    expect(instanceNameOf('/instance/connectionState/my%20inst')).toBe('my inst');
    expect(instanceNameOf('/api/v1/accounts/1/inboxes')).toBeUndefined();
  });
});
