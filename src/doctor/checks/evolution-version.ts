import { EVOLUTION_VERSIONS } from '../../model/axes.ts';
import { evolutionVersionsOf } from '../../model/evolution-profiles.ts';
import type { DoctorCheck } from '../doctor-check.ts';
import { outcomeOfFailure } from '../fact.ts';

/**
 * GET /: which Evolution answers, and its generation. 2.x answers `version` plus `clientName` (the database client
 * name) and, from 2.3.0, `whatsappWebVersion` (evolution-api-2.x.md §1.6, §M.2); the checks then read its profile.
 */
export const evolutionVersionCheck: DoctorCheck = {
  id: 'evolution',
  section: 'versions',
  title: 'Evolution version (GET /)',
  seedSymptom: 'Follow both projects’ releases',
  async run(ctx) {
    const root = await ctx.facts.evolutionRoot();
    if (!root.ok) return outcomeOfFailure(root);
    const { version, known, generation, clientName, whatsappWebVersion } = root.value;
    const evidence = [
      `GET / → version ${version}${clientName !== undefined ? `, clientName ${clientName}` : ''}${whatsappWebVersion !== undefined ? `, whatsappWebVersion ${whatsappWebVersion}` : ''}`,
    ];
    if (!known) {
      const why =
        generation === '1.7'
          ? `Evolution ${version} is 1.7.x but not one this tool has profiles for (${evolutionVersionsOf('1.7').join(', ')}); 1.7.0–1.7.4 send the contact_id filter, 1.7.5 does not`
          : generation === '2'
            ? `Evolution ${version} is 2.x but not one this tool has profiles for (${evolutionVersionsOf('2').join(', ')})`
            : `Evolution ${version} is neither 1.7.x nor 2.x: this tool checks Evolution ${EVOLUTION_VERSIONS.join(', ')}`;
      return { status: 'fail', summary: why, evidence, unsupported: why, exchanges: root.exchanges };
    }
    const generationNote = generation === '2' ? ' (2.x: CHATWOOT_ENABLED, camelCase API, no contact_id filter)' : '';
    return { status: 'pass', summary: `Evolution ${version}${generationNote}`, evidence, exchanges: root.exchanges };
  },
};
