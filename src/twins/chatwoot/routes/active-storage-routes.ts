import type { Hono } from 'hono';
import type { TwinContext, TwinDeps, TwinEnv } from '../twin-context.ts';
import type { StoredBlob } from '../twin-state.ts';
import { BLOB_ID_PURPOSE, THUMB_VARIATION, VARIATION_PURPOSE } from '../presenters/attachment-json.ts';
import { LocalDiskStore } from '../storage/local-disk-store.ts';

function notFoundHead(): Response {
  return new Response(null, { status: 404 });
}

function redirectTo(location: string): Response {
  return new Response(null, { status: 302, headers: { location, 'content-type': 'text/html; charset=utf-8' } });
}

function blobFromSignedId(deps: TwinDeps, signed: string): StoredBlob | undefined {
  const id = deps.signer.verify(BLOB_ID_PURPOSE, signed);
  return typeof id === 'number' ? deps.state.blobs.get(id) : undefined;
}

function origin(c: TwinContext): string {
  return new URL(c.req.url).origin;
}

/**
 * ActiveStorage's redirect controllers (chatwoot-3.7-3.9.md §7): data_url answers 302 to the
 * storage URL (a presigned S3 GET, or the disk route below); the first thumbnail fetch downloads
 * the original, "resizes" it and uploads the variant before redirecting. The twin has no image
 * library: it stores the original bytes as the variant, keeping the storage round trips.
 */
export function registerActiveStorageRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  const blobRedirect = (c: TwinContext) => {
    const blob = blobFromSignedId(deps, c.req.param('signedId') ?? '');
    if (!blob) return notFoundHead();
    return redirectTo(deps.storage.serviceUrl(blob.key, { filename: blob.filename, contentType: blob.contentType, requestOrigin: origin(c) }));
  };
  app.get('/rails/active_storage/blobs/redirect/:signedId/:filename{.+}', blobRedirect);
  app.get('/rails/active_storage/blobs/:signedId/:filename{.+}', blobRedirect);

  const representationRedirect = async (c: TwinContext) => {
    const blob = blobFromSignedId(deps, c.req.param('signedId') ?? '');
    const variation = deps.signer.verify(VARIATION_PURPOSE, c.req.param('variationKey') ?? '');
    if (!blob || variation !== THUMB_VARIATION || !blob.contentType.startsWith('image/')) return notFoundHead();
    let variantKey = blob.variants.get(variation);
    if (variantKey === undefined) {
      const original = await deps.storage.download(blob.key);
      variantKey = `variants/${blob.key}/${Buffer.from(variation).toString('hex').slice(0, 32)}`;
      await deps.storage.upload(variantKey, original, blob.contentType);
      blob.variants.set(variation, variantKey);
    }
    return redirectTo(deps.storage.serviceUrl(variantKey, { filename: blob.filename, contentType: blob.contentType, requestOrigin: origin(c) }));
  };
  app.get('/rails/active_storage/representations/redirect/:signedId/:variationKey/:filename{.+}', representationRedirect);
  app.get('/rails/active_storage/representations/:signedId/:variationKey/:filename{.+}', representationRedirect);

  // Disk service downloads (local storage only).
  app.get('/rails/active_storage/disk/:token/:filename{.+}', async (c) => {
    if (!(deps.storage instanceof LocalDiskStore)) return notFoundHead();
    const token = deps.storage.decodeToken(c.req.param('token'));
    if (!token) return notFoundHead();
    let bytes: Buffer;
    try {
      bytes = await deps.storage.download(token.key);
    } catch {
      return notFoundHead();
    }
    return new Response(new Uint8Array(bytes), {
      status: 200,
      headers: {
        'content-type': token.contentType || 'application/octet-stream',
        'content-disposition': `inline; filename="${token.filename.replace(/"/g, '%22')}"; filename*=UTF-8''${encodeURIComponent(token.filename)}`,
        'content-length': String(bytes.length),
      },
    });
  });
}
