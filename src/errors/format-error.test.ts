import { describe, expect, it } from 'vitest';
import { displayValue } from './display-value.ts';
import { debugWanted, formatError } from './format-error.ts';
import { ConfigError, UsageError } from './index.ts';

function deepArray(levels: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe('formatError', () => {
  it('prints a config error with a self-referencing, a 200 000-level and a 50 MB value without throwing, each cut short', () => {
    const cycle: Record<string, unknown> = { chatwoot: '3.8.0' };
    cycle.self = cycle;
    const huge = 'x'.repeat(50_000_000);
    for (const value of [cycle, deepArray(200_000), huge, { nested: huge }]) {
      const text = formatError(new ConfigError('m.json is invalid (1 problem)', [{ path: 'axes', message: 'expected object', value }]));
      expect(text.split('\n').filter(Boolean)).toHaveLength(1);
      expect(text.length).toBeLessThan(400);
      expect(text).toMatch(/^error EVOCHAT_E_CONFIG: m\.json is invalid \(1 problem\): at axes: expected object got /);
    }
    expect(formatError(new ConfigError('bad', [{ path: 'a', message: 'm', value: cycle }]))).toContain('"self":"[Circular]"');
    expect(formatError(new ConfigError('bad', [{ path: 'a', message: 'm', value: huge }]))).toContain('… (49999800 more chars)');
  });

  it('an internal error is one line plus the --debug hint; with debug it carries the stack', () => {
    const plain = formatError(new TypeError('boom'));
    expect(plain).toBe(
      'error EVOCHAT_E_INTERNAL: boom\nhint: this is a bug in evochat-matrix; run again with --debug (or EVOCHAT_DEBUG=1) for the stack trace, and report it\n',
    );
    const debug = formatError(new TypeError('boom'), { debug: true });
    expect(debug).toMatch(/^error EVOCHAT_E_INTERNAL: boom\nTypeError: boom\n\s+at /);
  });

  it('cuts long messages, shows control characters escaped, lists at most ten problems', () => {
    const text = formatError(new UsageError(`--jobs ${'9'.repeat(10_000)}\u001b[31m`));
    expect(text.length).toBeLessThan(700);
    expect(text).toContain('more chars)');
    expect(formatError(new UsageError('a\u001b[31mb'))).toBe('error EVOCHAT_E_USAGE: a\\u001b[31mb\n');
    const many = Array.from({ length: 30 }, (_, i) => ({ path: `expectations[${i}]`, message: 'unknown scenario', value: `s${i}` }));
    const lines = formatError(new ConfigError('m.json is invalid (30 problems)', many)).trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toBe('  … and 20 more problems');
  });

  it('does not repeat a problem the message already states', () => {
    const reason = 'invalid JSON at line 1, column 1: unexpected end of input';
    expect(formatError(new ConfigError(`m.json: ${reason}`, [{ path: '', message: reason }]))).toBe(`error EVOCHAT_E_CONFIG: m.json: ${reason}\n`);
  });

  it('survives an error whose message getter throws', () => {
    const evil = new Error('x');
    Object.defineProperty(evil, 'message', {
      get() {
        throw new Error('getter');
      },
    });
    expect(formatError(evil)).toMatch(/^error EVOCHAT_E_INTERNAL: /);
  });

  it('reads --debug and EVOCHAT_DEBUG', () => {
    expect(debugWanted(['run', '--debug'], {})).toBe(true);
    expect(debugWanted(['run', '--', '--debug'], {})).toBe(false);
    expect(debugWanted(['run'], { EVOCHAT_DEBUG: '1' })).toBe(true);
    expect(debugWanted(['run'], {})).toBe(false);
  });
});

describe('displayValue', () => {
  it('is JSON for small values and bounded for anything', () => {
    expect(displayValue('3.6.0')).toBe('"3.6.0"');
    expect(displayValue([1, 'a'])).toBe('[1,"a"]');
    expect(displayValue(10n)).toBe('10');
    expect(displayValue(deepArray(200_000)).length).toBeLessThan(250);
  });
});
