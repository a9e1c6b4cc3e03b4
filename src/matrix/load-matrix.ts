import { MAX_CONFIG_FILE_BYTES, readTextFile } from '../common/read-text-file.ts';
import { ConfigError, type ConfigIssue } from '../errors/index.ts';
import type { SuiteCatalog } from '../model/suite-catalog-types.ts';
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, STORAGES, type ChatwootVersion, type EvolutionVersion, type Storage } from '../model/axes.ts';
import { parseJsonText } from './json-syntax.ts';
import type { MatrixConfig } from './matrix-config.ts';
import { checkMatrixRules } from './matrix-rules.ts';
import { MatrixFile, type MatrixFileParsed } from './matrix-schema.ts';
import { toConfigIssues } from './zod-config-issues.ts';

export type MatrixCheck =
  { config: MatrixConfig; warnings: ConfigIssue[]; errors: undefined } | { config: undefined; warnings: ConfigIssue[]; errors: ConfigIssue[] };

function asList<T>(value: T | T[] | undefined, all: readonly T[]): T[] {
  if (value === undefined) return [...all];
  return Array.isArray(value) ? value : [value];
}

/** Defaults are applied by zod; this spells out `when` axes and orders suites like the catalog. */
export function normaliseMatrix(parsed: MatrixFileParsed, catalog: SuiteCatalog, file: string | undefined): MatrixConfig {
  const selected = parsed.suites ?? catalog.map((suite) => suite.id);
  return {
    file,
    axes: { chatwoot: [...parsed.axes.chatwoot], evolution: [...parsed.axes.evolution], storage: [...parsed.axes.storage] },
    suites: catalog.map((suite) => suite.id).filter((id) => selected.includes(id)),
    settings: parsed.settings,
    expectations: parsed.expectations.map((expectation) => ({
      when: {
        chatwoot: asList<ChatwootVersion>(expectation.when.chatwoot, CHATWOOT_VERSIONS),
        evolution: asList<EvolutionVersion>(expectation.when.evolution, EVOLUTION_VERSIONS),
        storage: asList<Storage>(expectation.when.storage, STORAGES),
      },
      scenarios: [...expectation.scenarios],
      reason: expectation.reason,
      references: [...expectation.references],
    })),
    jobs: parsed.jobs,
  };
}

/** Parse → normalise → semantic rules (changesets' config pattern). Never throws on bad input. */
export function checkMatrix(input: unknown, catalog: SuiteCatalog, file?: string): MatrixCheck {
  const parsed = MatrixFile.safeParse(input);
  if (!parsed.success) {
    const errors = toConfigIssues(parsed.error.issues, input, MatrixFile).map((issue) => withAxisHint(issue));
    return { config: undefined, warnings: [], errors };
  }
  const config = normaliseMatrix(parsed.data, catalog, file);
  const { errors, warnings } = checkMatrixRules(config, parsed.data.suites, catalog);
  return errors.length > 0 ? { config: undefined, warnings, errors } : { config, warnings, errors: undefined };
}

const AXIS_VALUES: Record<string, readonly string[]> = { chatwoot: CHATWOOT_VERSIONS, evolution: EVOLUTION_VERSIONS, storage: STORAGES };

/** An empty axis is reported by zod as "too small"; say what it means and what could go there. */
function withAxisHint(issue: ConfigIssue): ConfigIssue {
  const match = /^axes\.(chatwoot|evolution|storage)$/.exec(issue.path);
  if (match && Array.isArray(issue.value) && issue.value.length === 0) {
    return { path: issue.path, message: 'empty axis: list at least one value', value: [], allowed: AXIS_VALUES[match[1]!] ?? [] };
  }
  return issue;
}

export interface LoadedMatrix {
  config: MatrixConfig;
  warnings: ConfigIssue[];
}

/** Reads and checks a matrix file; throws ConfigError (exit 2) naming every problem. */
export async function loadMatrixFile(file: string, catalog: SuiteCatalog): Promise<LoadedMatrix> {
  const read = await readTextFile(file, MAX_CONFIG_FILE_BYTES);
  if (!read.ok) {
    throw new ConfigError(`cannot read matrix file ${file}: ${read.reason}`, [], {
      details: { file },
      ...(read.errno === 'ENOENT' ? { hint: 'pass --matrix <file>, or run from the project root where matrix.json lives' } : {}),
    });
  }
  const check = checkMatrix(parseJsonText(read.text, file), catalog, file);
  if (check.errors) {
    const count = check.errors.length;
    throw new ConfigError(`${file} is invalid (${count} problem${count === 1 ? '' : 's'})`, check.errors, { details: { file } });
  }
  return { config: check.config, warnings: check.warnings };
}
