/**
 * One rule for what `clean` removes, for docker resources and temp folders alike: a leftover goes when its
 * owner is gone; a live owner's stays; one whose owner is unknown (older format, another host) stays until it
 * is old enough that no run can still use it. `--force` removes regardless of the owner; `--older-than`
 * restricts everything to what is at least that old.
 */
import type { OwnerState } from './process-identity.ts';

/** Age from which a leftover without a known owner is removed (no run lasts this long). */
export const UNKNOWN_OWNER_MAX_AGE_MS = 24 * 3600_000;

export interface LeftoverPolicy {
  force: boolean;
  /** --older-than, in ms. */
  olderThanMs?: number;
  /** Default UNKNOWN_OWNER_MAX_AGE_MS. */
  unknownOwnerMaxAgeMs?: number;
}

export interface LeftoverDecision {
  remove: boolean;
  reason: string;
}

export function formatAge(ms: number): string {
  if (ms < 90_000) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (ms < 90 * 60_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 48 * 3600_000) return `${Math.round(ms / 3600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}

/** ageMs undefined: the creation time is unreadable. */
export function decideLeftover(owner: OwnerState, ageMs: number | undefined, policy: LeftoverPolicy): LeftoverDecision {
  if (policy.olderThanMs !== undefined && (ageMs === undefined || ageMs < policy.olderThanMs)) {
    return {
      remove: false,
      reason:
        ageMs === undefined
          ? 'creation time unreadable, so not provably older than --older-than'
          : `only ${formatAge(ageMs)} old (--older-than ${formatAge(policy.olderThanMs)})`,
    };
  }
  if (policy.force) return { remove: true, reason: `--force (${owner.reason})` };
  if (owner.state === 'gone') return { remove: true, reason: owner.reason };
  if (owner.state === 'live') return { remove: false, reason: `${owner.reason}: a live run (--force removes it)` };
  const threshold = policy.olderThanMs ?? policy.unknownOwnerMaxAgeMs ?? UNKNOWN_OWNER_MAX_AGE_MS;
  if (ageMs !== undefined && ageMs >= threshold) return { remove: true, reason: `${owner.reason}, ${formatAge(ageMs)} old (over ${formatAge(threshold)})` };
  return {
    remove: false,
    reason: `${owner.reason}, ${ageMs === undefined ? 'age unknown' : `only ${formatAge(ageMs)} old`}: kept until ${formatAge(threshold)} old, as it may belong to a live run (--force or --older-than removes it)`,
  };
}
