import { describe, expect, it } from 'vitest';
import { parseContainerCommand } from './container-command.ts';

describe('parseContainerCommand', () => {
  it('serves Chatwoot on the port and binding of the compose rails command (chatwoot-3.7-3.9.md §5)', () => {
    expect(parseContainerCommand('chatwoot', 'rails.sh', ['bundle', 'exec', 'rails', 's', '-p', '3000', '-b', '0.0.0.0'])).toEqual({
      kind: 'serve',
      role: 'chatwoot',
      port: 3000,
      host: '0.0.0.0',
      dataDir: undefined,
    });
  });

  it('reads the command the same when bundle itself was invoked', () => {
    const action = parseContainerCommand('chatwoot', 'bundle', ['exec', 'rails', 'server', '--port=3100']);
    expect(action).toMatchObject({ kind: 'serve', port: 3100, host: '0.0.0.0' });
  });

  it('finishes the db prepare command with exit 0, saying why', () => {
    expect(parseContainerCommand('chatwoot', 'rails.sh', ['bundle', 'exec', 'rails', 'db:chatwoot_prepare'])).toMatchObject({
      kind: 'exit',
      code: 0,
      message: expect.stringContaining('in memory'),
    });
  });

  it("answers the sidekiq command with a placeholder that prints Sidekiq's readiness line", () => {
    const action = parseContainerCommand('chatwoot', 'bundle', ['exec', 'sidekiq', '-C', 'config/sidekiq.yml']);
    expect(action).toMatchObject({ kind: 'placeholder', name: 'sidekiq', port: undefined });
    expect((action as { lines: string[] }).lines).toContain('Starting processing, hit Ctrl-C to stop');
  });

  it('runs postgres and redis placeholders on their ports with the upstream readiness lines', () => {
    const postgres = parseContainerCommand('postgres', 'docker-entrypoint.sh', ['postgres']);
    expect(postgres).toMatchObject({ kind: 'placeholder', port: 5432 });
    expect((postgres as { lines: string[] }).lines.filter((line) => /database system is ready to accept connections/.test(line))).toHaveLength(2);
    const redis = parseContainerCommand('redis', 'redis-server', ['--requirepass', 'x']);
    expect(redis).toMatchObject({ kind: 'placeholder', port: 6379 });
    expect((redis as { lines: string[] }).lines.some((line) => /Ready to accept connections/.test(line))).toBe(true);
    expect(parseContainerCommand('redis', 'redis-server', ['--port', '6380'])).toMatchObject({ port: 6380 });
    expect(parseContainerCommand('postgres', 'docker-entrypoint.sh', ['mysqld'])).toMatchObject({ kind: 'exit', code: 1 });
  });

  it('refuses a Chatwoot command it does not know and a bad port', () => {
    expect(parseContainerCommand('chatwoot', 'bundle', ['exec', 'rake', 'foo'])).toMatchObject({ kind: 'exit', code: 2 });
    expect(parseContainerCommand('chatwoot', 'bundle', ['exec', 'rails', 's', '-p', 'x'])).toMatchObject({ kind: 'exit', code: 2 });
  });

  it("takes MinIO's data directory and address, with or without the minio word", () => {
    expect(parseContainerCommand('s3', 'docker-entrypoint.sh', ['server', '/data'])).toEqual({
      kind: 'serve',
      role: 's3',
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/data',
    });
    expect(
      parseContainerCommand('s3', 'docker-entrypoint.sh', ['minio', 'server', '--address', ':9100', '--console-address', ':9001', '/export']),
    ).toMatchObject({
      port: 9100,
      dataDir: '/export',
    });
    expect(parseContainerCommand('s3', 'docker-entrypoint.sh', ['minio'])).toMatchObject({ kind: 'exit', code: 1 });
    expect(parseContainerCommand('s3', 'docker-entrypoint.sh', ['server'])).toMatchObject({ kind: 'exit', code: 1 });
  });

  it('serves Evolution and the proxy from env alone', () => {
    expect(parseContainerCommand('evolution', 'main.js', [])).toMatchObject({ kind: 'serve', role: 'evolution', port: undefined, host: '0.0.0.0' });
    expect(parseContainerCommand('proxy', 'container-main.mjs', [])).toMatchObject({ kind: 'serve', role: 'proxy' });
  });
});
