import { describe, expect, it } from 'vitest';
import { EVOLUTION_PROFILES } from '../model/evolution-profiles.ts';
import { describeEvolutionChanges } from './evolution-changes.ts';
import { parseUpgradeQuestion } from './upgrade-question.ts';

const changes = (from: string, to: string) => describeEvolutionChanges(parseUpgradeQuestion({ chatwoot: '3.8.0', evolution: from, to: `evolution@${to}` }))!;

describe('what an Evolution move changes for the operator (read from the two profiles)', () => {
  it('1.7.4 → 2.3.6: the body, integration, CHATWOOT_ENABLED, the database, Redis, the apikey status, contact_id, S3', () => {
    const { from, to, notes } = changes('1.7.4', '2.3.6');
    expect([from, to]).toEqual(['1.7.4', '2.3.6']);
    const expected = [
      /^the \/instance\/create and \/chatwoot\/set bodies are camelCase \(chatwootAccountId as a string, …\), not snake_case: snake_case fields such as chatwoot_account_id are silently ignored by 2\.3\.6, and the instance is created without Chatwoot$/,
      /^\/instance\/create requires integration: "WHATSAPP-BAILEYS"/,
      /^set CHATWOOT_ENABLED=true \(exactly "true"\) in Evolution's environment: the image bakes CHATWOOT_ENABLED=false/,
      /^a database is required: DATABASE_PROVIDER \(postgresql, mysql, psql_bouncer\) .*"Migration failed"/,
      /^the Redis cache is on by default \(CACHE_REDIS_ENABLED=true, CACHE_REDIS_URI=redis:\/\/localhost:6379\/6\): without a Redis there every Chatwoot operation hangs/,
      /^a request without the apikey header answers 401 \(was 403\)/,
      /^2\.3\.6 sends no contact_id conversation filter .*cannot happen$/,
      /^S3\/MinIO becomes Evolution's own media store/,
    ];
    for (const pattern of expected)
      expect(
        notes.some((note) => pattern.test(note)),
        String(pattern),
      ).toBe(true);
  });

  it('follows the profiles, not a table: a changed field changes the note, an unchanged one says nothing', () => {
    // 1.7.5 already has no contact_id filter; 2.1.2's database providers and baked import URI are its own.
    const notes = changes('1.7.5', '2.1.2').notes;
    expect(notes.some((note) => note.includes('contact_id conversation filter'))).toBe(false);
    expect(notes.some((note) => note.startsWith('a database is required: DATABASE_PROVIDER (postgresql, mysql) '))).toBe(true);
    expect(notes.some((note) => note.startsWith('set CHATWOOT_IMPORT_DATABASE_CONNECTION_URI explicitly'))).toBe(true);
    expect(changes('1.7.5', '2.3.6').notes.some((note) => note.startsWith('set CHATWOOT_IMPORT_DATABASE_CONNECTION_URI'))).toBe(false);
    const original = EVOLUTION_PROFILES['2.3.6'].imageEnv;
    try {
      (EVOLUTION_PROFILES['2.3.6'] as { imageEnv: Record<string, string> }).imageEnv = { ...original, CHATWOOT_ENABLED: 'no' };
      expect(changes('1.7.4', '2.3.6').notes.find((note) => note.startsWith('set CHATWOOT_ENABLED'))).toContain('the image bakes CHATWOOT_ENABLED=no');
    } finally {
      (EVOLUTION_PROFILES['2.3.6'] as { imageEnv: Record<string, string> }).imageEnv = original;
    }
  });

  it('within 2.x only the version differences show, a downgrade to 1.7 names what goes away, and no Evolution move has none', () => {
    expect(changes('2.2.3', '2.3.6').notes).toEqual([
      'GET / asks WhatsApp for its web version on every call and can hang where outbound traffic is dropped: do not use it alone as a health probe',
    ]);
    const down = changes('2.3.6', '1.7.5').notes;
    expect(down.some((note) => note.startsWith('1.7.5 has no CHATWOOT_ENABLED'))).toBe(true);
    expect(down.some((note) => note.includes('silently ignored'))).toBe(false);
    expect(describeEvolutionChanges(parseUpgradeQuestion({ chatwoot: '3.7.0', evolution: '1.7.4', to: 'chatwoot@3.8.0' }))).toBeUndefined();
  });
});
