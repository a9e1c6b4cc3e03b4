import { createProbeClient } from '../../backends/attach/probe-client.ts';
import { createRedactor } from '../../common/redact.ts';
import { SUITE_CATALOG } from '../../scenario/suite-catalog.ts';
import { loadConsumerExpectations } from '../consumer-expectations.ts';
import { createDoctorContext, type DoctorContext } from '../doctor-context.ts';
import type { KnownResult } from '../known-result.ts';
import type { TestDeployment } from './start-test-deployment.ts';

/** A fresh doctor context for a test deployment: no probe is shared with another check's run. */
export function doctorContextFor(
  deployment: TestDeployment,
  options: { allowWrites?: boolean; known?: KnownResult; roundTripTimeoutMs?: number; token?: string } = {},
): DoctorContext {
  const target = {
    chatwootUrl: deployment.chatwootUrl,
    chatwootToken: options.token ?? deployment.token,
    accountId: deployment.accountId,
    evolutionUrl: deployment.evolutionUrl,
    evolutionKey: deployment.apiKey,
    instance: deployment.instance,
  };
  const redactor = createRedactor([target.chatwootToken, target.evolutionKey]);
  return createDoctorContext({
    target,
    client: createProbeClient({ redactor, timeoutMs: 3_000, allowWrites: options.allowWrites ?? false }),
    redactor,
    known: options.known ?? { kind: 'none', looked: ['out/result.json'] },
    catalog: SUITE_CATALOG,
    consumerExpectations: loadConsumerExpectations(),
    roundTripTimeoutMs: options.roundTripTimeoutMs ?? 8_000,
  });
}
