/** Secrets shorter than this are never matched by value (they would clobber ordinary text). */
export const MIN_SECRET_LENGTH = 4;

const FILTER_BITS = 16;
const FILTER_MASK = (1 << FILTER_BITS) - 1;
const FEW = 16;

interface Entry {
  secret: string;
  /** Registration order, so a caller can replace only what was added after a point. */
  seq: number;
}

/** Must equal the rolling computation in replace(). */
function filterIndex(text: string, at: number): number {
  return (text.charCodeAt(at) * 961 + text.charCodeAt(at + 1) * 31 + text.charCodeAt(at + 2)) & FILTER_MASK;
}

function anchorKey(text: string, at: number): number {
  return text.charCodeAt(at) * 2 ** 32 + text.charCodeAt(at + 1) * 2 ** 16 + text.charCodeAt(at + 2);
}

/**
 * Finds any of a growing set of literal secrets in one left-to-right pass (longest match wins at a position).
 * A run registers hundreds of secrets (tokens, instance keys) while it redacts megabytes, so the set must grow
 * cheaply. Measured on 16 MB with 1,000 secrets: one `split` per secret 6 s, one alternation RegExp 7.7 s,
 * @monyone/aho-corasick 0.95-1.8 s plus a rebuild per change; this, about 0.25 s. Each position costs a
 * 64 Ki-bit filter probe on its first three characters; only a hit looks the secrets up.
 */
export class SecretMatcher {
  private readonly filter = new Uint8Array(1 << FILTER_BITS);
  private readonly byAnchor = new Map<number, Entry[]>();
  private readonly known = new Set<string>();
  private readonly ordered: string[] = [];

  get size(): number {
    return this.known.size;
  }

  has(secret: string): boolean {
    return this.known.has(secret);
  }

  /** False when the secret was already known or is too short. */
  add(secret: string): boolean {
    if (secret.length < MIN_SECRET_LENGTH || this.known.has(secret)) return false;
    const entry = { secret, seq: this.known.size };
    this.known.add(secret);
    this.ordered.push(secret);
    const key = anchorKey(secret, 0);
    const list = this.byAnchor.get(key);
    if (list) {
      list.push(entry);
      list.sort((a, b) => b.secret.length - a.secret.length);
    } else {
      this.byAnchor.set(key, [entry]);
    }
    this.filter[filterIndex(secret, 0)] = 1;
    return true;
  }

  /** Replaces every secret registered at or after `since` (a previous `size`) with `replacement`. */
  replace(text: string, replacement: string, since = 0): string {
    if (this.known.size <= since || text.length < MIN_SECRET_LENGTH) return text;
    // Re-checking cached text for a few new secrets: native substring search is far cheaper than a scan.
    if (since > 0 && this.known.size - since <= FEW && !this.ordered.slice(since).some((secret) => text.includes(secret))) return text;
    let output: string[] | undefined;
    let copiedUpTo = 0;
    const last = text.length - MIN_SECRET_LENGTH;
    // The three characters at `at` roll along: one charCodeAt per position.
    let c1 = text.charCodeAt(0);
    let c2 = text.charCodeAt(1);
    for (let at = 0; at <= last; at += 1) {
      const c0 = c1;
      c1 = c2;
      c2 = text.charCodeAt(at + 2);
      if (this.filter[(c0 * 961 + c1 * 31 + c2) & FILTER_MASK] === 0) continue;
      const candidates = this.byAnchor.get(c0 * 2 ** 32 + c1 * 2 ** 16 + c2);
      if (!candidates) continue;
      const hit = candidates.find((entry) => entry.seq >= since && text.startsWith(entry.secret, at));
      if (!hit) continue;
      (output ??= []).push(text.slice(copiedUpTo, at), replacement);
      copiedUpTo = at + hit.secret.length;
      at = copiedUpTo - 1;
      c1 = text.charCodeAt(copiedUpTo);
      c2 = text.charCodeAt(copiedUpTo + 1);
    }
    if (!output) return text;
    output.push(text.slice(copiedUpTo));
    return output.join('');
  }
}
