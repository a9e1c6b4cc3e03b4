import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../model/result-schema.ts';
import { compareResults } from './history.ts';
import { HTML_CAPS, renderHtml } from './html.ts';
import { HOSTILE_TEXT, RED_CELL_ID, hostileResult, hugeResult, loadFixture } from './test-support/result-fixtures.ts';

/** The parsed embedded result, read back the way a browser would (text content of the script element). */
function embedded(html: string): unknown {
  const match = /<script type="application\/octet-stream" id="evochat-result" data-encoding="gzip\+base64">([\s\S]*?)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error('no embedded result');
  return JSON.parse(gunzipSync(Buffer.from(match[1], 'base64')).toString('utf8'));
}

function cellArticle(html: string, cellId: string): string {
  const start = html.indexOf(`<article class="cell-detail" id="detail-${cellId}"`);
  if (start < 0) throw new Error(`no detail for ${cellId}`);
  return html.slice(start, html.indexOf('</article>', start));
}

describe('renderHtml', () => {
  const sample = loadFixture('sample-result');
  const html = renderHtml(sample);

  it('is one self-contained page: no external resources, a CSP that forbids fetching', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
    const csp = (/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '').replaceAll('&#39;', "'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
  });

  it('shows the backend first, with a stand-in warning for sim', () => {
    const bodyStart = html.slice(html.indexOf('<body>'));
    expect(bodyStart.indexOf('id="backend"')).toBeLessThan(bodyStart.indexOf('id="verdict"'));
    expect(html).toContain('data-backend="sim"');
    expect(html).toContain('Backend: sim: in-process twins');
    expect(html).toContain('not the upstream images');
  });

  it('announces docker upstream images without a warning, and twin images with one', () => {
    const docker = loadFixture('docker-upstream-result');
    const upstream = renderHtml(docker);
    expect(upstream).toContain('data-backend="docker-upstream"');
    expect(upstream).toContain('class="banner banner-upstream"');
    expect(upstream).not.toContain('not the upstream images');
    expect(upstream).toContain('sha256:1111111111111111111111111111111111111111111111111111111111111111');
    const twin = renderHtml({ ...docker, images: 'twin', standIns: true });
    expect(twin).toContain('data-backend="docker-twin"');
    expect(twin).toContain('Backend: docker: locally built twin images');
    expect(twin).toContain('not the upstream images');
  });

  it('draws the grid with one coloured button per cell and a legend', () => {
    expect(html.match(/<button type="button" class="cell /g)).toHaveLength(12);
    expect(html).toContain(`class="cell v-unexpected-break" data-open-cell="${RED_CELL_ID}"`);
    expect(html.match(/<table class="grid" data-storage="(local|minio)">/g)).toHaveLength(2);
    for (const label of ['pass', 'expected break', 'unexpected break', 'unexpected pass', 'infrastructure error', 'skipped', 'not run']) {
      expect(html).toContain(`<b>${label}</b>`);
    }
  });

  it("holds each cell's scenarios with diagnosis, remedy, the decisive exchange and logs", () => {
    const red = cellArticle(html, RED_CELL_ID);
    expect(red).toContain('data-scenario="bot-command/status-round-trip" data-status="break" open');
    expect(red).toContain('<h4>Diagnosis <code>chatwoot-message-rate-limit</code></h4>');
    expect(red).toContain('<p class="remedy">Reuse fewer conversations');
    expect(red).toMatch(/<div class="exchange decisive" data-exchange-id="cw3\.9\.0-evo1\.7\.5-minio-x7">/);
    // The JSON body is pretty-printed.
    expect(red).toContain('&quot;error&quot;: &quot;Validation failed: Too many messages&quot;');
    expect(red).toContain('api_access_token: [REDACTED]');
    expect(red).toContain('Other exchanges (3)');
    expect(red).toContain('<summary>evolution log (5 lines)</summary>');
    expect(red).toContain('href="cells/cw3.9.0-evo1.7.5-minio/exchanges.json"');
  });

  it('lists the seed contradictions and the unexpected results', () => {
    expect(html).toContain('id="seed-contradictions"');
    expect(html).toContain('&quot;did not fully solve&quot;');
    const attention = html.slice(html.indexOf('id="attention"'), html.indexOf('id="seed-contradictions"'));
    expect(attention).toContain(`data-open-cell="${RED_CELL_ID}"`);
    expect(attention).toContain('data-open-cell="cw3.8.0-evo1.7.5-minio"');
  });

  it('marks changed cells after --compare', () => {
    const compared = renderHtml(compareResults(sample, loadFixture('previous-result'), { previousLabel: 'previous/result.json' }));
    expect(compared).toContain('Compared with <code>previous/result.json</code>: 3 cell(s) changed.');
    const redButton = compared.slice(compared.indexOf(`data-open-cell="${RED_CELL_ID}"`));
    expect(redButton.slice(0, redButton.indexOf('</button>'))).toContain(
      '<span class="chg chg-newly-broken" title="newly broken (was pass)">newly broken</span>',
    );
    expect(compared).toContain('<span class="chg chg-newly-fixed"');
    expect(compared).toContain('<span class="chg chg-changed"');
  });

  it('embeds the result safely: hostile text cannot close the script element, and it reads back intact', () => {
    const hostile = hostileResult();
    const page = renderHtml(hostile);
    const openTag = '<script type="application/octet-stream" id="evochat-result" data-encoding="gzip+base64">';
    const scriptStart = page.indexOf(openTag) + openTag.length;
    const scriptEnd = page.indexOf('</script>', scriptStart);
    expect(scriptEnd).toBeGreaterThan(scriptStart);
    expect(page.slice(scriptStart, scriptEnd)).not.toContain('<');
    expect(embedded(page)).toEqual(JSON.parse(JSON.stringify(hostile)));
  });

  it('escapes hostile text everywhere it is shown', () => {
    const page = renderHtml(hostileResult());
    const visible = page.slice(page.indexOf('<body>'), page.indexOf('<script type="application/octet-stream" id="evochat-result"'));
    expect(visible).not.toContain('<script>alert(1)');
    expect(visible).not.toContain(HOSTILE_TEXT);
    expect(visible).toContain('message &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;/details&gt;');
    expect(visible).not.toContain('\u001b');
    // The only scripts are ours: the JSON data and the inline script.
    expect(page.match(/<script\b/g)).toHaveLength(2);
  });

  it('caps huge bodies and logs with a visible marker, in the page and in the embedded copy', () => {
    const huge: RunResult = hugeResult();
    const page = renderHtml(huge);
    const red = cellArticle(page, RED_CELL_ID);
    expect(red).toMatch(/<span class="marker">… truncated \(\d+ bytes more\)<\/span>/);
    const chatwootLog = red.slice(red.indexOf('<summary>chatwoot log (5000 lines)</summary>'));
    expect(chatwootLog).toMatch(/… truncated \(\d+ lines, \d+ bytes more\)/);
    expect(Buffer.byteLength(page)).toBeLessThan(8 * 1024 * 1024);
    const copy = embedded(page) as RunResult;
    const body = copy.cells.find((cell) => cell.id === RED_CELL_ID)?.scenarios.find((s) => s.id === 'bot-command/status-round-trip')?.evidence
      .exchanges[0]?.request;
    expect(body?.bodyTruncated).toBe(true);
    expect(Buffer.byteLength(body?.body ?? '')).toBeLessThan(HTML_CAPS.embeddedBodyBytes + 100);
    expect(body?.body).toMatch(/… truncated \(\d+ bytes more\)$/);
  });
});
