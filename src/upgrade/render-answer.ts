import type { CanIUpgradeOutput } from './can-i-upgrade.ts';
import type { PairFinding } from './answer-upgrade.ts';
import { pairName } from './upgrade-question.ts';

const STATE_MARK = { works: '✓ works ', breaks: '✗ breaks', unknown: '? unknown' } as const;

function row(label: string, finding: PairFinding): string {
  return `  ${label.padEnd(10)} ${pairName(finding.pair).padEnd(34)} ${STATE_MARK[finding.state]}  ${finding.reason}`;
}

/** One line with the answer first (Pact's can-i-deploy convention), then the details. */
export function renderUpgradeAnswer(output: CanIUpgradeOutput): string {
  const { answer, source } = output;
  const lines = [answer.headline, ''];
  lines.push(row('current', answer.current), row('target', answer.target));
  // Breaking scenarios grouped by their diagnosis: one root cause, its remedy once.
  const groups = new Map<string, typeof answer.target.breaking>();
  for (const scenario of answer.target.breaking) {
    const key = scenario.diagnosis?.rule ?? `undiagnosed:${scenario.id}`;
    groups.set(key, [...(groups.get(key) ?? []), scenario]);
  }
  for (const scenarios of groups.values()) {
    const diagnosis = scenarios[0]!.diagnosis;
    for (const scenario of scenarios) lines.push(`             ✗ ${scenario.id}${diagnosis ? '' : scenario.message ? ` — ${scenario.message}` : ''}`);
    if (diagnosis) lines.push(`               why:    ${diagnosis.summary}`, `               remedy: ${diagnosis.remedy}`);
  }
  if (answer.alternatives.length > 0 && answer.state !== 'works') {
    lines.push('', '  alternatives (smallest change first):');
    for (const alternative of answer.alternatives) {
      lines.push(`    ${alternative.change}:`);
      lines.push(`  ${row('  then', alternative.final)}`);
      if (alternative.first) lines.push(`  ${row('  first', alternative.first)}`);
    }
  }
  if (output.path) {
    const path = output.path;
    lines.push('', `  on the way (Chatwoot ${answer.question.current.chatwoot} → ${answer.question.target.chatwoot} with Evolution ${path.evolution}):`);
    lines.push(`    ${path.steps.map((step) => `${step.pair.chatwoot} ${STATE_MARK[step.state].trim().split(' ')[0]}`).join('  ')}`);
    if (path.changes.length > 0) lines.push(`    ${path.changes.join('; ')}`);
    for (const note of path.notes) lines.push(`    - ${note}`);
  }
  if (output.evolutionChanges && output.evolutionChanges.notes.length > 0) {
    const { from, to, notes } = output.evolutionChanges;
    lines.push('', `  what changes for you (Evolution ${from} → ${to}, from the two profiles):`);
    for (const note of notes) lines.push(`    - ${note}`);
  }
  if (answer.recommendation) {
    lines.push('', `  smallest change: ${answer.recommendation.summary}`);
    answer.recommendation.steps.forEach((step, index) => lines.push(`    ${index + 1}. ${step}`));
  }
  if (answer.missing.length > 0) lines.push('', '  no verdict for:', ...answer.missing.map((entry) => `    - ${entry}`));
  lines.push(
    '',
    `  answered from ${source.kind === 'result' ? 'a stored result' : 'runs made now'}: ${source.files.join(', ')} — backend ${source.backend}${source.standIns ? ' (stand-ins, not the upstream images)' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
