import { cellsForPair, judgeCell } from '../../verdict/judge-cell.ts';
import { skip, type DoctorCheck } from '../doctor-check.ts';
import { skippedBecause } from '../fact.ts';

/**
 * What the most recent matrix run said about this pair. It comes from a result.json (--result, or
 * out/result.json), never from a table in code: without one the answer is "unknown".
 */
export const matrixVerdictCheck: DoctorCheck = {
  id: 'matrix-verdict',
  section: 'versions',
  title: 'Matrix verdict known for this pair',
  seedSymptom: 'Test every Chatwoot upgrade against Evolution API first',
  async run(ctx) {
    const [api, root] = await Promise.all([ctx.facts.chatwootApi(), ctx.facts.evolutionRoot()]);
    if (!api.ok) return skippedBecause(api);
    if (!root.ok) return skippedBecause(root);
    const pair = { chatwoot: api.value.version, evolution: root.value.version };
    const name = `Chatwoot ${pair.chatwoot} × Evolution ${pair.evolution}`;
    const known = ctx.known;
    if (known.kind === 'none') {
      return skip(`unknown: no result (${name}); give --result <result.json> or run the matrix (it writes ${known.looked.join(', ')})`);
    }
    if (known.kind === 'invalid') return skip(`unknown: ${known.file} is unreadable (${known.message})`);
    const cells = cellsForPair(known.result, ctx.detectedStorage ? { ...pair, storage: ctx.detectedStorage } : pair);
    const origin = `${known.file} (${known.result.backend}${known.result.standIns ? ', stand-ins' : ', upstream images'}, ${known.result.finishedAt})`;
    if (cells.length === 0) return skip(`unknown: no result for ${name} in ${origin}`);
    const judged = cells.map((cell) => judgeCell(cell, ctx.catalog));
    const evidence = judged.map((j) => `${j.cellId}: ${j.state} (${j.reason})`);
    const breaking = judged.filter((j) => j.state === 'breaks');
    if (breaking.length > 0) {
      const scenarios = [...new Map(breaking.flatMap((j) => j.breaking).map((s) => [s.id, s])).values()];
      for (const scenario of scenarios) evidence.push(`breaks: ${scenario.id}${scenario.diagnosis ? ` — ${scenario.diagnosis.summary}` : ''}`);
      const remedies = [...new Set(scenarios.flatMap((s) => (s.diagnosis ? [s.diagnosis.remedy] : [])))];
      return {
        status: 'warn',
        summary: `the matrix run ${origin} found ${name} broken (${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'})`,
        evidence,
        ...(remedies.length > 0 ? { remedy: remedies.join(' / ') } : {}),
        references: [...new Set(scenarios.flatMap((s) => s.diagnosis?.references ?? []))],
      };
    }
    if (judged.every((j) => j.state === 'works')) return { status: 'pass', summary: `the matrix run ${origin} found ${name} working`, evidence };
    return skip(`unknown: ${name} has no verdict in ${origin}`, evidence);
  },
};
