/**
 * The one place image names are pinned. A bot (Renovate regex manager, Dependabot-style PR) bumps the
 * strings in UPSTREAM_IMAGES; nothing else in the code base names an upstream image.
 *
 * Per-image overrides (mirrors, private builds): env `EVOCHAT_IMAGE_<SLOT>` (slot upper-cased, `@`, `.`
 * and `-` as `_`, e.g. EVOCHAT_IMAGE_CHATWOOT_3_8_0, EVOCHAT_IMAGE_POSTGRES) or a JSON file named by
 * EVOCHAT_IMAGES_FILE (`{"chatwoot@3.8.0": "…", "postgres": "…"}`); env wins over the file.
 * TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX is applied by testcontainers to Docker Hub names (no registry part),
 * after overrides; `effectiveImageName` computes the same result for reports.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../../errors/index.ts';
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, type ChatwootVersion, type EvolutionVersion } from '../../model/axes.ts';
import { chatwootProfile } from '../../model/chatwoot-profiles.ts';
import { evolutionProfile } from '../../model/evolution-profiles.ts';
import type { RunPlan } from '../../matrix/plan-types.ts';

export type ImagesKind = 'upstream' | 'twin';

export type ChatwootSlot = `chatwoot@${ChatwootVersion}`;
export type EvolutionSlot = `evolution@${EvolutionVersion}`;
/** A role an image fills. Versioned products have one slot per version. */
export type ImageSlot = ChatwootSlot | EvolutionSlot | 'postgres' | 'postgres-pgvector' | 'redis' | 'minio' | 'proxy';

export const UPSTREAM_IMAGES = {
  // chatwoot-3.7-3.9.md §5: the compose file says chatwoot/chatwoot:latest; third-party files use the v-tags.
  'chatwoot@3.7.0': 'chatwoot/chatwoot:v3.7.0',
  'chatwoot@3.8.0': 'chatwoot/chatwoot:v3.8.0',
  'chatwoot@3.9.0': 'chatwoot/chatwoot:v3.9.0',
  // chatwoot-3.10-4.x.md §5: the compose file still says :latest; pinned to the release tags (Docker Hub tags not verified, §"How the versions were pinned").
  'chatwoot@3.16.0': 'chatwoot/chatwoot:v3.16.0',
  'chatwoot@4.0.4': 'chatwoot/chatwoot:v4.0.4',
  'chatwoot@4.12.1': 'chatwoot/chatwoot:v4.12.1',
  'chatwoot@4.13.0': 'chatwoot/chatwoot:v4.13.0',
  'chatwoot@4.14.0': 'chatwoot/chatwoot:v4.14.0',
  'chatwoot@4.14.2': 'chatwoot/chatwoot:v4.14.2',
  'chatwoot@4.15.1': 'chatwoot/chatwoot:v4.15.1',
  // evolution-api-1.7.md §7: Docker Hub atendai/evolution-api; the v-tags are what third-party files use.
  'evolution@1.7.4': 'atendai/evolution-api:v1.7.4',
  'evolution@1.7.5': 'atendai/evolution-api:v1.7.5',
  // evolution-api-2.x.md §1.4: atendai/… through 2.2.3, evoapicloud/evolution-api from 2.3.0; tags not verified against the registry.
  'evolution@2.1.2': 'atendai/evolution-api:v2.1.2',
  'evolution@2.2.3': 'atendai/evolution-api:v2.2.3',
  'evolution@2.3.6': 'evoapicloud/evolution-api:v2.3.6',
  // chatwoot-3.7-3.9.md §5: docker-compose.production.yaml pins postgres:12.
  postgres: 'postgres:12',
  // chatwoot-3.10-4.x.md §0.3, §5: from 4.0.0 the migrations need the `vector` extension; the compose file switches to this image.
  'postgres-pgvector': 'pgvector/pgvector:pg16',
  // Upstream's compose floats redis:alpine; Rails 7 / Sidekiq 7 want Redis 7 (§5 "Version requirements"). Pinned to a line.
  redis: 'redis:7.2-alpine',
  // The tag testcontainers-node's MinIO module pins (peers-and-conventions.md §1.2).
  minio: 'minio/minio:RELEASE.2024-12-13T22-19-12Z',
  // The harness's own recording/latency proxy: always built locally (scripts/build-twin-images.ts).
  proxy: 'localhost/evochat-twin/proxy:latest',
} as const satisfies Record<ImageSlot, string>;

