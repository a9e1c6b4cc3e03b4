import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopKitDatabase } from './test-support/kit-database.ts';
import { EVOLUTION_VERSIONS } from '../../model/axes.ts';
import { evolutionVersionsOf } from '../../model/evolution-profiles.ts';
import { CALL_SEQUENCE_FLOWS, chatwootStyleOf, runCallSequenceFlow } from './test-support/call-sequence-flows.ts';
import { FIXTURE_ROOT, loadCallSequenceFixture, logMismatches, sentMismatches, sequenceMismatches } from './test-support/call-sequence-fixture.ts';

/**
 * Exact Evolution → Chatwoot call sequences per flow and profile, against a recording
 * Chatwoot-shaped server on a real socket, checked against fixtures/call-sequences/<version>/<flow>.json.
 */
afterAll(stopKitDatabase);

describe.each(EVOLUTION_VERSIONS)('Evolution twin %s call sequences', (version) => {
  it.concurrent.each(CALL_SEQUENCE_FLOWS)('%s matches its fixture', async (flow) => {
    const fixture = loadCallSequenceFixture(join(FIXTURE_ROOT, version, `${flow}.json`));
    expect(fixture.version).toBe(version);
    expect(fixture.flow).toBe(flow);
    expect(fixture.chatwootStyle).toBe(chatwootStyleOf(flow));

    const run = await runCallSequenceFlow(version, flow);

    expect(sequenceMismatches(run.calls, fixture)).toEqual([]);
    expect(logMismatches(run.logs, fixture)).toEqual([]);
    expect(sentMismatches(run.sent, fixture)).toEqual([]);
    for (const answer of run.webhookAnswers) expect(answer).toEqual({ message: 'bot' });
  });
});

describe('the fixtures pin the version differences', () => {
  const paths = (version: string, flow: string) => loadCallSequenceFixture(join(FIXTURE_ROOT, version, `${flow}.json`)).calls.map((c) => c.path);

  it('only 1.7.4 ever calls conversations/filter, and never during create', () => {
    for (const flow of CALL_SEQUENCE_FLOWS) {
      expect(paths('1.7.5', flow).filter((p) => p.endsWith('/conversations/filter'))).toEqual([]);
    }
    expect(paths('1.7.4', 'create').filter((p) => p.endsWith('/conversations/filter'))).toEqual([]);
    expect(paths('1.7.4', 'status-command-422-style').at(-1)).toBe('/api/v1/accounts/1/conversations/filter');
  });

  it('no 2.x version calls conversations/filter; 2.x looks the bot contact up again after creating it (2.x §0.1, §4a)', () => {
    for (const version of evolutionVersionsOf('2')) {
      for (const flow of CALL_SEQUENCE_FLOWS) expect(paths(version, flow).filter((p) => p.endsWith('/conversations/filter'))).toEqual([]);
      expect(paths(version, 'create').filter((p) => p.endsWith('/contacts/filter'))).toHaveLength(2);
    }
    expect(paths('1.7.5', 'create').filter((p) => p.endsWith('/contacts/filter'))).toHaveLength(1);
  });
});
