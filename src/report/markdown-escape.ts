/**
 * Escaping for GitHub-flavoured Markdown, where raw HTML is live: text from a run (upstream bodies,
 * log lines, messages) must never become markup, a table column or a link.
 */

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For text inside HTML elements (`<summary>`). */
export function escapeHtmlText(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] ?? char);
}

/** For running Markdown text, table cells included: one line, no markup, no HTML. */
export function escapeMarkdownInline(text: string): string {
  return (
    text
      .replace(/\r?\n|\r/g, ' ')
      // `(` `)` `!` only mean something next to `[` `]`, which are escaped; `#` only at a line start.
      .replace(/[\\`*_{}[\]|~]/g, (char) => `\\${char}`)
      .replace(/[&<>]/g, (char) => HTML_ENTITIES[char] ?? char)
  );
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    longest = Math.max(longest, current);
  }
  return longest;
}

/** An inline code span that holds any text (one line; `|` escaped so tables survive). */
export function inlineCode(text: string): string {
  const oneLine = text.replace(/\r?\n|\r/g, ' ').replace(/\|/g, '\\|');
  const fence = '`'.repeat(longestRun(oneLine, '`') + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${oneLine}${pad}${fence}`;
}

/** A fenced code block that no content can close early. */
export function codeBlock(text: string, language = '', indent = ''): string {
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  const body = text.split('\n').map((line) => `${indent}${line}`);
  return [`${indent}${fence}${language}`, ...body, `${indent}${fence}`].join('\n');
}

/** A relative link target: each path segment percent-encoded, so spaces and parentheses survive. */
export function linkTarget(path: string): string {
  return path
    .split('/')
    .map((segment) =>
      segment === '..' || segment === '.'
        ? segment
        : encodeURIComponent(segment).replace(/[()]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');
}