/**
 * Locally built stand-ins (scripts/build-twin-images.ts). The `localhost/` registry part keeps
 * TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX away from them and makes plain that they are never pulled.
 * Postgres and Redis have no twin: the Chatwoot twin keeps its data in memory and runs its jobs
 * in-process, so with `--images twin` those containers are not started (see specs/chatwoot-specs.ts).
 */
export const TWIN_IMAGE_REPOSITORY = 'localhost/evochat-twin';
export const TWIN_IMAGES = {
  'chatwoot@3.7.0': `${TWIN_IMAGE_REPOSITORY}/chatwoot:3.7.0`,
  'chatwoot@3.8.0': `${TWIN_IMAGE_REPOSITORY}/chatwoot:3.8.0`,
  'chatwoot@3.9.0': `${TWIN_IMAGE_REPOSITORY}/chatwoot:3.9.0`,
  'chatwoot@3.16.0': `${TWIN_IMAGE_REPOSITORY}/chatwoot:3.16.0`,
  'chatwoot@4.0.4': `${TWIN_IMAGE_REPOSITORY}/chatwoot:4.0.4`,
  'chatwoot@4.12.1': `${TWIN_IMAGE_REPOSITORY}/chatwoot:4.12.1`,
  'chatwoot@4.13.0': `${TWIN_IMAGE_REPOSITORY}/chatwoot:4.13.0`,
  'chatwoot@4.14.0': `${TWIN_IMAGE_REPOSITORY}/chatwoot:4.14.0`,
  'chatwoot@4.14.2': `${TWIN_IMAGE_REPOSITORY}/chatwoot:4.14.2`,
  'chatwoot@4.15.1': `${TWIN_IMAGE_REPOSITORY}/chatwoot:4.15.1`,
  'evolution@1.7.4': `${TWIN_IMAGE_REPOSITORY}/evolution:1.7.4`,
  'evolution@1.7.5': `${TWIN_IMAGE_REPOSITORY}/evolution:1.7.5`,
  'evolution@2.1.2': `${TWIN_IMAGE_REPOSITORY}/evolution:2.1.2`,
  'evolution@2.2.3': `${TWIN_IMAGE_REPOSITORY}/evolution:2.2.3`,
  'evolution@2.3.6': `${TWIN_IMAGE_REPOSITORY}/evolution:2.3.6`,
  minio: `${TWIN_IMAGE_REPOSITORY}/s3:latest`,
  // Not a twin: a real PostgreSQL 15 built here (docker/twin/postgresql.Dockerfile), for Evolution 2.x, which needs a
  // database; the Chatwoot twin needs none, so twin runs start it only for 2.x Evolutions.
  postgres: `${TWIN_IMAGE_REPOSITORY}/postgres:15`,
  proxy: UPSTREAM_IMAGES.proxy,
} as const satisfies Partial<Record<ImageSlot, string>>;

/**
 * Placeholders for the containers the twins make unnecessary (Postgres, Redis): they print the upstream
 * readiness lines and accept TCP, nothing more. Never used by `--images twin`; they exist so the upstream
 * topology (postgres → redis → db prepare → rails + sidekiq) can run end to end on this machine, with
 * EVOCHAT_IMAGE_* overrides pointing every upstream slot at a local image (docker e2e tests).
 */
export const PLACEHOLDER_IMAGES = {
  postgres: `${TWIN_IMAGE_REPOSITORY}/postgres-placeholder:12`,
  redis: `${TWIN_IMAGE_REPOSITORY}/redis-placeholder:7`,
} as const satisfies Partial<Record<ImageSlot, string>>;

