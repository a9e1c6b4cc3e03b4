import type { DriftDifference } from '../model/drift-report.ts';
import { bodyShape, isRelied, valueAt } from './body-shape.ts';
import type { DriftProbe } from './drift-probes.ts';

/** One side's answer to a probe, before redaction. */
export interface Observation {
  /** HTTP status (a webhook: undefined). */
  status?: number;
  text: string;
  json: unknown;
  /** A delivered webhook's headers, lower-case names. */
  headers?: Record<string, string>;
  /** Fixture labels of the ids an ordering probe returned. */
  order?: string[];
  /** The request failed, or the webhook never came (with Chatwoot's reason when it gave one). */
  error?: string;
}

const ok = (status: number | undefined) => status === undefined || (status >= 200 && status < 300);
const mediaType = (value: string | undefined) => value?.split(';')[0]?.trim().toLowerCase();

/** Every difference between the attached server's answer and the twin's, on the aspects the probe compares. */
export function compareAnswers(probe: DriftProbe, attached: Observation, twin: Observation): DriftDifference[] {
  const differences: DriftDifference[] = [];
  const add = (aspect: DriftDifference['aspect'], a: unknown, t: unknown, path?: string) =>
    differences.push({
      aspect,
      ...(path === undefined ? {} : { path }),
      attached: a,
      twin: t,
      verdictRelevant: probe.verdictRelevant && (aspect !== 'shape' || isRelied(path ?? '', probe.relies)),
    });
  const compares = new Set(probe.compare);

  if (attached.error !== undefined || twin.error !== undefined) {
    const aspect = probe.kind === 'webhook' ? 'delivery' : 'status';
    if (attached.error !== twin.error) add(aspect, attached.error ?? 'answered', twin.error ?? 'answered');
    return differences;
  }
  if (compares.has('status') && attached.status !== twin.status) add('status', attached.status, twin.status);
  const sameStatus = attached.status === twin.status;

  if (compares.has('headers') && probe.kind === 'webhook') {
    for (const name of probe.headers) {
      const a = attached.headers?.[name];
      const t = twin.headers?.[name];
      if (name === 'content-type' ? mediaType(a) !== mediaType(t) : (a === undefined) !== (t === undefined)) {
        add(
          'headers',
          name === 'content-type' ? (mediaType(a) ?? 'absent') : a === undefined ? 'absent' : 'present',
          name === 'content-type' ? (mediaType(t) ?? 'absent') : t === undefined ? 'absent' : 'present',
          name,
        );
      }
    }
  }

  if (compares.has('shape') && sameStatus) {
    const a = bodyShape(attached.json);
    const t = bodyShape(twin.json);
    // Inside an array that is empty on one side (a filter that found nothing), element keys are not shape: order and status say it.
    const bothHaveElements = (path: string) =>
      [...path.matchAll(/\[\]/g)].every((match) => {
        const prefix = path.slice(0, match.index + 2);
        return a.has(prefix) && t.has(prefix);
      });
    for (const path of [...new Set([...a.keys(), ...t.keys()])].sort()) {
      if (!bothHaveElements(path)) continue;
      const at = a.get(path) ?? 'absent';
      const tt = t.get(path) ?? 'absent';
      // A null on one side and a value on the other is data (an unset field), not shape.
      if (at !== tt && at !== 'null' && tt !== 'null') add('shape', at, tt, path);
    }
  }

  if (compares.has('text')) {
    const wholeBody = probe.kind === 'rest' && (probe.exactBody === true || !ok(attached.status) || !ok(twin.status));
    if (wholeBody) {
      if (attached.text !== twin.text) add('text', attached.text, twin.text);
    } else {
      for (const path of probe.values ?? []) {
        const a = valueAt(attached.json, path);
        const t = valueAt(twin.json, path);
        if (JSON.stringify(a) !== JSON.stringify(t)) add('text', a, t, path);
      }
    }
  }

  if (compares.has('order') && sameStatus && ok(attached.status) && JSON.stringify(attached.order) !== JSON.stringify(twin.order)) {
    add('order', attached.order, twin.order);
  }
  return differences;
}
