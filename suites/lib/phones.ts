import { createHash } from 'node:crypto';

/**
 * A WhatsApp-style number (digits only, Brazilian mobile shape 55 + DDD + 9 digits) that is stable for
 * a cell and purpose and distinct between them, so suites sharing a cell's account never share a contact.
 */
export function phoneFor(cellId: string, purpose: string): string {
  const digest = createHash('sha256').update(`${cellId}/${purpose}`).digest();
  const eight = (digest.readUInt32BE(0) % 100_000_000).toString().padStart(8, '0');
  return `55119${eight}`;
}
