import { CHATWOOT_VERSIONS } from '../../model/axes.ts';
import { chatwootProfile } from '../../model/chatwoot-profiles.ts';
import type { DoctorCheck } from '../doctor-check.ts';
import { outcomeOfFailure } from '../fact.ts';

/** GET /api: which Chatwoot answers, and whether it reports its queue (Sidekiq) and database healthy. */
export const chatwootVersionCheck: DoctorCheck = {
  id: 'chatwoot',
  section: 'versions',
  title: 'Chatwoot version (GET /api)',
  seedSymptom: 'Test every Chatwoot upgrade against Evolution API first',
  async run(ctx) {
    const api = await ctx.facts.chatwootApi();
    if (!api.ok) return outcomeOfFailure(api);
    const { version, known, queueServices, dataServices } = api.value;
    const evidence = [`GET /api → version ${version}, queue_services ${queueServices ?? '?'}, data_services ${dataServices ?? '?'}`];
    if (!known) {
      return {
        status: 'fail',
        summary: `Chatwoot ${version} is not a version this tool knows (${CHATWOOT_VERSIONS.join(', ')})`,
        evidence,
        unsupported: `Chatwoot ${version}: this tool checks Chatwoot ${CHATWOOT_VERSIONS.join(', ')}; its findings for other versions would be guesses`,
        exchanges: api.exchanges,
      };
    }
    // From 4.3.0 a healthy server may say data_services "failing" until its pool has run queries (chatwoot-3.10-4.x.md §M 3).
    const lazy = chatwootProfile(known).dataServicesLazy;
    if (lazy && queueServices !== 'failing' && dataServices === 'failing') {
      evidence.push(`Chatwoot ${version} (Rails 7.1) connects lazily: data_services "failing" alone is not a fault on a quiet server`);
      return { status: 'pass', summary: `Chatwoot ${version}`, evidence, exchanges: api.exchanges };
    }
    // GET /api answers 200 even when Redis or Postgres fail: the fields tell (chatwoot-3.7-3.9.md §5).
    if (queueServices === 'failing' || dataServices === 'failing') {
      return {
        status: 'fail',
        summary: `Chatwoot ${version} reports ${[queueServices === 'failing' ? 'its queue (Redis/Sidekiq)' : '', dataServices === 'failing' ? 'its database' : ''].filter(Boolean).join(' and ')} failing`,
        evidence,
        remedy:
          'Without Redis and a Sidekiq worker Chatwoot sends no webhooks at all (chatwoot-3.7-3.9.md §4): start them and check REDIS_URL / POSTGRES_* of the rails and sidekiq services.',
        exchanges: api.exchanges,
      };
    }
    return { status: 'pass', summary: `Chatwoot ${version}`, evidence, exchanges: api.exchanges };
  },
};
