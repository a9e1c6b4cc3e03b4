/** The sim backend's exchange source (sim-backend.ts: the in-process recording proxy, read unredacted) under the shared filter contract. */
import { createRedactor } from '../common/redact.ts';
import { createRecordingProxy } from './recording-proxy.ts';
import { CONTRACT_CLASSIFIER, CONTRACT_LINK, describeExchangeSourceContract } from './test-support/exchange-source-contract.ts';
import { startStatusUpstream } from './test-support/status-upstream.ts';

describeExchangeSourceContract('sim (in-process recording proxy)', async () => {
  const upstream = await startStatusUpstream();
  const proxy = await createRecordingProxy({
    upstream: upstream.url,
    link: CONTRACT_LINK,
    redactor: createRedactor([]),
    classify: CONTRACT_CLASSIFIER,
    idPrefix: 'sim',
  });
  return {
    source: { name: `${proxy.link}#0`, list: (filter) => proxy.recorded(filter) },
    proxyUrl: proxy.url,
    close: async () => {
      await proxy.close();
      await upstream.close();
    },
  };
});
