/**
 * Every credential the harness creates, sends or receives, by where it sits: JSON/form keys, HTTP headers and
 * query parameters. Names are compared after `normaliseKey` (case-insensitive, `_` and `-` dropped), so
 * `api_access_token`, `Api-Access-Token` and `apiAccessToken` are one name. Sources: the upstream notes, ../shared/upstream/*.md from the repository root.
 */
export interface CredentialName {
  name: string;
  why: string;
}

/** Keys whose values are credentials wherever they appear in a JSON (or form) body, at any depth. */
export const CREDENTIAL_KEYS: readonly CredentialName[] = [
  // Chatwoot
  { name: 'api_access_token', why: 'Chatwoot user/bot/platform token (header and body)' },
  { name: 'access_token', why: 'Chatwoot user JSON, signup/sign-in and Platform API answers' },
  { name: 'token', why: "Chatwoot token in Evolution's chatwoot config; Evolution instance token; bootstrap output" },
  { name: 'chatwoot_token', why: 'Evolution 1.7 /instance/create body (2.x: chatwootToken)' },
  { name: 'password', why: 'Chatwoot signup / sign-in / Platform API user' },
  { name: 'password_confirmation', why: 'Chatwoot user creation' },
  { name: 'current_password', why: 'Chatwoot profile update' },
  { name: 'hmac_token', why: 'Chatwoot inbox identity-validation secret (admins see it in the inbox JSON)' },
  { name: 'hmac_identifier', why: 'Chatwoot user JSON: HMAC of the user identity' },
  { name: 'pubsub_token', why: 'Chatwoot ActionCable subscription token (user, contact inbox)' },
  { name: 'inbox_identifier', why: 'authenticates the public inbox API (/public/api/v1/inboxes/<id>/…)' },
  { name: 'secret', why: 'Chatwoot >= 4.12/4.13 webhook signing secret (account webhooks, API inboxes)' },
  { name: 'webhook_secret', why: 'webhook signing secret (other spellings)' },
  { name: 'mfa_token', why: 'Chatwoot >= 4.6 sign-in second step' },
  // Evolution API
  { name: 'apikey', why: 'Evolution global or per-instance key (fetchInstances, webhooks)' },
  { name: 'api_key', why: 'Evolution key (other spelling)' },
  { name: 'hash', why: 'Evolution 1.7 /instance/create: hash.apikey; 2.x: hash is the key itself' },
  { name: 'access_token_wa_business', why: 'Evolution WhatsApp Business token' },
  { name: 'jwt', why: 'Evolution JWT auth mode' },
  // S3 / MinIO / AWS
  { name: 'access_key', why: 'MinIO accessKey' },
  { name: 'secret_key', why: 'MinIO secretKey' },
  { name: 'access_key_id', why: 'S3 accessKeyId' },
  { name: 'secret_access_key', why: 'S3 secretAccessKey' },
  { name: 'session_token', why: 'AWS sessionToken' },
  // Environment variables that hold credentials (in inspected configs, compose files, env dumps)
  { name: 'STORAGE_ACCESS_KEY_ID', why: 'Chatwoot s3_compatible storage' },
  { name: 'STORAGE_SECRET_ACCESS_KEY', why: 'Chatwoot s3_compatible storage' },
  { name: 'AWS_ACCESS_KEY_ID', why: 'Chatwoot amazon storage' },
  { name: 'AWS_SECRET_ACCESS_KEY', why: 'Chatwoot amazon storage' },
  { name: 'AWS_SESSION_TOKEN', why: 'AWS temporary credentials' },
  { name: 'S3_ACCESS_KEY', why: 'Evolution S3' },
  { name: 'S3_SECRET_KEY', why: 'Evolution S3' },
  { name: 'MINIO_ROOT_USER', why: 'MinIO root user = the S3 access key id' },
  { name: 'MINIO_ROOT_PASSWORD', why: 'MinIO root password = the S3 secret key' },
  { name: 'SQS_ACCESS_KEY_ID', why: 'Evolution SQS' },
  { name: 'SQS_SECRET_ACCESS_KEY', why: 'Evolution SQS' },
  { name: 'SECRET_KEY_BASE', why: 'Chatwoot Rails secret (signs sessions and blob URLs)' },
  { name: 'AUTHENTICATION_API_KEY', why: 'Evolution global key' },
  { name: 'AUTHENTICATION_JWT_SECRET', why: 'Evolution JWT secret' },
  { name: 'WA_BUSINESS_TOKEN_WEBHOOK', why: 'Evolution WhatsApp Business webhook token' },
  { name: 'POSTGRES_PASSWORD', why: 'Chatwoot database' },
  { name: 'REDIS_PASSWORD', why: 'Chatwoot Redis' },
];

