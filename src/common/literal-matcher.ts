/** Literals shorter than this are never matched (as secrets they would clobber ordinary text). */
export const MIN_LITERAL_LENGTH = 4;

/** Characters hashed per shift-table entry. */
const BLOCK = 3;
/** The scan window never exceeds this: longer literals are matched on their first WINDOW_CAP characters, then in full. */
const WINDOW_CAP = 16;
const HASH_BITS = 18;
/** Re-checking text for this few new literals: native substring search is far cheaper than a scan. */
const FEW = 16;

interface Entry {
  literal: string;
  /** Registration order, so a caller can match only what was added after a point. */
  seq: number;
}

function blockHash(text: string, at: number): number {
  return (
    (Math.imul(text.charCodeAt(at), 0x9e3779b1) ^ Math.imul(text.charCodeAt(at + 1), 0x85ebca77) ^ Math.imul(text.charCodeAt(at + 2), 0xc2b2ae3d)) >>>
    (32 - HASH_BITS)
  );
}

/**
 * Finds any of a growing set of literals (secrets, cell markers) in long texts: Wu–Manber. A window as long as the
 * shortest literal (at most WINDOW_CAP) slides along the text; the hash of its last three characters says how far it
 * can move without skipping a possible start, and only a shift of 0 looks literals up. Secrets are a short prefix
 * plus random characters, so most text moves the window its full length at a time.
 * Measured on the 100-cell run's 200 MB of evidence text with 5,000 secrets: the position-by-position scan this
 * replaced spent 8 s (most of it where a common prefix such as `evo` met every secret beginning with it).
 * Matches are taken left to right, the longest at a position wins, and a match hides any that overlaps it.
 */
export class LiteralMatcher {
  private readonly shift = new Uint8Array(1 << HASH_BITS);
  /** Hash of a window's last block → the literals whose window ends with it, longest first. */
  private readonly buckets = new Map<number, Entry[]>();
  private readonly known = new Set<string>();
  private readonly ordered: Entry[] = [];
  private window = 0;

  get size(): number {
    return this.known.size;
  }

  has(literal: string): boolean {
    return this.known.has(literal);
  }

  /** False when the literal was already known or is too short. */
  add(literal: string): boolean {
    if (literal.length < MIN_LITERAL_LENGTH || this.known.has(literal)) return false;
    const entry = { literal, seq: this.known.size };
    this.known.add(literal);
    this.ordered.push(entry);
    const window = Math.min(WINDOW_CAP, literal.length);
    if (this.window === 0 || window < this.window) this.rebuild(window);
    else this.index(entry);
    return true;
  }

  /** Replaces every literal registered at or after `since` (a previous `size`) with `replacement`. */
  replace(text: string, replacement: string, since = 0): string {
    if (this.skips(text, since)) return text;
    let output: string[] | undefined;
    let copiedUpTo = 0;
    this.scan(text, since, (start, entry) => {
      (output ??= []).push(text.slice(copiedUpTo, start), replacement);
      copiedUpTo = start + entry.literal.length;
      return copiedUpTo;
    });
    if (!output) return text;
    output.push(text.slice(copiedUpTo));
    return output.join('');
  }

  /** The distinct literals that occur in `text`, overlapping ones included. */
  occurring(text: string): string[] {
    if (this.skips(text, 0)) return [];
    const found = new Set<string>();
    this.scan(text, 0, (start, entry, others) => {
      found.add(entry.literal);
      for (const other of others) if (text.startsWith(other.literal, start)) found.add(other.literal);
      return start + 1;
    });
    return [...found];
  }

  private skips(text: string, since: number): boolean {
    if (this.known.size <= since || text.length < this.window) return true;
    if (since > 0 && this.known.size - since <= FEW) {
      for (let index = since; index < this.ordered.length; index += 1) if (text.includes(this.ordered[index]!.literal)) return false;
      return true;
    }
    return false;
  }

  /**
   * Calls `onMatch` for each match, in start order; it returns where the scan resumes (a start position).
   * `others` are the bucket's remaining literals, for a caller that wants overlapping matches too.
   */
  private scan(text: string, since: number, onMatch: (start: number, entry: Entry, others: readonly Entry[]) => number): void {
    const window = this.window;
    let end = window - 1;
    while (end < text.length) {
      const hash = blockHash(text, end - BLOCK + 1);
      const distance = this.shift[hash]!;
      if (distance > 0) {
        end += distance;
        continue;
      }
      const start = end - window + 1;
      const candidates = this.buckets.get(hash)!;
      const hit = candidates.findIndex((entry) => entry.seq >= since && text.startsWith(entry.literal, start));
      if (hit === -1) {
        end += 1;
        continue;
      }
      end = onMatch(start, candidates[hit]!, candidates.slice(hit + 1)) + window - 1;
    }
  }

  private rebuild(window: number): void {
    this.window = window;
    this.shift.fill(window - BLOCK + 1);
    this.buckets.clear();
    for (const entry of this.ordered) this.index(entry);
  }

  private index(entry: Entry): void {
    const { literal } = entry;
    const window = this.window;
    for (let at = 0; at <= window - BLOCK; at += 1) {
      const hash = blockHash(literal, at);
      const distance = window - BLOCK - at;
      if (distance < this.shift[hash]!) this.shift[hash] = distance;
    }
    const last = blockHash(literal, window - BLOCK);
    const bucket = this.buckets.get(last);
    if (bucket) {
      bucket.push(entry);
      bucket.sort((a, b) => b.literal.length - a.literal.length);
    } else {
      this.buckets.set(last, [entry]);
    }
  }
}
