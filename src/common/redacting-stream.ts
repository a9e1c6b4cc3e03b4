import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import type { Redactor } from './redact.ts';

/** A line longer than this is redacted and written in pieces rather than held. */
const MAX_PENDING_CHARS = 64 * 1024;

/**
 * A file written through the redactor a line at a time (a secret is never split across two redactions unless a
 * line is longer than MAX_PENDING_CHARS). `close()` flushes the last partial line and waits for the file.
 */
export function createRedactedFileStream(path: string, redactor: Redactor): Transform & { close(): Promise<void> } {
  const file = createWriteStream(path, { flags: 'a' });
  let pending = '';
  const transform = new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      const cut = pending.length > MAX_PENDING_CHARS ? pending.length : pending.lastIndexOf('\n') + 1;
      if (cut === 0) return done();
      const ready = pending.slice(0, cut);
      pending = pending.slice(cut);
      done(null, redactor.text(ready));
    },
    flush(done) {
      done(null, pending === '' ? undefined : redactor.text(pending));
    },
  });
  transform.pipe(file);
  const finished = new Promise<void>((resolve, reject) => {
    file.once('finish', resolve);
    file.once('error', reject);
  });
  return Object.assign(transform, {
    close() {
      transform.end();
      return finished;
    },
  });
}
