import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttachmentStore, ServiceUrlOptions } from './attachment-store.ts';
import type { BlobSigner } from './blob-signer.ts';

export const DISK_SERVICE_PURPOSE = 'blob_key';

/** The decoded token of a disk-service URL. */
export interface DiskToken {
  key: string;
  contentType: string;
  filename: string;
  expiresAt: number;
}

/**
 * ActiveStorage's Disk service: files under `<root>/<k0k1>/<k2k3>/<key>`, served through a signed
 * `/rails/active_storage/disk/<token>/<filename>` URL on the requesting host.
 */
export class LocalDiskStore implements AttachmentStore {
  readonly kind = 'local' as const;
  private readonly root: string;
  private readonly signer: BlobSigner;
  private readonly now: () => number;

  constructor(root: string, signer: BlobSigner, now: () => number) {
    this.root = root;
    this.signer = signer;
    this.now = now;
  }

  pathFor(key: string): string {
    return join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async upload(key: string, bytes: Buffer): Promise<void> {
    const path = this.pathFor(key);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, bytes);
  }

  download(key: string): Promise<Buffer> {
    return readFile(this.pathFor(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathFor(key), { force: true });
  }

  serviceUrl(key: string, options: ServiceUrlOptions): string {
    const token: DiskToken = { key, contentType: options.contentType, filename: options.filename, expiresAt: this.now() + 5 * 60_000 };
    const signed = this.signer.sign(DISK_SERVICE_PURPOSE, JSON.stringify(token));
    return `${options.requestOrigin}/rails/active_storage/disk/${encodeURIComponent(signed)}/${encodeURIComponent(options.filename)}`;
  }

  decodeToken(signed: string): DiskToken | undefined {
    const data = this.signer.verify(DISK_SERVICE_PURPOSE, signed);
    if (typeof data !== 'string') return undefined;
    try {
      const token = JSON.parse(data) as DiskToken;
      return token.expiresAt >= this.now() ? token : undefined;
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {}
}
