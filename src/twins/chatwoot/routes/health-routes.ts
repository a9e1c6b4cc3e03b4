import type { Hono } from 'hono';
import type { TwinDeps, TwinEnv } from '../twin-context.ts';

/** Routes that touch no database: they never warm the connection pool. */
export const HEALTH_PATHS: ReadonlySet<string> = new Set(['/api', '/health', '/']);

/** `YYYY-MM-DD HH:MM:SS` in UTC (`Time.now.to_fs(:db)`). */
function dbTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * ApiController#index (chatwoot-3.7-3.9.md §5): no auth, always 200. From 4.11.0 also `GET /health` (HealthController,
 * PR #13386): `{"status":"woot"}`, touching neither database nor Redis (chatwoot-3.10-4.x.md §5).
 */
export function registerHealthRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  // 4.3.0+ (Rails 7.1 connects lazily): `connection.active?` is false until a pooled connection has run a query (§M 3).
  const dataServices = () => (deps.config.profile.dataServicesLazy && !deps.state.dataTouched ? 'failing' : 'ok');
  app.get('/api', (c) => c.json({ version: deps.config.apiVersion, timestamp: dbTime(deps.now()), queue_services: 'ok', data_services: dataServices() }));
  if (deps.config.profile.healthRoute) app.get('/health', (c) => c.json({ status: 'woot' }));
  app.get('/', (c) => c.html('<!DOCTYPE html><html><head><title>Chatwoot</title></head><body><div id="app"></div></body></html>'));
}
