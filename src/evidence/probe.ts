import { createHash } from 'node:crypto';
import { request } from 'undici';
import { ProbeRequest, type ProbeResult } from '../model/probe-result.ts';

const MAX_REDIRECTS = 5;
const MAX_BODY_BYTES = 50 * 1024 * 1024;

/**
 * Fetches a URL from wherever this code runs (in docker: inside a proxy container on Evolution's
 * network), following redirects by hand so every hop is reported, and hashes the body instead of returning it.
 */
export async function probeUrl(input: ProbeRequest, now: () => number = Date.now): Promise<ProbeResult> {
  const options = ProbeRequest.parse(input);
  const started = now();
  const hops: ProbeResult['hops'] = [];
  let current = options.url;
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    for (let hop = 0; ; hop += 1) {
      const protocol = new URL(current).protocol;
      if (protocol !== 'http:' && protocol !== 'https:') throw new Error(`refusing to probe ${protocol} URL`);
      const response = await request(current, { method: 'GET', signal });
      const location = response.headers.location;
      const locationValue = Array.isArray(location) ? location[0] : location;
      hops.push({ url: current, status: response.statusCode, ...(locationValue ? { location: locationValue } : {}) });
      if (options.followRedirects && response.statusCode >= 300 && response.statusCode < 400 && locationValue) {
        await response.body.dump();
        if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
        current = new URL(locationValue, current).toString();
        continue;
      }
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of response.body) {
        bytes += (chunk as Buffer).length;
        if (bytes > MAX_BODY_BYTES) throw new Error(`body larger than ${MAX_BODY_BYTES} bytes`);
        hash.update(chunk as Buffer);
      }
      const contentType = response.headers['content-type'];
      return {
        url: options.url,
        hops,
        status: response.statusCode,
        ...(contentType ? { contentType: String(contentType) } : {}),
        bytes,
        sha256: hash.digest('hex'),
        durationMs: now() - started,
      };
    }
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    const code = (error as { code?: string }).code ?? cause?.code;
    const message = error instanceof Error ? error.message : String(error);
    return { url: options.url, hops, error: code ? `${code}: ${message}` : message, durationMs: now() - started };
  }
}
