import type { CellKey } from '../model/axes.ts';
import type { Capability } from '../model/capabilities.ts';

/**
 * Prefix of every instance a cell creates on a shared Evolution, e.g. `c380e174minio-`. Short (it
 * becomes part of inbox names), distinct per cell, and distinctive enough to attribute log lines and
 * webhook paths to the cell. Every backend must use this so evidence attribution works the same.
 */
export function instancePrefixFor(cell: CellKey): string {
  return `c${cell.chatwoot.replace(/\./g, '')}e${cell.evolution.replace(/\./g, '')}${cell.storage}-`;
}

export interface CapabilityInputs {
  evidence: boolean;
  writes: boolean;
  /** A simulated WhatsApp is attached to the cell's Evolution (twin Evolution only). */
  whatsappPeer: boolean;
  /** The cell's Chatwoot stores attachments in an S3 store the harness can inspect. */
  s3Inspect: boolean;
  /** A latency proxy sits between a Chatwoot of this cell and its store. */
  storageLatency: boolean;
}

/** Capabilities in a stable order, from what the backend provides. */
export function capabilitiesOf(inputs: CapabilityInputs): Capability[] {
  const order: Capability[] = ['evidence', 'writes', 'whatsappPeer', 's3Inspect', 'storageLatency'];
  return order.filter((capability) => inputs[capability]);
}
