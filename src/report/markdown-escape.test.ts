import { describe, expect, it } from 'vitest';
import { codeBlock, escapeHtmlText, escapeMarkdownInline, inlineCode, linkTarget } from './markdown-escape.ts';

describe('escapeMarkdownInline', () => {
  it('neutralises emphasis, links, tables and raw HTML, on one line', () => {
    expect(escapeMarkdownInline('*a* _b_ [c](d) | e <details> & `f`\nnext')).toBe('\\*a\\* \\_b\\_ \\[c\\](d) \\| e &lt;details&gt; &amp; \\`f\\` next');
  });
});

describe('escapeHtmlText', () => {
  it('escapes markup for <summary> content', () => {
    expect(escapeHtmlText('</summary><b>"x"</b>')).toBe('&lt;/summary&gt;&lt;b&gt;&quot;x&quot;&lt;/b&gt;');
  });
});

describe('inlineCode', () => {
  it('uses a fence longer than any backtick run inside', () => {
    expect(inlineCode('plain')).toBe('`plain`');
    expect(inlineCode('a `b` c')).toBe('``a `b` c``');
    expect(inlineCode('`x`')).toBe('`` `x` ``');
  });

  it('keeps tables intact and stays on one line', () => {
    expect(inlineCode('a|b\nc')).toBe('`a\\|b c`');
  });
});

describe('codeBlock', () => {
  it('cannot be closed early by fences in the content', () => {
    const block = codeBlock('before\n```\nafter', 'text');
    const lines = block.split('\n');
    expect(lines[0]).toBe('````text');
    expect(lines.at(-1)).toBe('````');
  });

  it('indents every line for nesting in a list item', () => {
    expect(codeBlock('a\nb', 'json', '    ')).toBe('    ```json\n    a\n    b\n    ```');
  });
});

describe('linkTarget', () => {
  it('percent-encodes segments (parentheses too: they end a Markdown link) but keeps the path structure', () => {
    expect(linkTarget('../out dir/cells/a (1)/logs.txt')).toBe('../out%20dir/cells/a%20%281%29/logs.txt');
  });
});
