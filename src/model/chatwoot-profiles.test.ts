import { describe, expect, it } from 'vitest';
import { CHATWOOT_VERSIONS, type ChatwootVersion } from './axes.ts';
import {
  CHATWOOT_VERSION_PROFILES,
  chatwootProfile,
  chatwootProfilesBetween,
  compareVersions,
  isChatwootVersion,
  privateNetworkOptOut,
  refusesPrivateWebhookTargets,
  type ChatwootVersionProfile,
} from './chatwoot-profiles.ts';

/** The versions from which a fact holds, as chatwoot-3.10-4.x.md §9 (and §M) lists them, against what the profiles say. */
function firstWith(predicate: (profile: ChatwootVersionProfile) => boolean): ChatwootVersion | undefined {
  return CHATWOOT_VERSIONS.find((version) => predicate(chatwootProfile(version)));
}

describe('Chatwoot version profiles', () => {
  it('has one profile per axis value, in release order', () => {
    expect(Object.keys(CHATWOOT_VERSION_PROFILES)).toEqual([...CHATWOOT_VERSIONS]);
    for (const version of CHATWOOT_VERSIONS) expect(chatwootProfile(version).version).toBe(version);
    const sorted = [...CHATWOOT_VERSIONS].sort(compareVersions);
    expect(sorted).toEqual([...CHATWOOT_VERSIONS]);
  });

  it('pins every version by a release merge commit of the sheets', () => {
    expect(chatwootProfile('4.14.2').releaseCommit).toBe('a9468409');
    expect(chatwootProfile('4.15.1').releaseCommit).toBe('97bb8ecd');
    expect(chatwootProfile('3.16.0').releaseCommit).toBe('d01c7d3f');
    for (const version of CHATWOOT_VERSIONS) expect(chatwootProfile(version).releaseCommit).toMatch(/^[0-9a-f]{8}$/);
  });

  it('starts each fact where the sheet says it starts', () => {
    expect(firstWith((p) => p.validatesFilters)).toBe('3.8.0');
    expect(firstWith((p) => p.queryOperatorCheck !== 'none')).toBe('3.16.0');
    expect(chatwootProfile('3.16.0').queryOperatorCheck).toBe('english-only');
    expect(firstWith((p) => p.queryOperatorCheck === 'translated')).toBe('4.0.4');
    expect(firstWith((p) => p.needsPgvector)).toBe('4.0.4');
    expect(firstWith((p) => p.contactConversationsOrder === 'last-activity-desc')).toBe('4.0.4');
    expect(firstWith((p) => !p.signupFromEnv)).toBe('4.12.1');
    expect(firstWith((p) => p.dataServicesLazy)).toBe('4.12.1');
    expect(firstWith((p) => !p.conversationFilterHasCountryCode)).toBe('4.12.1');
    expect(firstWith((p) => p.healthRoute)).toBe('4.12.1');
    expect(firstWith((p) => p.webhookDeliveryHeader)).toBe('4.12.1');
    expect(firstWith((p) => p.webhookSignature)).toBe('4.13.0');
    expect(firstWith((p) => p.signupAnswer === 'email-unless-api-only-server')).toBe('4.13.0');
    expect(firstWith((p) => p.privateWebhookTargets !== 'delivered')).toBe('4.14.0');
    expect(chatwootProfile('4.14.0').privateWebhookTargets).toBe('refused');
    expect(firstWith((p) => p.privateWebhookTargets === 'refused-unless-opt-out')).toBe('4.14.2');
    expect(firstWith((p) => p.contactFilterCompanyKey === 'company_name')).toBe('4.14.0');
  });

  it('knows contact_id as accepted on 3.7.0, refused from 3.8.0 through 4.14.0, accepted again from 4.14.2', () => {
    const accepting = CHATWOOT_VERSIONS.filter((version) => chatwootProfile(version).conversationFilterAcceptsContactId);
    expect(accepting).toEqual(['3.7.0', '4.14.2', '4.15.1']);
  });

  it('keeps every later fact once it is there (cumulative), contact_id being the one that flips back', () => {
    const monotone: (keyof ChatwootVersionProfile)[] = ['validatesFilters', 'needsPgvector', 'healthRoute', 'webhookDeliveryHeader', 'webhookSignature'];
    for (const key of monotone) {
      const values = CHATWOOT_VERSIONS.map((version) => chatwootProfile(version)[key]);
      const first = values.indexOf(true);
      if (first >= 0) expect(values.slice(first).every(Boolean), key).toBe(true);
    }
  });

  it('orders versions numerically and walks the profiles between two versions', () => {
    expect(compareVersions('3.16.0', '3.9.0')).toBeGreaterThan(0);
    expect(compareVersions('v4.14.2', '4.14.10')).toBeLessThan(0);
    expect(compareVersions('4.0', '4.0.0')).toBe(0);
    expect(chatwootProfilesBetween('3.9.0', '4.13.0').map((p) => p.version)).toEqual(['3.9.0', '3.16.0', '4.0.4', '4.12.1', '4.13.0']);
    expect(chatwootProfilesBetween('4.13.0', '3.9.0')).toEqual([]);
    expect(isChatwootVersion('4.14.2')).toBe(true);
    expect(isChatwootVersion('4.14.1')).toBe(false);
  });

  it('refuses private webhook targets on 4.14.0 always, on 4.14.1+ unless SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true', () => {
    expect(refusesPrivateWebhookTargets(chatwootProfile('4.13.0'), {})).toBe(false);
    expect(refusesPrivateWebhookTargets(chatwootProfile('4.14.0'), { SAFE_FETCH_ALLOW_PRIVATE_NETWORK: 'true' })).toBe(true);
    expect(refusesPrivateWebhookTargets(chatwootProfile('4.14.2'), {})).toBe(true);
    expect(refusesPrivateWebhookTargets(chatwootProfile('4.14.2'), { SAFE_FETCH_ALLOW_PRIVATE_NETWORK: 'false' })).toBe(true);
    expect(refusesPrivateWebhookTargets(chatwootProfile('4.15.1'), { SAFE_FETCH_ALLOW_PRIVATE_NETWORK: 'true' })).toBe(false);
    expect(privateNetworkOptOut(chatwootProfile('4.14.0'))).toEqual({});
    expect(privateNetworkOptOut(chatwootProfile('4.14.2'))).toEqual({ SAFE_FETCH_ALLOW_PRIVATE_NETWORK: 'true' });
  });
});
