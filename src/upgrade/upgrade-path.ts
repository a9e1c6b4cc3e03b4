import { isChatwootVersion, chatwootProfile, compareVersions, type ChatwootVersionProfile } from '../model/chatwoot-profiles.ts';
import { CHATWOOT_VERSIONS } from '../model/axes.ts';
import { DIAGNOSIS_RULES } from '../verdict/diagnosis-rules.ts';
import type { PairFinding, PairLookup } from './answer-upgrade.ts';
import type { Pair, UpgradeQuestion } from './upgrade-question.ts';

/** What a Chatwoot move goes through: every known profile from the current version to the target, and what changes. */
export interface UpgradePath {
  /** The Evolution version the walk holds (the target's). */
  evolution: string;
  /** Oldest first on an upgrade, newest first on a downgrade; current and target included. */
  steps: PairFinding[];
  /** Where the verdict changes, found by running: "breaks at 3.8.0 (contact_id)", "works again at 4.14.2". */
  changes: string[];
  /** What the profiles on the way say an operator must act on (upstream facts, not verdicts). */
  notes: string[];
}

/**
 * What changes between two profiles that an operator must act on, as the sheets state it (chatwoot-3.10-4.x.md §0, §5,
 * §M). Facts of upstream, not verdicts: whether a pair works comes from its run.
 */
const FACT_NOTES: readonly ((before: ChatwootVersionProfile, after: ChatwootVersionProfile) => string | undefined)[] = [
  (b, a) => (!b.needsPgvector && a.needsPgvector ? 'from 4.0.0 Chatwoot needs Postgres with pgvector (pgvector/pgvector:pg16)' : undefined),
  (b, a) =>
    b.signupFromEnv && !a.signupFromEnv
      ? 'from 4.3.0 ENABLE_ACCOUNT_SIGNUP in the environment no longer enables signup (the installation config decides)'
      : undefined,
  (b, a) =>
    !b.dataServicesLazy && a.dataServicesLazy
      ? 'from 4.3.0 GET /api may say data_services "failing" on a healthy server: check health with GET /health (4.11+)'
      : undefined,
  (b, a) => (!b.webhookSignature && a.webhookSignature ? 'from 4.13.0 webhooks are signed (X-Chatwoot-Signature with the inbox secret)' : undefined),
  (b, a) =>
    b.privateWebhookTargets === 'delivered' && a.privateWebhookTargets === 'refused'
      ? `${a.version} refuses webhooks to private addresses (Docker networks, LANs), with no switch: agent replies and bot commands stop reaching Evolution`
      : undefined,
  (b, a) =>
    b.privateWebhookTargets !== 'refused-unless-opt-out' && a.privateWebhookTargets === 'refused-unless-opt-out'
      ? 'from 4.14.1 set SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true where Evolution has a private address (still refused by default)'
      : undefined,
  (b, a) =>
    !b.conversationFilterAcceptsContactId && a.conversationFilterAcceptsContactId && b.validatesFilters
      ? `${a.version} accepts contact_id in the conversation filter again (PR #14629)`
      : undefined,
];

/** A short name for a breaking cause: the rule's `short`, else its id. */
function causesOf(finding: PairFinding): string[] {
  const causes = finding.breaking.map((scenario) => {
    const rule = scenario.diagnosis ? DIAGNOSIS_RULES.find((candidate) => candidate.id === scenario.diagnosis!.rule) : undefined;
    return rule?.short ?? rule?.id ?? 'undiagnosed';
  });
  return [...new Set(causes)];
}

/** The pairs a Chatwoot move walks through (excluding current and target), among the candidate versions. */
export function pathPairs(question: UpgradeQuestion): Pair[] {
  const from = question.current.chatwoot;
  const to = question.target.chatwoot;
  if (!question.moved.includes('chatwoot') || !isChatwootVersion(from) || !isChatwootVersion(to)) return [];
  const [low, high] = compareVersions(from, to) <= 0 ? [from, to] : [to, from];
  const candidates = question.candidates?.chatwoot ?? CHATWOOT_VERSIONS;
  return CHATWOOT_VERSIONS.filter((version) => compareVersions(version, low) > 0 && compareVersions(version, high) < 0 && candidates.includes(version))
    .sort((a, b) => (compareVersions(from, to) <= 0 ? compareVersions(a, b) : compareVersions(b, a)))
    .map((chatwoot) => ({ chatwoot, evolution: question.target.evolution }));
}

/** Walks the Chatwoot profiles between current and target with the target's Evolution; undefined when Chatwoot does not move. */
export function describePath(question: UpgradeQuestion, lookup: PairLookup): UpgradePath | undefined {
  if (!question.moved.includes('chatwoot')) return undefined;
  const start = { chatwoot: question.current.chatwoot, evolution: question.target.evolution };
  const steps = [lookup(start), ...pathPairs(question).map(lookup), lookup(question.target)];
  const changes: string[] = [];
  for (let i = 1; i < steps.length; i++) {
    const before = steps[i - 1]!;
    const after = steps[i]!;
    const version = after.pair.chatwoot;
    if (after.state === 'unknown' || before.state === 'unknown') continue;
    const newCauses = causesOf(after).filter((cause) => !causesOf(before).includes(cause));
    if (before.state === 'works' && after.state === 'breaks') changes.push(`breaks at ${version} (${causesOf(after).join(', ')})`);
    else if (before.state === 'breaks' && after.state === 'works') changes.push(`works again at ${version}`);
    else if (after.state === 'breaks' && newCauses.length > 0) changes.push(`${version} also breaks (${newCauses.join(', ')})`);
  }
  const notes: string[] = [];
  const profiles = steps
    .map((step) => step.pair.chatwoot)
    .filter(isChatwootVersion)
    .map(chatwootProfile);
  const upgrade = compareVersions(question.current.chatwoot, question.target.chatwoot) <= 0;
  for (let i = 1; i < profiles.length; i++) {
    // Facts read in release order even on a downgrade (what is lost on the way back is the same list).
    const [older, newer] = upgrade ? [profiles[i - 1]!, profiles[i]!] : [profiles[i]!, profiles[i - 1]!];
    for (const note of FACT_NOTES) {
      const text = note(older, newer);
      if (text && !notes.includes(text)) notes.push(text);
    }
  }
  return { evolution: question.target.evolution, steps, changes, notes };
}
