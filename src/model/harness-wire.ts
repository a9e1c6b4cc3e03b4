/** The wire contract between the harness's clients and its recording proxies: two headers and a reserved path. */
import type { ExchangeScenario } from './result-schema.ts';

/** Requests carrying this header are the harness's own; the proxy relabels them `harness-><target>` and strips the header. */
export const HARNESS_LINK_HEADER = 'x-evochat-link';
/** Value the harness sends in HARNESS_LINK_HEADER. */
export const HARNESS_LINK_VALUE = 'harness';
/**
 * A scenario's clients also name the scenario that sends (formatScenarioTag below); the proxy records it on the exchange
 * (`Exchange.scenario`) and strips the header, like HARNESS_LINK_HEADER.
 */
export const HARNESS_SCENARIO_HEADER = 'x-evochat-scenario';
/** Reserved path prefix for the proxies' control API; neither product serves anything below it. */
export const CONTROL_PREFIX = '/__evochat/';

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
