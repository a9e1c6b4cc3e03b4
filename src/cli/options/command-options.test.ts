import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors/index.ts';
import { CanIUpgradeOptions } from './can-i-upgrade-options.ts';
import { DoctorOptions } from './doctor-options.ts';
import { parseCommandOptions } from './option-fields.ts';
import { ReportOptions } from './report-options.ts';
import { RunOptions } from './run-options.ts';

describe('command options, parsed once', () => {
  it('run: defaults filled, lists split and trimmed, --jobs a number, backend and images words of the union', () => {
    expect(parseCommandOptions('run', RunOptions, { chatwoot: ['3.7.0, 3.8.0', '3.9.0'], storage: 'local', jobs: '4', backend: 'sim' })).toEqual({
      jobs: 4,
      backend: 'sim',
      images: 'upstream',
      matrix: 'matrix.json',
      chatwoot: ['3.7.0', '3.8.0', '3.9.0'],
      evolution: undefined,
      storage: ['local'],
      suite: undefined,
      out: 'out',
      compare: undefined,
      progress: true,
    });
  });

  it('a bad value is the UsageError of option-values.ts, worded the same in every command', () => {
    for (const parse of [() => parseCommandOptions('run', RunOptions, { jobs: '0' }), () => CanIUpgradeOptions.parse({ jobs: '0' })]) {
      expect(parse).toThrow(new UsageError('--jobs 0: expected a whole number from 1 to 64'));
    }
    expect(() => parseCommandOptions('run', RunOptions, { images: 'nope' })).toThrow('--images nope: expected upstream or twin');
  });

  it('can-i-upgrade: the values are checked before the question, which comes out parsed', () => {
    expect(() => CanIUpgradeOptions.parse({ jobs: '-1' })).toThrow(/--jobs -1/);
    const options = CanIUpgradeOptions.parse({ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot@3.8.0' });
    expect(options.question).toEqual({
      current: { chatwoot: '3.7.0', evolution: '1.7.4' },
      target: { chatwoot: '3.8.0', evolution: '1.7.4' },
      storage: 'local',
      moved: ['chatwoot'],
    });
    expect(options).not.toHaveProperty('chatwoot');
  });

  it('doctor: the attach settings travel as one typed object, --timeout in milliseconds', () => {
    const options = DoctorOptions.parse({ chatwootUrl: 'http://127.0.0.1:3000', account: '1', timeout: '250' });
    expect(options.timeout).toBe(250);
    expect(options.attachFlags).toMatchObject({ chatwootUrl: 'http://127.0.0.1:3000', account: '1' });
    expect(DoctorOptions.parse({}).timeout).toBe(5_000);
  });

  it('report: --format becomes the list of formats, each once', () => {
    expect(ReportOptions.parse({ result: 'r.json', format: ['html', 'json,html'] }).formats).toEqual(['html', 'json']);
  });

  it('a value of the wrong shape (only a direct caller can give one) is a usage error naming the flag', () => {
    const wrong = { result: 'r.json', out: 3 } as unknown as { result: string };
    expect(() => parseCommandOptions('report', ReportOptions, wrong)).toThrow(/^report: invalid --out: /);
  });
});
