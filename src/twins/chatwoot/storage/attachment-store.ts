/** Where attachment bytes live: ActiveStorage's `local` disk service or `s3_compatible` (chatwoot-3.7-3.9.md §7). */
export interface ServiceUrlOptions {
  filename: string;
  contentType: string;
  /** Origin of the request being redirected: disk-service URLs use the request host, like ActiveStorage::Current.url_options. */
  requestOrigin: string;
}

export interface AttachmentStore {
  readonly kind: 'local' | 's3_compatible';
  upload(key: string, bytes: Buffer, contentType: string): Promise<void>;
  download(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
  /** The URL the blob redirect answers 302 to (a presigned GET for S3, valid 5 minutes). */
  serviceUrl(key: string, options: ServiceUrlOptions): string;
  close(): Promise<void>;
}
