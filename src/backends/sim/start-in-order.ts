import { ErrorCodes, InfrastructureError } from '../../errors/index.ts';

export interface OrderedItem {
  id: string;
  dependsOn: readonly string[];
}

/**
 * Runs `start` for every item once all its dependencies finished, at most `concurrency` at a time.
 * The first failure stops new starts; items already running are awaited, then the failure is thrown.
 */
export async function startInDependencyOrder<T extends OrderedItem>(
  items: readonly T[],
  concurrency: number,
  start: (item: T) => Promise<void>,
): Promise<void> {
  const ids = new Set(items.map((item) => item.id));
  for (const item of items) {
    const missing = item.dependsOn.filter((dep) => !ids.has(dep));
    if (missing.length > 0)
      throw new InfrastructureError(ErrorCodes.serviceStart, `service ${item.id} depends on ${missing.join(', ')}, which the plan does not contain`);
  }
  const done = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const pending = [...items];
  // Boxed: a rejection reason may itself be undefined, and `undefined` here means "no failure yet".
  let failure: { reason: unknown } | undefined;
  const limit = Math.max(1, Math.floor(concurrency));

  while (pending.length > 0 || running.size > 0) {
    if (failure === undefined) {
      for (let i = 0; i < pending.length && running.size < limit;) {
        const item = pending[i]!;
        if (item.dependsOn.every((dep) => done.has(dep))) {
          pending.splice(i, 1);
          running.set(
            item.id,
            start(item).then(
              () => {
                done.add(item.id);
                running.delete(item.id);
              },
              (error: unknown) => {
                failure ??= { reason: error };
                running.delete(item.id);
              },
            ),
          );
        } else i += 1;
      }
    }
    if (running.size === 0) {
      if (failure !== undefined) break;
      if (pending.length > 0) {
        throw new InfrastructureError(ErrorCodes.serviceStart, `dependency cycle among services ${pending.map((item) => item.id).join(', ')}`);
      }
      break;
    }
    await Promise.race(running.values());
  }
  if (failure !== undefined) throw failure.reason;
}
