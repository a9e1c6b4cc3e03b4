import { UsageError } from '../errors/index.ts';
import type { ChatwootVersion, EvolutionVersion } from '../model/axes.ts';
import type { MatrixConfig } from '../matrix/matrix-config.ts';
import type { RunPlan } from '../matrix/plan-types.ts';
import { planRun } from '../matrix/plan.ts';
import { selectCells, type CellFilters } from '../matrix/select-cells.ts';

/**
 * The plan of a run against an attached Chatwoot: its profile is the whole Chatwoot axis, storage is the server's own
 * (the cells say `local`: the harness cannot switch or inspect its store), Evolution and suites as matrix.json and the
 * filters say. Services that would need a second Chatwoot of that version (a fault variant) are dropped: their
 * scenarios skip with the reason, as on any backend that cannot provide them.
 */
export function planAttachedRun(config: MatrixConfig, filters: CellFilters, profile: ChatwootVersion, evolution?: EvolutionVersion): RunPlan {
  if (filters.chatwoot) throw new UsageError('--chatwoot and --chatwoot-url exclude each other: the attached server is the Chatwoot axis');
  if (evolution && filters.evolution && filters.evolution.some((version) => version !== evolution)) {
    throw new UsageError(`--evolution and --evolution-url exclude each other: the attached Evolution (${evolution}) is the Evolution axis`);
  }
  if (filters.storage && filters.storage.some((storage) => storage !== 'local')) {
    throw new UsageError('--storage with --chatwoot-url: the attached server stores attachments its own way; its cells run as `local`');
  }
  const axes = { ...config.axes, chatwoot: [profile], storage: ['local' as const], ...(evolution ? { evolution: [evolution] } : {}) };
  const attachedConfig: MatrixConfig = { ...config, axes };
  const { storage: _storage, ...rest } = filters;
  const plan = planRun(selectCells(attachedConfig, evolution ? { ...rest, evolution: undefined } : rest), config.settings);
  // An attached Evolution is one server with its own settings: its fault variants are dropped like the Chatwoot's.
  const services = plan.services.filter(
    (service) => (service.kind !== 'chatwoot' && (service.kind !== 'evolution' || !evolution)) || service.variant === 'standard',
  );
  return { ...plan, services };
}
