import type { DoctorCheck } from './doctor-check.ts';
import { attachmentStorageCheck } from './checks/attachment-storage.ts';
import { botConversationCheck } from './checks/bot-conversation.ts';
import { botRoundTripCheck } from './checks/bot-round-trip.ts';
import { chatwootEnabledCheck } from './checks/chatwoot-enabled.ts';
import { chatwootSettingsCheck } from './checks/chatwoot-settings.ts';
import { chatwootTokenCheck } from './checks/chatwoot-token.ts';
import { chatwootVersionCheck } from './checks/chatwoot-version.ts';
import { evolutionKeyCheck } from './checks/evolution-key.ts';
import { evolutionVersionCheck } from './checks/evolution-version.ts';
import { filterContractCheck } from './checks/filter-contract.ts';
import { matrixVerdictCheck } from './checks/matrix-verdict.ts';
import { privateWebhookTargetCheck } from './checks/private-webhook-target.ts';
import { webhookUrlCheck } from './checks/webhook-url.ts';

/**
 * Every check, in the order they run: basic connectivity first, then API calls, then function (the
 * seed guide's "verify step by step"). The storage check runs before the matrix verdict so the
 * verdict can pick the cell of the detected storage; reports group checks by section.
 */
export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
  chatwootVersionCheck,
  evolutionVersionCheck,
  chatwootTokenCheck,
  evolutionKeyCheck,
  chatwootEnabledCheck,
  chatwootSettingsCheck,
  webhookUrlCheck,
  privateWebhookTargetCheck,
  botConversationCheck,
  filterContractCheck,
  attachmentStorageCheck,
  matrixVerdictCheck,
  botRoundTripCheck,
];
