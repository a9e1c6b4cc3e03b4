import { describe, expect, it } from 'vitest';
import { compareAnswers, type Observation } from './compare-answers.ts';
import { DRIFT_PROBES } from './drift-probes.ts';

const probe = (id: string) => DRIFT_PROBES.find((p) => p.id === id)!;
const answer = (status: number, json: unknown, order?: string[]): Observation => ({ status, text: JSON.stringify(json), json, ...(order ? { order } : {}) });

describe('compareAnswers', () => {
  it('ids, counts and nulls are data, not drift; a missing relied key is a verdict difference, another key only listed', () => {
    const created = probe('contact-create');
    const a = answer(200, { payload: { contact: { id: 7, phone_number: '+1', email: null }, contact_inbox: { source_id: 'x' } } });
    const same = answer(200, { payload: { contact: { id: 1, phone_number: '+2', email: 'e@x' }, contact_inbox: { source_id: 'y' } } });
    expect(compareAnswers(created, a, same)).toEqual([]);
    const lacking = answer(200, { payload: { contact: { email: null, blocked: false }, contact_inbox: { source_id: 'y' } } });
    expect(compareAnswers(created, a, lacking)).toEqual([
      { aspect: 'shape', path: 'payload.contact.blocked', attached: 'absent', twin: 'boolean', verdictRelevant: false },
      { aspect: 'shape', path: 'payload.contact.id', attached: 'number', twin: 'absent', verdictRelevant: true },
      { aspect: 'shape', path: 'payload.contact.phone_number', attached: 'string', twin: 'absent', verdictRelevant: true },
    ]);
  });

  it('an empty list on one side is an order difference, not a shape difference per element key', () => {
    const filter = probe('contacts-filter-phone');
    const found = answer(200, { meta: { count: 1 }, payload: [{ id: 3, phone_number: '+123456' }] }, ['bot']);
    const none = answer(200, { meta: { count: 0 }, payload: [] }, []);
    expect(compareAnswers(filter, none, found)).toEqual([{ aspect: 'order', attached: [], twin: ['bot'], verdictRelevant: true }]);
  });

  it('an error answer is compared as text; an informational probe never touches a verdict', () => {
    const health = probe('health');
    expect(
      compareAnswers(health, answer(404, { status: 404, error: 'Not Found' }), answer(200, { status: 'woot' })).map((d) => [d.aspect, d.verdictRelevant]),
    ).toEqual([
      ['status', false],
      ['text', false],
    ]);
  });
});
