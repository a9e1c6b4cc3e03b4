import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript, safeHref } from './html-escape.ts';

describe('escapeHtml', () => {
  it('escapes the five characters that can start markup or end an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('leaves other text, including non-ASCII, untouched', () => {
    expect(escapeHtml('Chave de atributo inválido - [contact_id] ⚠️')).toBe('Chave de atributo inválido - [contact_id] ⚠️');
  });
});

describe('jsonForScript', () => {
  const hostile = { body: '</script><script>alert(1)</script><!-- & \u2028 \u2029', nested: ['</SCRIPT>'] };

  it('cannot close the script element or open a comment', () => {
    const json = jsonForScript(hostile);
    expect(json.toLowerCase()).not.toContain('</script');
    expect(json).not.toContain('<!--');
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
  });

  it('round-trips through JSON.parse unchanged', () => {
    expect(JSON.parse(jsonForScript(hostile))).toEqual(hostile);
  });
});

describe('safeHref', () => {
  it('allows http(s) and relative paths, refuses other schemes', () => {
    expect(safeHref('https://github.com/chatwoot/chatwoot/pull/8239')).toBe('https://github.com/chatwoot/chatwoot/pull/8239');
    expect(safeHref('cells/cw3.8.0-evo1.7.4-local/logs')).toBe('cells/cw3.8.0-evo1.7.4-local/logs');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref(' JavaScript:alert(1)')).toBeUndefined();
    expect(safeHref('data:text/html,x')).toBeUndefined();
  });
});
