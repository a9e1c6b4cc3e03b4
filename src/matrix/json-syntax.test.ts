import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.ts';
import { findJsonErrorOffset, parseJsonText, positionOf } from './json-syntax.ts';

describe('JSON syntax errors', () => {
  it('finds the offending character of common mistakes', () => {
    expect(findJsonErrorOffset('{"a": [1, 2,]}')).toBe(12);
    expect(findJsonErrorOffset('{"a": 1 "b": 2}')).toBe(8);
    expect(findJsonErrorOffset('{"a": tru}')).toBe(9);
    expect(findJsonErrorOffset('{"a": "x')).toBe(8);
    expect(findJsonErrorOffset('{"a": 1} x')).toBe(9);
    expect(findJsonErrorOffset('{"a": [1, {"b": null}], "c": -1.5e3, "d": "\\u00e9"}')).toBeUndefined();
  });

  it('agrees with JSON.parse on what is valid', () => {
    for (const text of ['[]', '{}', '"x"', '0', '-0.1', 'true', 'null', '[01]', '{"a":}', '[1,]', '"\\x"', '']) {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect(findJsonErrorOffset(text) === undefined, text).toBe(valid);
    }
  });

  it('converts offsets to 1-based line and column', () => {
    expect(positionOf('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(positionOf('x', 0)).toEqual({ line: 1, column: 1 });
  });

  it('throws a ConfigError naming file, line and column', () => {
    const error = (() => {
      try {
        parseJsonText('{\n  "axes": {\n    "chatwoot": ["3.7.0",]\n  }\n}\n', 'matrix.json');
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('matrix.json: invalid JSON at line 3, column 26: unexpected "]"');
  });
});
