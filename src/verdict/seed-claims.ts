import { chatwootProfile, compareVersions } from '../model/chatwoot-profiles.ts';
import type { CellResult, ScenarioResult } from '../model/result-schema.ts';
import { evolutionProfile } from '../model/evolution-profiles.ts';

/** What a run observed that contradicts a claim of the seed guide. */
export interface SeedClaimContradiction {
  observed: string;
  cells: string[];
}

/**
 * A claim of the seed troubleshooting guide (seed/SEED-en.md), with a predicate over a run's cells
 * that says whether the results contradict it. Nothing here is hard-coded as true or false: a claim is
 * reported only when the cells that ran say otherwise.
 */
export interface SeedClaim {
  id: string;
  /** The claim, as the guide makes it. */
  claim: string;
  /** Where the guide says it. */
  seedSection: string;
  contradictedBy(cells: readonly CellResult[]): SeedClaimContradiction | undefined;
}

/** Chatwoot 3.8.0 or later: the versions with PR #8239's filter validation (the guide's "3.8.0/3.9.0"). */
const atLeast38 = (cell: CellResult) => chatwootProfile(cell.chatwoot).validatesFilters;
const ran = (scenario: ScenarioResult | undefined) => scenario !== undefined && (scenario.status === 'pass' || scenario.status === 'break');
const scenario = (cell: CellResult, id: string) => cell.scenarios.find((candidate) => candidate.id === id);
const compatibility = (cell: CellResult) => cell.scenarios.filter((candidate) => (candidate.kind ?? 'compatibility') === 'compatibility');
const versions = (cells: readonly CellResult[], axis: 'chatwoot' | 'evolution') =>
  [...new Set(cells.map((cell) => cell[axis]))].sort(compareVersions).join(', ');
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export const SEED_CLAIMS: readonly SeedClaim[] = [
  {
    id: 'evolution-1.7.5-did-not-fully-fix',
    claim: 'Evolution API 1.7.4/1.7.5 with Chatwoot 3.8.0/3.9.0 fails; v1.7.5 "did not fully solve" the incompatibility',
    seedSection: 'Problem; Best practices 4',
    contradictedBy(cells) {
      const candidates = cells.filter((cell) => cell.evolution === '1.7.5' && atLeast38(cell));
      if (candidates.some((cell) => cell.status === 'break')) return undefined;
      const working = candidates.filter((cell) => cell.status === 'pass');
      if (working.length === 0) return undefined;
      const passed = working.reduce((sum, cell) => sum + compatibility(cell).filter((s) => s.status === 'pass').length, 0);
      // The scenarios that show the contact_id break on 1.7.4, named when they passed here.
      const telling = ['bot-command/status-round-trip', 'qr-delivery/qr-image-posted', 'filter-contract/bot-conversation-lookup'].filter((id) =>
        working.every((cell) => scenario(cell, id)?.status === 'pass'),
      );
      return {
        observed: `Evolution 1.7.5 passed every compatibility scenario it ran on Chatwoot ${versions(working, 'chatwoot')} (${plural(working.length, 'cell')}, ${plural(passed, 'scenario')} passed${telling.length > 0 ? `, ${telling.join(', ')} among them` : ''})`,
        cells: working.map((cell) => cell.id),
      };
    },
  },
  {
    id: 'chatwoot-3.8-rejects-contact-id',
    claim: 'From v3.8.0 Chatwoot no longer accepts contact_id as a conversation filter key (422 "Chave de atributo inválido - [contact_id]")',
    seedSection: 'Errors seen in the logs 1; Root causes 1',
    contradictedBy(cells) {
      const accepted = cells.filter(
        (cell) => atLeast38(cell) && cell.evolution === '1.7.4' && scenario(cell, 'filter-contract/bot-conversation-lookup')?.status === 'pass',
      );
      if (accepted.length === 0) return undefined;
      // 4.14.2 put contact_id back (PR #14629): there the claim is simply out of date, true from 3.8.0 until 4.14.1.
      const readded = accepted.filter((cell) => chatwootProfile(cell.chatwoot).conversationFilterAcceptsContactId);
      const otherwise = accepted.filter((cell) => !readded.includes(cell));
      const parts = [
        ...(otherwise.length > 0
          ? [`Chatwoot ${versions(otherwise, 'chatwoot')} answered Evolution 1.7.4's contact_id conversation filter without an error`]
          : []),
        ...(readded.length > 0
          ? [
              `Chatwoot ${versions(readded, 'chatwoot')} accepted Evolution 1.7.4's contact_id conversation filter: contact_id is a filter key again from 4.14.2 (PR #14629), so the claim holds from 3.8.0 until 4.14.1`,
            ]
          : []),
      ];
      return { observed: parts.join('; '), cells: accepted.map((cell) => cell.id) };
    },
  },
  {
    id: 'downgrade-chatwoot-3.7.0-works',
    claim: 'Downgrading Chatwoot to v3.7.0 works around the incompatibility',
    seedSection: 'Remedies named',
    contradictedBy(cells) {
      const broken = cells.filter((cell) => cell.chatwoot === '3.7.0' && cell.status === 'break');
      if (broken.length === 0) return undefined;
      const ids = [
        ...new Set(
          broken.flatMap((cell) =>
            compatibility(cell)
              .filter((s) => s.status === 'break')
              .map((s) => s.id),
          ),
        ),
      ];
      return { observed: `Chatwoot 3.7.0 broke with Evolution ${versions(broken, 'evolution')}: ${ids.join(', ')}`, cells: broken.map((cell) => cell.id) };
    },
  },
  {
    id: 'chatwoot-enabled-required',
    claim: 'CHATWOOT_ENABLED must be set to true in Evolution (it defaults to false)',
    seedSection: 'Root causes 2; Remedies named',
    contradictedBy(cells) {
      // Only where the switch does not exist: on 2.x the harness sets it (the grid's precondition) and the claim holds
      // (evolution-faults/chatwoot-enabled-unset shows the 400s without it).
      const created = cells.filter(
        (cell) => !evolutionProfile(cell.evolution).chatwootEnabledSwitch && scenario(cell, 'instance-bootstrap/inbox-created')?.status === 'pass',
      );
      if (created.length === 0) return undefined;
      return {
        observed: `Evolution ${versions(created, 'evolution')} created the Chatwoot inbox without CHATWOOT_ENABLED (the variable only exists from Evolution 2.0)`,
        cells: created.map((cell) => cell.id),
      };
    },
  },
  {
    id: 'slow-s3-breaks-initialisation',
    claim: 'With S3 storage instead of local storage, slow image loading can make initialisation fail',
    seedSection: 'Root causes 3',
    contradictedBy(cells) {
      // Evolution 2.x's own S3 (its media store) is where the guide's claim can be tested directly (evolution-api-2.x.md §2.4).
      const mediaStore = cells.filter((cell) => scenario(cell, 'evolution-faults/slow-media-store')?.status === 'pass');
      const minio = cells.filter((cell) => cell.storage === 'minio');
      const initialisation = minio.flatMap((cell) => cell.scenarios.filter((s) => s.suite === 'instance-bootstrap' && ran(s)));
      if (initialisation.length === 0 || initialisation.some((s) => s.status !== 'pass')) {
        if (mediaStore.length === 0) return undefined;
        return {
          observed: `With latency on Evolution ${versions(mediaStore, 'evolution')}'s own S3 media store, inbound media still reached Chatwoot at once (evolution-faults/slow-media-store): Evolution stores its copy after the Chatwoot post`,
          cells: mediaStore.map((cell) => cell.id),
        };
      }
      const slow = minio
        .map((cell) => ({ cell, result: scenario(cell, 'config-faults/slow-storage') }))
        .filter((entry) => entry.result?.status === 'break' && entry.result.diagnosis?.rule === 'webhook-timeout-slow-storage');
      if (slow.length === 0) return undefined;
      return {
        observed: `On MinIO, initialisation (instance-bootstrap) passed in ${plural(new Set(minio.filter((cell) => cell.scenarios.some((s) => s.suite === 'instance-bootstrap' && s.status === 'pass')).map((cell) => cell.id)).size, 'cell')}; with storage latency injected, what failed was a reply Chatwoot marked failed after its 5 s webhook timeout (${slow[0]!.result!.diagnosis!.rule}), not initialisation`,
        cells: slow.map((entry) => entry.cell.id),
      };
    },
  },
];

/** The seed claims this run contradicts, with what it observed. */
export function findSeedContradictions(
  cells: readonly CellResult[],
  claims: readonly SeedClaim[] = SEED_CLAIMS,
): Array<{ id: string; claim: string; observed: string; cells: string[] }> {
  const found: Array<{ id: string; claim: string; observed: string; cells: string[] }> = [];
  for (const claim of claims) {
    const contradiction = claim.contradictedBy(cells);
    if (contradiction) found.push({ id: claim.id, claim: `${claim.claim} (troubleshooting guide: ${claim.seedSection})`, ...contradiction });
  }
  return found;
}
