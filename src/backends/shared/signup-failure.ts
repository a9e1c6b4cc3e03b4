import type { Redactor } from '../../common/redact.ts';
import { ApiResponseError } from '../../clients/http-client.ts';
import { ErrorCodes, type HarnessError, InfrastructureError } from '../../errors/index.ts';

export interface SignupFailureContext {
  serviceId: string;
  locale: string;
  redactor: Redactor;
}

/**
 * The harness's account bootstrap failed: one named error per answer a real Chatwoot gives to
 * `POST /api/v1/accounts` (chatwoot-3.7-3.9.md §6 D, measured on 3.7.0–3.9.0): 429 is rack-attack's
 * signup throttle, 403 a CustomExceptions::Account refusal (`{"message"}`), 404 signup switched off.
 * Anything else stays EVOCHAT_E_BOOTSTRAP. All are infrastructure (exit 3): no verdict was reached.
 */
export function signupFailure(error: unknown, context: SignupFailureContext): HarnessError {
  const prefix = `could not sign up a ${context.locale} account on ${context.serviceId}`;
  const text = (value: string) => context.redactor.text(value);
  if (error instanceof ApiResponseError) {
    if (error.status === 429) {
      return new InfrastructureError(ErrorCodes.signupThrottled, `${prefix}: Chatwoot throttled the signup (429, 5 per 30 minutes per IP)`, {
        cause: error,
        hint: 'wait 30 minutes, sign up from another address, or start that Chatwoot with ENABLE_RACK_ATTACK=false',
      });
    }
    if (error.status === 403) {
      return new InfrastructureError(ErrorCodes.signupRefused, `${prefix}: Chatwoot refused the signup (403): ${signupMessage(text(error.body))}`, {
        cause: error,
      });
    }
    if (error.status === 404) {
      return new InfrastructureError(ErrorCodes.signupDisabled, `${prefix}: the signup API is off (404)`, {
        cause: error,
        hint: 'start Chatwoot with ENABLE_ACCOUNT_SIGNUP=true (or api_only)',
      });
    }
  }
  return new InfrastructureError(ErrorCodes.bootstrap, `${prefix}: ${text(error instanceof Error ? error.message : String(error))}`, { cause: error });
}

/** The `message` of `{"message": "…"}`, else the body as it came. */
function signupMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') return (parsed as { message: string }).message;
  } catch {
    // not JSON
  }
  return body;
}
