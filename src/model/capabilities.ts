/**
 * What a stack can do beyond plain HTTP to the two products. Scenarios declare what they need;
 * a stack without it reports the scenario skipped with the reason, never passed.
 */
export const CAPABILITIES = {
  /** A simulated WhatsApp is attached: pair by "scanning" the QR, inject inbound messages, read what was sent. */
  whatsappPeer: 'whatsappPeer',
  /** The object store can be inspected with S3 clients (minio storage only). */
  s3Inspect: 's3Inspect',
  /** Latency can be injected between Chatwoot and its object store. */
  storageLatency: 'storageLatency',
  /** Exchanges on each link are recorded and can be read back per cell. */
  evidence: 'evidence',
  /** The harness may write to the deployment (create instances, post messages). False for a read-only attach. */
  writes: 'writes',
} as const;
export type Capability = (typeof CAPABILITIES)[keyof typeof CAPABILITIES];
