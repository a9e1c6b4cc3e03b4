import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHATWOOT_VERSIONS } from '../../model/axes.ts';
import { call, seedConversation, startTestTwin, type TestTwin } from './test-support/chatwoot-test-kit.ts';
import { profileFor } from './version-profile.ts';

/**
 * Routes that exist only in some versions (`config/routes.rb` at each tag; Corrections); measured on 3.7.0–3.9.0.
 * Every profile runs: the 3.10+ profiles inherit 3.9.0's routes (chatwoot-3.10-4.x.md §9 "Same as 3.9.0").
 */
const ROUTING_404 = { status: 404, json: { status: 404, error: 'Not Found' } };

describe.each(CHATWOOT_VERSIONS)('version-specific routes on %s', (version) => {
  const profile = profileFor(version);
  let t: TestTwin;
  let seeded: Awaited<ReturnType<typeof seedConversation>>;
  const path = (suffix: string) => `/api/v1/accounts/${seeded.account.accountId}${suffix}`;
  beforeAll(async () => {
    t = await startTestTwin(version);
    seeded = await seedConversation(t.url);
  });
  afterAll(() => t.twin.close());

  it(`draft_messages: GET/PATCH/PUT/DELETE from 3.9.0 (has_draft), a routing 404 before (${profile.draftMessages ? 'routed' : 'absent'})`, async () => {
    const drafts = path(`/conversations/${seeded.conversation.id}/draft_messages`);
    const token = seeded.account.token;
    if (!profile.draftMessages) {
      const answer = await call(t.url, 'GET', drafts, { token });
      expect(answer).toMatchObject(ROUTING_404);
      expect(answer.headers['content-type']).toBe('application/json; charset=UTF-8');
      expect(await call(t.url, 'PATCH', drafts, { token, json: { draft_message: { message: 'x' } } })).toMatchObject(ROUTING_404);
      return;
    }
    expect(await call(t.url, 'GET', drafts, { token })).toMatchObject({ status: 200, json: { has_draft: false } });
    expect(await call(t.url, 'PATCH', drafts, { token, json: { draft_message: { message: 'draft text' } } })).toMatchObject({ status: 200, text: '' });
    expect((await call(t.url, 'GET', drafts, { token })).json).toEqual({ has_draft: true, message: 'draft text' });
    await call(t.url, 'PUT', drafts, { token, json: { draft_message: { message: 'put text' } } });
    expect((await call(t.url, 'GET', drafts, { token })).json).toEqual({ has_draft: true, message: 'put text' });
    expect(await call(t.url, 'DELETE', drafts, { token })).toMatchObject({ status: 200, text: '' });
    expect((await call(t.url, 'GET', drafts, { token })).json).toEqual({ has_draft: false });
    await call(t.url, 'PATCH', drafts, { token, json: {} });
    expect((await call(t.url, 'GET', drafts, { token })).json).toEqual({ has_draft: true, message: '' });
    expect(await call(t.url, 'GET', path('/conversations/99999/draft_messages'), { token })).toMatchObject({
      status: 404,
      json: { error: 'Resource could not be found' },
    });
  });

  it(`contacts export: GET on 3.7.0/3.8.0, POST from 3.9.0 (head :ok); the other method does not route to it (${profile.contactsExportMethod})`, async () => {
    const token = seeded.account.token;
    const get = await call(t.url, 'GET', path('/contacts/export'), { token });
    const post = await call(t.url, 'POST', path('/contacts/export'), { token, json: { column_names: ['name'] } });
    const [exported, other] = profile.contactsExportMethod === 'POST' ? [post, get] : [get, post];
    expect(exported).toMatchObject({ status: 200, text: '' });
    expect(exported.headers['content-type']).toBe('application/json');
    // 3.9.0's GET falls through to contacts#show with id "export"; 3.7/3.8 have no POST route.
    if (profile.contactsExportMethod === 'POST') expect(other).toMatchObject({ status: 404, json: { error: 'Resource could not be found' } });
    else expect(other).toMatchObject(ROUTING_404);
  });
});
