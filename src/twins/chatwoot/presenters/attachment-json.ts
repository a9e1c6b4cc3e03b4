import type { Attachment, StoredBlob } from '../twin-state.ts';
import type { PresentContext } from './present-context.ts';
import type { BlobSigner } from '../storage/blob-signer.ts';

export const BLOB_ID_PURPOSE = 'blob_id';
export const VARIATION_PURPOSE = 'variation';
/** `representation(resize_to_fill: [250, nil])` (chatwoot-3.7-3.9.md §7). */
export const THUMB_VARIATION = JSON.stringify({ resize_to_fill: [250, null] });

export function signedBlobId(signer: BlobSigner, blob: StoredBlob): string {
  return signer.sign(BLOB_ID_PURPOSE, blob.id);
}

/** `<FRONTEND_URL>/rails/active_storage/blobs/redirect/<signed_id>/<filename>` (§7). */
export function blobDataUrl(ctx: PresentContext, blob: StoredBlob): string {
  return `${ctx.frontendUrl}/rails/active_storage/blobs/redirect/${encodeURIComponent(signedBlobId(ctx.signer, blob))}/${encodeURIComponent(blob.filename)}`;
}

/** Only images are representable in the upstream image (no poppler/ffmpeg): others get ''. */
export function blobThumbUrl(ctx: PresentContext, attachment: Attachment): string {
  if (attachment.fileType !== 'image') return '';
  const blob = attachment.blob;
  const variation = ctx.signer.sign(VARIATION_PURPOSE, THUMB_VARIATION);
  return `${ctx.frontendUrl}/rails/active_storage/representations/redirect/${encodeURIComponent(signedBlobId(ctx.signer, blob))}/${encodeURIComponent(variation)}/${encodeURIComponent(blob.filename)}`;
}

/** Attachment#push_event_data (§3.2): width/height stay null (no analyze job in the twin). */
export function attachmentPushData(ctx: PresentContext, attachment: Attachment) {
  return {
    id: attachment.id,
    message_id: attachment.messageId,
    file_type: attachment.fileType,
    account_id: attachment.accountId,
    extension: null,
    data_url: blobDataUrl(ctx, attachment.blob),
    thumb_url: blobThumbUrl(ctx, attachment),
    file_size: attachment.blob.byteSize,
    width: attachment.blob.metadata.width ?? null,
    height: attachment.blob.metadata.height ?? null,
  };
}
