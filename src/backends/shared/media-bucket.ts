/**
 * The bucket of a slow-media-store Evolution (evolution-faults): one per Evolution service, on the run's object
 * store, created by Evolution itself at start as upstream does (evolution-api-2.x.md §2). Same name on every backend.
 */
export function mediaBucketFor(serviceId: string): string {
  const label = serviceId
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
  return `evolution-${label}`.slice(0, 63).replace(/-$/, '');
}
