import type { TwinState } from '../twin-state.ts';
import type { BlobSigner } from '../storage/blob-signer.ts';

/** What serializers need to render ids, URLs and related rows. */
export interface PresentContext {
  state: TwinState;
  /** FRONTEND_URL without trailing slash: host of data_url/thumb_url (chatwoot-3.7-3.9.md §7). */
  frontendUrl: string;
  signer: BlobSigner;
}
