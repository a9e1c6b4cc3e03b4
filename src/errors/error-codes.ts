/**
 * Stable error codes. They appear in JSON results, JUnit `type` attributes and CLI output,
 * so other tools may match on them: never rename one, only add.
 */
export const ErrorCodes = {
  usage: 'EVOCHAT_E_USAGE',
  config: 'EVOCHAT_E_CONFIG',
  resultSchema: 'EVOCHAT_E_RESULT_SCHEMA',
  bugReport: 'EVOCHAT_E_BUG_REPORT',
  serviceStart: 'EVOCHAT_E_SERVICE_START',
  serviceUnreachable: 'EVOCHAT_E_SERVICE_UNREACHABLE',
  waitTimeout: 'EVOCHAT_E_WAIT_TIMEOUT',
  imageMissing: 'EVOCHAT_E_IMAGE_MISSING',
  imageBuild: 'EVOCHAT_E_IMAGE_BUILD',
  dockerUnavailable: 'EVOCHAT_E_DOCKER_UNAVAILABLE',
  bootstrap: 'EVOCHAT_E_BOOTSTRAP',
  scenarioAssert: 'EVOCHAT_E_SCENARIO_ASSERT',
  scenarioDeadline: 'EVOCHAT_E_SCENARIO_DEADLINE',
  upstreamResponse: 'EVOCHAT_E_UPSTREAM_RESPONSE',
  capabilityMissing: 'EVOCHAT_E_CAPABILITY_MISSING',
  interrupted: 'EVOCHAT_E_INTERRUPTED',
  internal: 'EVOCHAT_E_INTERNAL',
  /** doctor / attach: the deployment runs versions this tool has no profiles for (e.g. Evolution 2.x). */
  unsupportedTarget: 'EVOCHAT_E_UNSUPPORTED_TARGET',
  /** docker backend / clean: a labelled container or network could not be removed. */
  cleanup: 'EVOCHAT_E_CLEANUP',
  /** A port the harness was told to listen on (e.g. `twin --port`) is taken by another process. */
  portInUse: 'EVOCHAT_E_PORT_IN_USE',
  /** The harness cannot listen on the address it was given (not an address of this machine, no permission). */
  listen: 'EVOCHAT_E_LISTEN',
  /** `--out` names a file, or a path under a file, instead of a folder. */
  outNotDirectory: 'EVOCHAT_E_OUT_NOT_DIRECTORY',
  /** `--out` is a folder this process cannot write (read-only or immutable file system, no permission). */
  outNotWritable: 'EVOCHAT_E_OUT_NOT_WRITABLE',
  /** Chatwoot's signup answered 429: rack-attack's `accounts/ip` throttle (5 per 30 minutes per IP). */
  signupThrottled: 'EVOCHAT_E_SIGNUP_THROTTLED',
  /** Chatwoot's signup answered 403 (CustomExceptions::Account: invalid params or email, already signed up). */
  signupRefused: 'EVOCHAT_E_SIGNUP_REFUSED',
  /** Chatwoot's signup route is a 404: ENABLE_ACCOUNT_SIGNUP is false. */
  signupDisabled: 'EVOCHAT_E_SIGNUP_DISABLED',
  /** Chatwoot's Platform API refused the harness's PlatformApp token (401 "Invalid access_token"): no PlatformApp with it. */
  platformTokenRefused: 'EVOCHAT_E_PLATFORM_TOKEN_REFUSED',
  /** `--chatwoot-url` carries a user name or password: credentials go in env vars or --config, never in a URL. */
  attachUrlCredentials: 'EVOCHAT_E_ATTACH_URL_CREDENTIALS',
  /** The attached Chatwoot did not answer `GET /api` (refused, DNS, timeout) or answered as something else. */
  attachUnreachable: 'EVOCHAT_E_ATTACH_UNREACHABLE',
  /**
   * An attached https server's certificate did not verify (a private CA not trusted, a name it does not carry, expired):
   * a configuration problem of this machine (exit 2); the fix is trusting the CA (NODE_EXTRA_CA_CERTS), never skipping the check.
   */
  attachTls: 'EVOCHAT_E_ATTACH_TLS',
  /** The attached Chatwoot's version matches no profile, and no `--as-version` maps it onto one. */
  attachUnknownVersion: 'EVOCHAT_E_ATTACH_UNKNOWN_VERSION',
  /** An attached Evolution (`--evolution-url`) refused the global key in EVOCHAT_EVOLUTION_KEY / --config (401). */
  evolutionKeyRefused: 'EVOCHAT_E_EVOLUTION_KEY_REFUSED',
  /** The preflight webhook round trip failed: the attached Chatwoot cannot reach the harness's Evolution (or back). */
  attachPreflight: 'EVOCHAT_E_ATTACH_PREFLIGHT',
  /** merge: no result of this shard was given, so its cells were not run (an infrastructure error, exit 3). */
  shardMissing: 'EVOCHAT_E_SHARD_MISSING',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Process exit codes (DESIGN.md §5). */
export const ExitCodes = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  infrastructure: 3,
} as const;

export type ExitCode = (typeof ExitCodes)[keyof typeof ExitCodes];
