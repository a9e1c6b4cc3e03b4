import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * ActiveStorage-like signed ids: base64 of a small JSON message, `--`, and an HMAC digest, so a
 * data_url cannot be forged into another blob. Keyed by SECRET_KEY_BASE (random when unset).
 */
export class BlobSigner {
  private readonly secret: string;

  constructor(secret: string) {
    this.secret = secret;
  }

  sign(purpose: string, data: string | number): string {
    const message = Buffer.from(JSON.stringify({ _rails: { data, pur: purpose } })).toString('base64url');
    return `${message}--${this.digest(message)}`;
  }

  verify(purpose: string, signed: string): string | number | undefined {
    const separator = signed.lastIndexOf('--');
    if (separator <= 0) return undefined;
    const message = signed.slice(0, separator);
    const expected = Buffer.from(this.digest(message));
    const actual = Buffer.from(signed.slice(separator + 2));
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    try {
      const parsed = JSON.parse(Buffer.from(message, 'base64url').toString('utf8')) as { _rails?: { data?: unknown; pur?: unknown } };
      if (parsed._rails?.pur !== purpose) return undefined;
      const data = parsed._rails.data;
      return typeof data === 'string' || typeof data === 'number' ? data : undefined;
    } catch {
      return undefined;
    }
  }

  private digest(message: string): string {
    return createHmac('sha1', this.secret).update(message).digest('hex');
  }
}
