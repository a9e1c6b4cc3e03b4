import type { Redactor } from '../../common/redact.ts';
import { ApiResponseError } from '../../clients/http-client.ts';
import { ErrorCodes, InfrastructureError, type HarnessError } from '../../errors/index.ts';

export interface PlatformFailureContext {
  serviceId: string;
  /** What was being provisioned, e.g. "the en account of cw4.14.2-evo1.7.4-local". */
  what: string;
  redactor: Redactor;
}

/**
 * Provisioning a cell's account over the Platform API failed (chatwoot-3.7-3.9.md §6 B): a 401 "Invalid access_token"
 * means no PlatformApp has the harness's token (the twin without TWIN_PLATFORM_TOKEN, a real image whose
 * `rails runner` step did not run); anything else stays EVOCHAT_E_BOOTSTRAP. Infrastructure (exit 3): no verdict.
 */
export function platformFailure(error: unknown, context: PlatformFailureContext): HarnessError {
  const prefix = `could not provision ${context.what} on ${context.serviceId} through the Platform API`;
  if (error instanceof ApiResponseError && error.status === 401 && error.body.includes('Invalid access_token')) {
    return new InfrastructureError(ErrorCodes.platformTokenRefused, `${prefix}: Chatwoot refused the PlatformApp token (401 Invalid access_token)`, {
      cause: error,
      hint: 'the PlatformApp is created once per Chatwoot (twin: TWIN_PLATFORM_TOKEN; real image: the chatwoot-platform-app rails runner step); check its log',
    });
  }
  return new InfrastructureError(ErrorCodes.bootstrap, `${prefix}: ${context.redactor.text(error instanceof Error ? error.message : String(error))}`, {
    cause: error,
  });
}
