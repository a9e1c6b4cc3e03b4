import { evolutionProfile, type EvolutionProfile } from '../model/evolution-profiles.ts';
import type { UpgradeQuestion } from './upgrade-question.ts';

/** What an Evolution move changes for the operator, read from the two profiles (facts of upstream, not verdicts). */
export interface EvolutionChanges {
  from: string;
  to: string;
  notes: string[];
}

type Note = (from: EvolutionProfile, to: EvolutionProfile) => string | undefined;

const CHATWOOT_FIELD = { snake_case: 'chatwoot_account_id', camelCase: 'chatwootAccountId' } as const;

/** The image's value of a variable, as the operator sees it when the container does not set it. */
function baked(profile: EvolutionProfile, name: string): string {
  const value = profile.imageEnv[name];
  return value === undefined ? 'unset' : `${name}=${value}`;
}

/**
 * One function per profile field an operator must act on; each reads the two profiles and says nothing when the
 * field does not change (evolution-api-2.x.md §0, §1.2, §1.3, §1.6, §2, §M; evolution-api-1.7.md for 1.7).
 */
const NOTES: readonly Note[] = [
  (f, t) =>
    f.apiStyle !== t.apiStyle
      ? `the /instance/create and /chatwoot/set bodies are ${t.apiStyle} (${CHATWOOT_FIELD[t.apiStyle]}${t.apiStyle === 'camelCase' ? ' as a string' : ''}, …), not ${f.apiStyle}` +
        (t.apiStyle === 'camelCase'
          ? `: ${f.apiStyle} fields such as ${CHATWOOT_FIELD[f.apiStyle]} are silently ignored by ${t.version}, and the instance is created without Chatwoot`
          : '')
      : undefined,
  (f, t) =>
    !f.integrationRequired && t.integrationRequired ? '/instance/create requires integration: "WHATSAPP-BAILEYS" (else 400 "Invalid integration")' : undefined,
  (f, t) =>
    !f.chatwootEnabledSwitch && t.chatwootEnabledSwitch
      ? `set CHATWOOT_ENABLED=true (exactly "true") in Evolution's environment: the image bakes ${baked(t, 'CHATWOOT_ENABLED')}, and then a create with Chatwoot answers 400 "Chatwoot is not enabled" and every webhook 400 "Chatwoot is disabled"`
      : f.chatwootEnabledSwitch && !t.chatwootEnabledSwitch
        ? `${t.version} has no CHATWOOT_ENABLED: the instance's own enabled setting is the switch`
        : undefined,
  (f, t) =>
    !f.databaseRequired && t.databaseRequired
      ? `a database is required: DATABASE_PROVIDER (${t.databaseProviders.join(', ')}) in the container's environment and a reachable DATABASE_CONNECTION_URI; without it Evolution does not start (Prisma migrations: "Migration failed")`
      : f.databaseRequired && !t.databaseRequired
        ? `${t.version} does not read the ${f.version} database: instances made there are not carried back`
        : undefined,
  (f, t) =>
    !f.redisCache && t.redisCache && t.imageEnv.CACHE_REDIS_ENABLED === 'true'
      ? `the Redis cache is on by default (${baked(t, 'CACHE_REDIS_ENABLED')}, ${baked(t, 'CACHE_REDIS_URI')}): without a Redis there every Chatwoot operation hangs; run a Redis and set CACHE_REDIS_URI, or set CACHE_REDIS_ENABLED=false`
      : undefined,
  (f, t) =>
    f.missingApiKeyStatus !== t.missingApiKeyStatus
      ? `a request without the apikey header answers ${t.missingApiKeyStatus} (was ${f.missingApiKeyStatus}): update monitoring that expects the old status`
      : undefined,
  (f, t) =>
    f.sendsContactIdFilter && !t.sendsContactIdFilter
      ? `${t.version} sends no contact_id conversation filter (the bot conversation is found with GET contacts/{id}/conversations): the 422 "Invalid attribute key - [contact_id]" of Chatwoot ≥ 3.8 cannot happen`
      : !f.sendsContactIdFilter && t.sendsContactIdFilter
        ? `${t.version} looks the bot conversation up with a contact_id conversation filter, which a Chatwoot that validates filter keys rejects (422 from 3.8)`
        : undefined,
  (f, t) =>
    f.mediaStore === 'none' && t.mediaStore === 's3'
      ? `S3/MinIO becomes Evolution's own media store (S3_ENABLED, S3_ENDPOINT, S3_BUCKET, …; ${baked(t, 'S3_ENABLED')}): a copy stored after the Chatwoot post, never on the Chatwoot path`
      : f.mediaStore === 's3' && t.mediaStore === 'none'
        ? `${t.version} keeps no media copy of its own: its S3_* settings do nothing`
        : undefined,
  (f, t) =>
    !f.deletionWindowMs && t.deletionWindowMs
      ? `DELETE /instance/delete answers before the instance is gone (404 only ${t.deletionWindowMs.goneAfterMs.join('–')} ms later): wait for connectionState's 404 before re-creating the name (403 "already in use")`
      : undefined,
  (f, t) =>
    f.importDbCheckOnMedia !== 'throws' && t.importDbCheckOnMedia === 'throws' && t.imageEnv.CHATWOOT_IMPORT_DATABASE_CONNECTION_URI
      ? `set CHATWOOT_IMPORT_DATABASE_CONNECTION_URI explicitly (Chatwoot's database, or empty): with the baked value ${t.version} drops inbound media messages`
      : undefined,
  (f, t) =>
    !f.welcomeWhatsappWebVersion && t.welcomeWhatsappWebVersion
      ? `GET / asks WhatsApp for its web version on every call and can hang where outbound traffic is dropped: do not use it alone as a health probe`
      : undefined,
  (f, t) =>
    !f.leadingDoubleSlashRouted && t.leadingDoubleSlashRouted
      ? 'a trailing "/" in SERVER_URL (webhook //chatwoot/webhook/…) no longer breaks the webhook; a wrong host in SERVER_URL still does'
      : undefined,
];

/** What changes for the operator when Evolution moves; undefined when Evolution stays. */
export function describeEvolutionChanges(question: UpgradeQuestion): EvolutionChanges | undefined {
  if (!question.moved.includes('evolution')) return undefined;
  const from = evolutionProfile(question.current.evolution);
  const to = evolutionProfile(question.target.evolution);
  const notes = NOTES.map((note) => note(from, to)).filter((text): text is string => text !== undefined);
  return { from: from.version, to: to.version, notes };
}
