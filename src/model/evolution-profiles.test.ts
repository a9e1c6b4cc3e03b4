import { describe, expect, it } from 'vitest';
import { EVOLUTION_VERSIONS, evolutionGeneration } from './axes.ts';
import { EVOLUTION_PROFILES, evolutionProfile, evolutionVersionsOf } from './evolution-profiles.ts';

describe('Evolution profiles', () => {
  it('has one profile per axis value, naming its own version and generation', () => {
    expect(Object.keys(EVOLUTION_PROFILES)).toEqual([...EVOLUTION_VERSIONS]);
    for (const version of EVOLUTION_VERSIONS) {
      expect(evolutionProfile(version).version).toBe(version);
      expect(evolutionProfile(version).generation).toBe(evolutionGeneration(version));
    }
  });

  it('splits the axis into generations 1.7 and 2', () => {
    expect(evolutionVersionsOf('1.7')).toEqual(['1.7.4', '1.7.5']);
    expect(evolutionVersionsOf('2')).toEqual(['2.1.2', '2.2.3', '2.3.6']);
  });

  it('derives sendsContactIdFilter from the bot lookup: only 1.7.4 sends contact_id (2.x sheet §0.1)', () => {
    for (const profile of Object.values(EVOLUTION_PROFILES)) {
      expect(profile.sendsContactIdFilter).toBe(profile.botConversationLookup === 'conversations-filter');
    }
    expect(EVOLUTION_VERSIONS.filter((version) => evolutionProfile(version).sendsContactIdFilter)).toEqual(['1.7.4']);
  });

  it('gives every 2.x profile the generation-2 requirements (2.x sheet §0, §7)', () => {
    for (const version of evolutionVersionsOf('2')) {
      const profile = evolutionProfile(version);
      expect(profile).toMatchObject({
        apiStyle: 'camelCase',
        integrationRequired: true,
        chatwootEnabledSwitch: true,
        databaseRequired: true,
        mediaStore: 's3',
        missingApiKeyStatus: 401,
        redisCache: true,
      });
      expect(profile.deletionWindowMs?.goneAfterMs).toEqual([70, 190]);
      // The image bakes .env.example in: Chatwoot off, Redis on at localhost, the import URI "available" (§0.3).
      expect(profile.imageEnv).toMatchObject({
        CHATWOOT_ENABLED: 'false',
        CACHE_REDIS_ENABLED: 'true',
        CACHE_REDIS_URI: 'redis://localhost:6379/6',
        CHATWOOT_IMPORT_DATABASE_CONNECTION_URI: 'postgresql://user:passwprd@host:5432/chatwoot?sslmode=disable',
      });
    }
    for (const version of evolutionVersionsOf('1.7')) {
      expect(evolutionProfile(version)).toMatchObject({ apiStyle: 'snake_case', chatwootEnabledSwitch: false, databaseRequired: false, mediaStore: 'none' });
    }
  });

  it('keeps the per-version 2.x differences of §5.1', () => {
    expect(evolutionProfile('2.1.2').importDbCheckOnMedia).toBe('throws');
    expect(evolutionProfile('2.2.3').importDbCheckOnMedia).toBe('silent');
    expect(evolutionProfile('2.3.6').importDbCheckOnMedia).toBe('logged');
    expect(evolutionProfile('2.2.3').welcomeWhatsappWebVersion).toBeUndefined();
    expect(evolutionProfile('2.3.6').welcomeWhatsappWebVersion).toBe('2.3000.1027934701');
    expect(evolutionProfile('2.3.6').agentReplyDelayMs).toEqual([500, 2000]);
    expect(evolutionProfile('2.3.6').imageEnv.DATABASE_CONNECTION_URI).toBe('postgresql://user:pass@postgres:5432/evolution_db?schema=evolution_api');
  });
});
