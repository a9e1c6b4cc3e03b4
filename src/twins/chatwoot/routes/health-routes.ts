import type { Hono } from 'hono';
import type { TwinDeps, TwinEnv } from '../twin-context.ts';

/** `YYYY-MM-DD HH:MM:SS` in UTC (`Time.now.to_fs(:db)`). */
function dbTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

/** ApiController#index, the only health route (chatwoot-3.7-3.9.md §5): no auth, always 200. */
export function registerHealthRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  app.get('/api', (c) => c.json({ version: deps.config.version, timestamp: dbTime(deps.now()), queue_services: 'ok', data_services: 'ok' }));
  app.get('/', (c) => c.html('<!DOCTYPE html><html><head><title>Chatwoot</title></head><body><div id="app"></div></body></html>'));
}
