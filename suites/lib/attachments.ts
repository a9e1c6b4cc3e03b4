import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { ServiceUnreachableError } from '../../src/clients/http-client.ts';
import type { FilePart } from '../../src/clients/http-client.ts';
import { HARNESS_LINK_HEADER, HARNESS_LINK_VALUE, HARNESS_SCENARIO_HEADER } from '../../src/model/harness-wire.ts';
import { formatScenarioTag } from '../../src/model/harness-wire.ts';
import type { ExchangeScenario } from '../../src/model/result-schema.ts';

const IMAGE_PATH = fileURLToPath(new URL('../../fixtures/images/evochat-attachment.png', import.meta.url));

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function fixtureImage(name = 'evochat-attachment.png'): FilePart & { sha256: string } {
  const data = readFileSync(IMAGE_PATH);
  return { name, contentType: 'image/png', data, sha256: sha256(data) };
}

export interface FetchedUrl {
  hops: { url: string; status: number; location?: string }[];
  status: number;
  bytes: number;
  sha256: string;
  contentType: string | undefined;
}

/**
 * GETs a URL from the test process as a browser would, following redirects by hand so each hop is
 * visible; every hop is tagged as harness traffic of `scenario` for the recording proxies.
 */
export async function fetchFollowing(url: string, scenario: ExchangeScenario, maxRedirects = 5): Promise<FetchedUrl> {
  const hops: FetchedUrl['hops'] = [];
  const headers = { [HARNESS_LINK_HEADER]: HARNESS_LINK_VALUE, [HARNESS_SCENARIO_HEADER]: formatScenarioTag(scenario) };
  let current = url;
  for (let hop = 0; ; hop += 1) {
    let response;
    try {
      response = await request(current, { method: 'GET', headers, signal: AbortSignal.timeout(15_000) });
    } catch (error) {
      throw new ServiceUnreachableError(new URL(current).host, 'GET', new URL(current).pathname, error);
    }
    const location = response.headers.location;
    const locationValue = Array.isArray(location) ? location[0] : location;
    hops.push({ url: current, status: response.statusCode, ...(locationValue ? { location: locationValue } : {}) });
    if (response.statusCode >= 300 && response.statusCode < 400 && locationValue && hop < maxRedirects) {
      await response.body.dump();
      current = new URL(locationValue, current).toString();
      continue;
    }
    const body = Buffer.from(await response.body.arrayBuffer());
    const contentType = response.headers['content-type'];
    return {
      hops,
      status: response.statusCode,
      bytes: body.length,
      sha256: sha256(body),
      contentType: Array.isArray(contentType) ? contentType[0] : contentType,
    };
  }
}