/** Slots that are always built here, whatever the kind. */
export const LOCAL_SLOTS: readonly ImageSlot[] = ['proxy'];

export const IMAGE_SLOTS: readonly ImageSlot[] = Object.keys(UPSTREAM_IMAGES) as ImageSlot[];

export function chatwootSlot(version: ChatwootVersion): ChatwootSlot {
  return `chatwoot@${version}`;
}

export function evolutionSlot(version: EvolutionVersion): EvolutionSlot {
  return `evolution@${version}`;
}

/** `chatwoot@3.8.0` → `EVOCHAT_IMAGE_CHATWOOT_3_8_0`. */
export function overrideEnvName(slot: ImageSlot): string {
  return `EVOCHAT_IMAGE_${slot.toUpperCase().replace(/[@.-]/g, '_')}`;
}

const imageNamePattern = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

const overrideFileSchema = z.record(z.string(), z.string().trim().regex(imageNamePattern, 'must be an image reference such as registry/name:tag'));

/** Reads the overrides from env and the optional JSON file; unknown slots and malformed names are config errors. */
export function readImageOverrides(
  env: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): Partial<Record<ImageSlot, string>> {
  const overrides: Partial<Record<ImageSlot, string>> = {};
  const issues: ConfigIssue[] = [];
  const file = env.EVOCHAT_IMAGES_FILE;
  if (file) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFile(file));
    } catch (error) {
      throw new ConfigError(`EVOCHAT_IMAGES_FILE ${file}: ${(error as Error).message}`, [
        { path: 'EVOCHAT_IMAGES_FILE', message: 'unreadable or not JSON', value: file },
      ]);
    }
    const parsed = overrideFileSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ path: issue.path.join('.'), message: issue.message });
    } else {
      for (const [slot, image] of Object.entries(parsed.data)) {
        if ((IMAGE_SLOTS as readonly string[]).includes(slot)) overrides[slot as ImageSlot] = image;
        else issues.push({ path: slot, message: 'unknown image slot', allowed: IMAGE_SLOTS });
      }
    }
  }
  for (const slot of IMAGE_SLOTS) {
    const value = env[overrideEnvName(slot)]?.trim();
    if (!value) continue;
    if (!imageNamePattern.test(value)) issues.push({ path: overrideEnvName(slot), message: 'must be an image reference such as registry/name:tag', value });
    else overrides[slot] = value;
  }
  if (issues.length > 0) throw new ConfigError('invalid image overrides', issues);
  return overrides;
}

export interface ResolvedImage {
  slot: ImageSlot;
  /** What the harness asks testcontainers for (pinned name or override). */
  requested: string;
  /** After TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX: the name the engine sees. */
  effective: string;
  /** Built on this machine by scripts/build-twin-images.ts; never pulled. */
  local: boolean;
}

const registryLike = (part: string) => part.includes('.') || part.includes(':') || part === 'localhost';

/**
 * The name testcontainers 11 ends up using (container-runtime/image-name.ts semantics): the prefix applies
 * only to names without a registry part; a prefix without a registry part is taken as the registry.
 */
export function effectiveImageName(name: string, prefix: string | undefined): string {
  const parts = name.split('/');
  if (!prefix || (parts.length > 1 && registryLike(parts[0]!))) return name;
  const prefixParts = prefix.split('/');
  const prefixHasRegistry = prefixParts.length > 1 && registryLike(prefixParts[0]!);
  if (!prefixHasRegistry) return `${prefix}/${name}`;
  const registry = prefixParts[0]!;
  let imagePrefix = prefix.substring(prefix.indexOf('/') + 1);
  if (imagePrefix) imagePrefix = imagePrefix.replace(/\/?$/, '/');
  return `${registry}/${imagePrefix}${name}`;
}

export interface ImageResolver {
  kind: ImagesKind;
  resolve(slot: ImageSlot): ResolvedImage;
}

