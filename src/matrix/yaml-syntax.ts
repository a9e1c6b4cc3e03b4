import { parseDocument, visit } from 'yaml';
import { MAX_JSON_DEPTH, pathTooDeep, positionOf } from './json-syntax.ts';

/**
 * How many alias expansions a file may cause. Our YAML files need none; a few are allowed for people
 * who share a block with an anchor. yaml's own default is 100; a "billion laughs" file needs millions.
 */
export const MAX_YAML_ALIAS_COUNT = 50;

function aliasBomb(): string {
  return `its YAML aliases expand to more than ${MAX_YAML_ALIAS_COUNT} nodes (an alias bomb?); write the values out instead`;
}

export type YamlCheck = { ok: true; value: unknown } | { ok: false; reason: string };

function firstLine(message: string): string {
  // yaml's pretty errors repeat the position and quote the source after it; the position is given separately.
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?\s*$/, '');
}

function aliasCount(document: ReturnType<typeof parseDocument>): number {
  let count = 0;
  visit(document, {
    Alias() {
      count++;
    },
  });
  return count;
}

/** An alias inside the node its anchor names (`a: &x [ *x ]`): toJS would build a cycle. Costs aliases × nodes: call with few aliases. */
function selfReference(document: ReturnType<typeof parseDocument>, text: string): string | undefined {
  let found: string | undefined;
  visit(document, {
    Alias(_key, alias, path) {
      const source = alias.resolve(document);
      if (source && (path as readonly unknown[]).includes(source)) {
        const { line, column } = positionOf(text, alias.range?.[0] ?? 0);
        found = `YAML alias *${alias.source} at line ${line}, column ${column} refers to the node that contains it (a self-reference)`;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Parses YAML for a configuration file and says in one line why it cannot be used: a syntax error
 * (with line and column), an alias bomb, a self-referencing alias, or nesting deeper than
 * MAX_JSON_DEPTH. Time and memory stay bounded by the file's size.
 */
export function checkYamlText(text: string): YamlCheck {
  const document = parseDocument(text, { prettyErrors: true });
  const error = document.errors[0];
  if (error) {
    const where = error.linePos?.[0] ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
    const what = /Maximum call stack size exceeded/.test(error.message) ? `nested too deeply` : firstLine(error.message);
    return { ok: false, reason: `invalid YAML${where}: ${what}` };
  }
  // More aliases than expansions allowed is a bomb whatever they point at; checked first, as resolving each alias scans the document.
  const aliases = aliasCount(document);
  if (aliases > MAX_YAML_ALIAS_COUNT) return { ok: false, reason: aliasBomb() };
  const cycle = selfReference(document, text);
  if (cycle) return { ok: false, reason: cycle };
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (failure) {
    const message = failure instanceof Error ? failure.message : String(failure);
    if (/Excessive alias count/.test(message)) {
      return { ok: false, reason: aliasBomb() };
    }
    return { ok: false, reason: `invalid YAML: ${firstLine(message)}` };
  }
  if (pathTooDeep(value)) return { ok: false, reason: `nested deeper than ${MAX_JSON_DEPTH} levels` };
  return { ok: true, value };
}
