/** Test helper: a fixed spec context, so spec tests compare against literal values. */
import { createImageResolver, type ImagesKind } from '../images.ts';
import { runLabels } from '../labels.ts';
import { DEFAULT_PLAN_SETTINGS, type RunSecrets, type SpecContext } from './spec-context.ts';

export const TEST_SECRETS: RunSecrets = {
  postgresPassword: 'pg-secret-1234',
  redisPassword: 'redis-secret-1234',
  secretKeyBase: 'skb-0123456789abcdef',
  evolutionApiKey: 'evo-key-1234',
  s3AccessKeyId: 'evochat-access',
  s3SecretAccessKey: 's3-secret-1234',
  platformToken: 'platform-secret-1234',
};

export function testSpecContext(kind: ImagesKind, env: NodeJS.ProcessEnv = {}): SpecContext {
  const createdAt = new Date('2026-01-02T03:04:05.000Z');
  return {
    runId: 'run-1',
    createdAt,
    images: createImageResolver(kind, env, {}),
    settings: DEFAULT_PLAN_SETTINGS,
    secrets: TEST_SECRETS,
    runLabels: runLabels('run-1', createdAt),
  };
}
