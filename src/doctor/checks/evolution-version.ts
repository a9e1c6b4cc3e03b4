import { EVOLUTION_VERSIONS } from '../../model/axes.ts';
import type { DoctorCheck } from '../doctor-check.ts';
import { outcomeOfFailure } from '../fact.ts';

/** GET /: which Evolution answers. Only 1.7.4 and 1.7.5 are known; 2.x is a different integration. */
export const evolutionVersionCheck: DoctorCheck = {
  id: 'evolution',
  section: 'versions',
  title: 'Evolution version (GET /)',
  seedSymptom: 'Follow both projects’ releases',
  async run(ctx) {
    const root = await ctx.facts.evolutionRoot();
    if (!root.ok) return outcomeOfFailure(root);
    const { version, known } = root.value;
    const evidence = [`GET / → version ${version}`];
    if (!known) {
      const major = version.split('.').slice(0, 2).join('.');
      const why =
        major === '1.7'
          ? `Evolution ${version} is 1.7.x but not one this tool has profiles for (${EVOLUTION_VERSIONS.join(', ')}); 1.7.0–1.7.4 send the contact_id filter, 1.7.5 does not`
          : `Evolution ${version} is not 1.7.x: this tool checks Evolution ${EVOLUTION_VERSIONS.join(', ')} (2.x gates Chatwoot behind CHATWOOT_ENABLED and talks to it differently)`;
      return { status: 'fail', summary: why, evidence, unsupported: why, exchanges: root.exchanges };
    }
    return { status: 'pass', summary: `Evolution ${version}`, evidence, exchanges: root.exchanges };
  },
};
