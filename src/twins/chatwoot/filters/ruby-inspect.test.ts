import { describe, expect, it } from 'vitest';
import { rubyInspect } from './ruby-inspect.ts';

describe('rubyInspect', () => {
  it('renders arrays as Ruby prints them (what 3.x compares for an unknown operator)', () => {
    expect(rubyInspect([0])).toBe('[0]');
    expect(rubyInspect(['open', null])).toBe('["open", nil]');
    expect(rubyInspect([])).toBe('[]');
    expect(rubyInspect({ a: 1 })).toBe('{"a"=>1}');
  });
});
