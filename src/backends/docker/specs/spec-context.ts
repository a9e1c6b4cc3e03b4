import type { PlanSettings } from '../../../matrix/plan-types.ts';
import type { ImageResolver } from '../images.ts';

/** Secrets of one run: random per run, never printed (the redactor knows them). */
// A type, not an interface: Object.values then knows every value is a string.
export type RunSecrets = {
  postgresPassword: string;
  redisPassword: string;
  secretKeyBase: string;
  evolutionApiKey: string;
  /** MinIO root user = the S3 access key id Chatwoot uses. */
  s3AccessKeyId: string;
  s3SecretAccessKey: string;
  /** The access token of every Chatwoot's PlatformApp (twin: TWIN_PLATFORM_TOKEN; upstream: set by the platform-app step). */
  platformToken: string;
};

/** Everything a spec builder needs besides the planned service. */
export interface SpecContext {
  runId: string;
  createdAt: Date;
  images: ImageResolver;
  settings: PlanSettings;
  secrets: RunSecrets;
  /** Labels every resource of the run carries (labels.ts runLabels). */
  runLabels: Record<string, string>;
}

/** Defaults when a hand-made plan carries no settings (matrix.json's defaults). */
export const DEFAULT_PLAN_SETTINGS: PlanSettings = {
  chatwoot: { defaultLocale: 'en' },
  evolution: { language: 'en', qrRefreshMs: 40_000 },
  storage: { latencyMs: 6_000 },
};

export function secretValues(secrets: RunSecrets): string[] {
  return Object.values(secrets);
}
