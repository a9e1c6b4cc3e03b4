import type { DoctorCheck } from '../doctor-check.ts';
import { outcomeOfFailure, skippedBecause } from '../fact.ts';

/**
 * CHATWOOT_ENABLED (2.0+): only the exact string `true` turns the integration on, and the official image bakes
 * `false` (evolution-api-2.x.md §0.3, §1.2). Read through GET /chatwoot/find, whose gate answers 400
 * `["Chatwoot is disabled"]` when it is off; nothing is written.
 */
export const chatwootEnabledCheck: DoctorCheck = {
  id: 'chatwoot-enabled',
  section: 'instance',
  title: 'CHATWOOT_ENABLED (Evolution 2.x, via /chatwoot/find)',
  seedSymptom: 'CHATWOOT_ENABLED, the often overlooked key setting',
  async run(ctx) {
    const root = await ctx.facts.evolutionRoot();
    if (!root.ok) return skippedBecause(root);
    const fact = await ctx.facts.chatwootEnabled();
    if (!fact.ok) return fact.owner === 'instance/chatwoot-enabled' ? outcomeOfFailure(fact) : skippedBecause(fact);
    const { instance, enabled } = fact.value;
    if (!root.value.profile?.chatwootEnabledSwitch) {
      return {
        status: 'skip',
        summary: `Evolution ${root.value.version} has no CHATWOOT_ENABLED (it arrived in 2.0): the instance's own enabled setting is the switch`,
        evidence: [],
      };
    }
    if (!instance) return { status: 'skip', summary: 'no instance on this Evolution to ask /chatwoot/find about', evidence: [], exchanges: fact.exchanges };
    const evidence = [`GET /chatwoot/find/${instance} → ${fact.value.answer}`];
    if (enabled === false) {
      return {
        status: 'fail',
        summary: `CHATWOOT_ENABLED is not "true" on this Evolution ${root.value.version}: every Chatwoot feature is off (create with Chatwoot 400 "Chatwoot is not enabled", webhooks 400 "Chatwoot is disabled")`,
        evidence: [
          ...evidence,
          `the image bakes ${root.value.profile.imageEnv.CHATWOOT_ENABLED === undefined ? 'no value' : `CHATWOOT_ENABLED=${root.value.profile.imageEnv.CHATWOOT_ENABLED}`} (.env.example); only the exact lower-case "true" enables`,
        ],
        remedy:
          "Set CHATWOOT_ENABLED=true in Evolution's container environment and restart it; the instances' stored Chatwoot settings are kept and become active again.",
        references: ['evolution#1011', 'evolution#1503', 'evolution#2334'],
        exchanges: fact.exchanges,
      };
    }
    return { status: 'pass', summary: `CHATWOOT_ENABLED=true (GET /chatwoot/find/${instance} answered past the gate)`, evidence, exchanges: fact.exchanges };
  },
};
