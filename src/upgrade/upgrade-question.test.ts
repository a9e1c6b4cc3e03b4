import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors/index.ts';
import { parseUpgradeQuestion } from './upgrade-question.ts';

describe('parseUpgradeQuestion', () => {
  it('moves one side, keeps the other, defaults to local storage', () => {
    expect(parseUpgradeQuestion({ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot@3.8.0' })).toEqual({
      current: { chatwoot: '3.7.0', evolution: '1.7.4' },
      target: { chatwoot: '3.8.0', evolution: '1.7.4' },
      storage: 'local',
      moved: ['chatwoot'],
    });
  });

  it('moves both sides and accepts a v prefix', () => {
    const question = parseUpgradeQuestion({ chatwoot: 'v3.7.0', evolution: '1.7.4', to: 'chatwoot@3.9.0, evolution@1.7.5', storage: 'minio' });
    expect(question.target).toEqual({ chatwoot: '3.9.0', evolution: '1.7.5' });
    expect(question.moved).toEqual(['chatwoot', 'evolution']);
    expect(question.storage).toBe('minio');
  });

  it('moves Evolution across generations (1.7.x → 2.x)', () => {
    expect(parseUpgradeQuestion({ chatwoot: '3.8.0', evolution: '1.7.4', to: 'evolution@2.3.6' })).toMatchObject({
      target: { chatwoot: '3.8.0', evolution: '2.3.6' },
      moved: ['evolution'],
    });
  });

  it.each([
    [
      { chatwoot: '3.6.0', evolution: '1.7.4', to: 'chatwoot@3.8.0' },
      /--chatwoot 3\.6\.0: unknown Chatwoot version \(known: 3\.7\.0, 3\.8\.0, 3\.9\.0, 3\.16\.0, 4\.0\.4, 4\.12\.1, 4\.13\.0, 4\.14\.0, 4\.14\.2, 4\.15\.1\)/,
    ],
    [{ chatwoot: '3.7.0', evolution: '2.1.0', to: 'chatwoot@3.8.0' }, /unknown Evolution version/],
    [
      { chatwoot: '3.7.0', evolution: '1.7.4', to: 'evolution@2.4.0' },
      /^--to evolution@2\.4\.0: unknown Evolution version \(known: 1\.7\.4, 1\.7\.5, 2\.1\.2, 2\.2\.3, 2\.3\.6\)$/,
    ],
    [{ chatwoot: '3.7.0', evolution: '1.7.4' }, /--to is required/],
    [{ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot=3.8.0' }, /expected <chatwoot\|evolution>@<version>/],
    [{ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot@3.7.0' }, /nothing moves/],
    [{ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot@3.8.0', storage: 's3' }, /--storage s3/],
  ])('rejects %j with a usage error', (options, message) => {
    let error: unknown;
    try {
      parseUpgradeQuestion(options);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });
});