/**
 * Headers whose values are always secrets. devise_token_auth answers a sign-in with `access-token`, `client`,
 * `uid`, `expiry` and `token-type`: `access-token` + `client` authenticate (the pair is the session), `uid` is
 * the user's e-mail (evidence, not a secret), `expiry`/`token-type` are public.
 */
export const SECRET_HEADERS: readonly CredentialName[] = [
  { name: 'api_access_token', why: 'Chatwoot token (Api-Access-Token, api_access_token)' },
  { name: 'apikey', why: 'Evolution key' },
  { name: 'authorization', why: 'Bearer tokens (Evolution sends the Chatwoot token as Bearer too), S3 signatures' },
  { name: 'proxy-authorization', why: 'proxy credentials' },
  { name: 'x-api-key', why: 'generic API key header' },
  { name: 'cookie', why: 'Rails session cookie' },
  { name: 'set-cookie', why: 'Rails session cookie' },
  { name: 'access-token', why: 'devise_token_auth session token' },
  { name: 'client', why: 'devise_token_auth client id (half of the session credential)' },
  { name: 'x-amz-security-token', why: 'AWS session token' },
];

/** Query parameters whose values are secrets (presigned S3 URLs), besides every CREDENTIAL_KEYS name. */
export const SECRET_QUERY_KEYS: readonly CredentialName[] = [
  { name: 'X-Amz-Signature', why: 'presigned S3 URL' },
  { name: 'X-Amz-Credential', why: 'presigned S3 URL: access key id' },
  { name: 'X-Amz-Security-Token', why: 'presigned S3 URL: session token' },
  { name: 'Signature', why: 'S3 v2 presigned URL' },
  { name: 'AWSAccessKeyId', why: 'S3 v2 presigned URL' },
];

export function normaliseKey(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

const credentialKeys = new Set(CREDENTIAL_KEYS.map((key) => normaliseKey(key.name)));
const secretHeaders = new Set(SECRET_HEADERS.map((header) => normaliseKey(header.name)));
const secretQueryKeys = new Set([...SECRET_QUERY_KEYS, ...CREDENTIAL_KEYS].map((key) => normaliseKey(key.name)));

const MEMO_LIMIT = 10_000;

/**
 * Answers per name, remembered: redaction asks about every key of every body, and bodies repeat the same few
 * hundred keys (measured: the key checks were a tenth of the run's main-thread CPU). Bounded, since keys also
 * come from bodies no one controls.
 */
function memoised(set: ReadonlySet<string>): (name: string) => boolean {
  const known = new Map<string, boolean>();
  return (name) => {
    let answer = known.get(name);
    if (answer === undefined) {
      answer = set.has(normaliseKey(name));
      if (known.size >= MEMO_LIMIT) known.clear();
      known.set(name, answer);
    }
    return answer;
  };
}
export const isCredentialKey: (name: string) => boolean = memoised(credentialKeys);

export const isSecretHeader: (name: string) => boolean = memoised(secretHeaders);

/** `user[password]` (Rails form nesting) counts by its last segment. */
export function isSecretQueryKey(name: string): boolean {
  const last = /\[([^\]]*)\]$/.exec(name)?.[1] ?? name;
  return secretQueryKeys.has(normaliseKey(last));
}
