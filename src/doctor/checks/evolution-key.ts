import type { DoctorCheck } from '../doctor-check.ts';
import { outcomeOfFailure } from '../fact.ts';

/** The global API key: GET /instance/fetchInstances needs it (evolution-api-1.7.md §2.2). A read. */
export const evolutionKeyCheck: DoctorCheck = {
  id: 'evolution-key',
  section: 'auth',
  title: 'Evolution global API key',
  seedSymptom: 'Verify step by step: first basic connectivity (401/403)',
  async run(ctx) {
    const instances = await ctx.facts.evolutionInstances();
    if (!instances.ok) return outcomeOfFailure(instances);
    const names = instances.value;
    const listed = ctx.target.instance
      ? names.includes(ctx.target.instance)
        ? `instance "${ctx.target.instance}" listed`
        : `instance "${ctx.target.instance}" not listed`
      : `${names.length} instance${names.length === 1 ? '' : 's'}: ${names.join(', ') || 'none'}`;
    return {
      status: 'pass',
      summary: `the global key is accepted (${listed})`,
      evidence: [`GET /instance/fetchInstances → 200`],
      exchanges: instances.exchanges,
    };
  },
};
