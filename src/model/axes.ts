/** The axes the harness knows. matrix.json may select a subset; it cannot invent values. */
export const CHATWOOT_VERSIONS = ['3.7.0', '3.8.0', '3.9.0', '3.16.0', '4.0.4', '4.12.1', '4.13.0', '4.14.0', '4.14.2', '4.15.1'] as const;
export const EVOLUTION_VERSIONS = ['1.7.4', '1.7.5', '2.1.2', '2.2.3', '2.3.6'] as const;
export const STORAGES = ['local', 'minio'] as const;
export const BACKENDS = ['sim', 'docker', 'attach'] as const;
/** What `--backend` may ask for: `auto` picks docker or sim; attach is doctor's, never requested. */
export const REQUESTED_BACKENDS = ['auto', 'sim', 'docker'] as const;
/** What `--images` may ask of the docker backend: the upstream images, or our twins built as images. */
export const IMAGE_KINDS = ['upstream', 'twin'] as const;

export type ChatwootVersion = (typeof CHATWOOT_VERSIONS)[number];
export type EvolutionVersion = (typeof EVOLUTION_VERSIONS)[number];
/** Evolution's two products as Chatwoot sees them: 1.7.x (JSON store, snake_case) and 2.x (Prisma, CHATWOOT_ENABLED, camelCase). */
export type EvolutionGeneration = '1.7' | '2';
export type Storage = (typeof STORAGES)[number];
export type BackendName = (typeof BACKENDS)[number];
export type RequestedBackend = (typeof REQUESTED_BACKENDS)[number];
export type ImagesKind = (typeof IMAGE_KINDS)[number];

export interface CellKey {
  chatwoot: ChatwootVersion;
  evolution: EvolutionVersion;
  storage: Storage;
}

export function cellId(key: CellKey): string {
  return `cw${key.chatwoot}-evo${key.evolution}-${key.storage}`;
}

export function evolutionGeneration(version: EvolutionVersion): EvolutionGeneration {
  return version.startsWith('1.') ? '1.7' : '2';
}
