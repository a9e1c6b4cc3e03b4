import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from './redact.ts';
import { createRedactionCache } from './redaction-cache.ts';

describe('redaction cache', () => {
  it('redacts an item once, then only applies secrets registered since', () => {
    const redactor = createRedactor(['first-secret']);
    let fullPasses = 0;
    const redacted = createRedactionCache(
      redactor,
      (item: { line: string }) => {
        fullPasses += 1;
        return redactor.text(item.line);
      },
      (line, version) => redactor.since(version, line),
    );
    const item = { line: 'first-secret, later-secret' };
    expect(redacted(item)).toBe(`${REDACTED}, later-secret`);
    expect(redacted(item)).toBe(`${REDACTED}, later-secret`);
    redactor.add('later-secret');
    expect(redacted(item)).toBe(`${REDACTED}, ${REDACTED}`);
    expect(fullPasses).toBe(1);
  });
});
