import { describe, expect, it } from 'vitest';
import { evolutionProfile } from '../../model/evolution-profiles.ts';
import { chatwootSetSchema, instanceCreateSchema, schemaMessages, sendTextSchema } from './request-schemas.ts';

describe('jsonschema-style messages', () => {
  it('reports type and enum errors of /chatwoot/set in property order, then missing required properties', () => {
    expect(schemaMessages({ enabled: 'yes', account_id: 1, token: 't' }, chatwootSetSchema(evolutionProfile('1.7.4')))).toEqual([
      'enabled is not of a type(s) boolean',
      'enabled is not one of enum values: true,false',
      'account_id is not of a type(s) string',
      'instance requires property "url"',
      'instance requires property "sign_msg"',
      'instance requires property "reopen_conversation"',
      'instance requires property "conversation_pending"',
    ]);
  });

  it('accepts a complete /chatwoot/set body', () => {
    const body = { enabled: true, account_id: '1', token: 't', url: 'http://c:3000', sign_msg: false, reopen_conversation: true, conversation_pending: false };
    expect(schemaMessages(body, chatwootSetSchema(evolutionProfile('1.7.5')))).toEqual([]);
  });

  it('does not validate Chatwoot fields on /instance/create and checks the number pattern', () => {
    expect(schemaMessages({ instanceName: 'a', chatwoot_account_id: 1 }, instanceCreateSchema)).toEqual([]);
    expect(schemaMessages({ instanceName: 'a', number: '+55' }, instanceCreateSchema)).toEqual(['number does not match pattern "^\\\\d+[\\\\.@\\\\w-]+"']);
    expect(schemaMessages({ instanceName: 5 }, instanceCreateSchema)).toEqual(['instanceName is not of a type(s) string']);
  });

  it('applies isNotEmpty only when the object has no other keys (the if/propertyNames quirk)', () => {
    expect(schemaMessages({ instanceName: '' }, instanceCreateSchema)).toEqual(['The "instanceName" cannot be empty']);
    expect(schemaMessages({ instanceName: '', qrcode: true }, instanceCreateSchema)).toEqual([]);
  });

  it('uses schema descriptions as messages (sendText number)', () => {
    expect(schemaMessages({ number: 5, textMessage: {} }, sendTextSchema)).toEqual(['Invalid format', 'textMessage requires property "text"']);
  });
});