export function createImageResolver(kind: ImagesKind, env: NodeJS.ProcessEnv = process.env, overrides = readImageOverrides(env)): ImageResolver {
  const prefix = env.TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX || undefined;
  return {
    kind,
    resolve(slot) {
      const local = LOCAL_SLOTS.includes(slot) || kind === 'twin';
      let requested: string;
      if (LOCAL_SLOTS.includes(slot)) requested = UPSTREAM_IMAGES[slot];
      else if (kind === 'twin') {
        const twin = (TWIN_IMAGES as Partial<Record<ImageSlot, string>>)[slot];
        if (twin === undefined) throw new ConfigError(`no twin image stands in for "${slot}"`, [{ path: 'images', message: `no twin for ${slot}` }]);
        requested = twin;
      } else requested = overrides[slot] ?? UPSTREAM_IMAGES[slot];
      return { slot, requested, effective: local ? requested : effectiveImageName(requested, prefix), local };
    },
  };
}

/** The Postgres a Chatwoot version needs: plain up to 3.x, with pgvector from 4.0.0 (chatwoot-3.10-4.x.md §0.3). */
export function postgresSlotFor(version: ChatwootVersion): 'postgres' | 'postgres-pgvector' {
  return chatwootProfile(version).needsPgvector ? 'postgres-pgvector' : 'postgres';
}

/**
 * A Chatwoot ≥ 4.0 on a Postgres image that is not a pgvector one fails in `db:chatwoot_prepare` ("Failed to enable
 * 'vector' extension", §0.3) minutes into a run; said at plan time instead. An override (a mirror, a private build)
 * passes when its name says pgvector.
 */
export function assertPgvectorImage(version: ChatwootVersion, image: ResolvedImage): void {
  if (!chatwootProfile(version).needsPgvector || /pgvector/i.test(image.requested)) return;
  throw new ConfigError(
    `Chatwoot ${version} needs Postgres with the pgvector extension; the ${image.slot} image is ${image.requested}`,
    [{ path: overrideEnvName(image.slot), message: 'a 4.x Chatwoot needs a pgvector image (e.g. pgvector/pgvector:pg16)', value: image.requested }],
    { hint: `unset ${overrideEnvName(image.slot)} or point it at a pgvector image (its name must say pgvector)` },
  );
}

/** Slots a plan needs with the given image kind, in a stable order. */
export function slotsForPlan(plan: RunPlan, kind: ImagesKind): ImageSlot[] {
  const slots = new Set<ImageSlot>(['proxy']);
  for (const service of plan.services) {
    switch (service.kind) {
      case 'chatwoot':
        slots.add(chatwootSlot(service.version as ChatwootVersion));
        if (kind === 'upstream') {
          slots.add(postgresSlotFor(service.version as ChatwootVersion));
          slots.add('redis');
        }
        break;
      case 'evolution':
        slots.add(evolutionSlot(service.version as EvolutionVersion));
        // 2.x runs its own Postgres (evolution-spec.ts), with both image kinds.
        if (evolutionProfile(service.version as EvolutionVersion).databaseRequired) slots.add('postgres');
        break;
      case 's3':
        slots.add('minio');
        break;
      case 'storage-latency-proxy':
        // The harness's own proxy adds the latency (in the set already), with upstream and twin images alike.
        break;
    }
  }
  return IMAGE_SLOTS.filter((slot) => slots.has(slot));
}

/** Every image a plan needs (for `--backend auto` and doctor: present locally, or pullable?). */
export function imagesForPlan(plan: RunPlan, kind: ImagesKind, env: NodeJS.ProcessEnv = process.env): ResolvedImage[] {
  const resolver = createImageResolver(kind, env);
  return slotsForPlan(plan, kind).map((slot) => resolver.resolve(slot));
}

// Keep the version axes and the pinned table in step: a new axis value without an image fails at load.
for (const version of CHATWOOT_VERSIONS) if (!(chatwootSlot(version) in UPSTREAM_IMAGES)) throw new Error(`no image pinned for chatwoot ${version}`);
for (const version of EVOLUTION_VERSIONS) if (!(evolutionSlot(version) in UPSTREAM_IMAGES)) throw new Error(`no image pinned for evolution ${version}`);
