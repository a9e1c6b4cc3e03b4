import type { SuiteCatalog, SuiteInfo } from '../../model/suite-catalog-types.ts';

/**
 * Test-only: a catalog with the suite and scenario ids of SCENARIOS.md, so the runner core is tested
 * without the suite files. The real catalog is src/scenario/suite-catalog.ts.
 */
function suite(id: string, kind: SuiteInfo['kind'], scenarios: string[], requires: SuiteInfo['requires'] = []): SuiteInfo {
  return {
    id,
    title: id,
    file: `suites/${id}.suite.ts`,
    kind,
    seedSymptom: `${id} symptom`,
    requires,
    scenarios: scenarios.map((name) => ({ id: `${id}/${name}`, title: name })),
  };
}

export const TEST_CATALOG: SuiteCatalog = [
  suite('auth', 'compatibility', [
    'chatwoot-token-accepted',
    'chatwoot-header-dropped',
    'chatwoot-wrong-token',
    'chatwoot-wrong-account',
    'evolution-apikey-guard',
  ]),
  suite('filter-contract', 'compatibility', ['contact-lookup', 'bot-conversation-lookup', 'bot-conversation-lookup-pt-br']),
  suite('instance-bootstrap', 'compatibility', ['create-returns-201', 'inbox-created', 'bot-contact-and-conversation', 'init-message'], ['writes']),
  suite('bot-command', 'compatibility', ['status-round-trip'], ['writes']),
  suite('qr-delivery', 'compatibility', ['qr-image-posted', 'connected-message'], ['writes', 'whatsappPeer']),
  suite('inbound-sync', 'compatibility', ['text-message', 'media-message'], ['writes', 'whatsappPeer']),
  suite('agent-reply', 'compatibility', ['text-reaches-whatsapp'], ['writes', 'whatsappPeer']),
  suite('attachment-storage', 'compatibility', ['object-in-bucket', 'data-url-from-host', 'data-url-from-evolution'], ['writes']),
  suite('config-faults', 'fault', ['webhook-double-slash', 'server-url-unreachable', 'slow-storage'], ['writes']),
];
