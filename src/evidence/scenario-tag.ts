import type { ExchangeScenario } from '../result/result-schema.ts';

/** Longest header value accepted: a cell id and a scenario id, percent-encoded. */
const MAX_TAG_CHARS = 512;

/** The HARNESS_SCENARIO_HEADER value naming a cell's scenario: `<cell> <scenario id>`, each percent-encoded. */
export function formatScenarioTag(tag: ExchangeScenario): string {
  return `${encodeURIComponent(tag.cell)} ${encodeURIComponent(tag.id)}`;
}

/** The scenario a HARNESS_SCENARIO_HEADER value names; undefined when absent or malformed (then nothing is recorded). */
export function parseScenarioTag(value: string | readonly string[] | undefined): ExchangeScenario | undefined {
  if (typeof value !== 'string' || value.length > MAX_TAG_CHARS) return undefined;
  const match = /^(\S+) (\S+)$/.exec(value.trim());
  if (!match) return undefined;
  try {
    const cell = decodeURIComponent(match[1]!);
    const id = decodeURIComponent(match[2]!);
    return cell !== '' && id !== '' ? { cell, id } : undefined;
  } catch {
    return undefined;
  }
}
