import type { EvolutionProfile } from '../../model/evolution-profiles.ts';

/**
 * Evolution 1.7 validates request bodies with the `jsonschema` package and answers
 * 400 `{response:{message:[[ ...messages ]]}}` (§2.2). Each message is the schema's `description`
 * when it has one, else the error's `stack` with `instance.` removed, e.g.
 * `account_id is not of a type(s) string`, `instance requires property "url"`.
 * This is a small validator for the few schemas the twin serves, producing those texts.
 */
type JsonType = 'string' | 'boolean' | 'integer' | 'number' | 'object' | 'array' | 'null';

export interface FieldSchema {
  type?: JsonType | JsonType[];
  enum?: readonly unknown[];
  pattern?: string;
  minLength?: number;
  description?: string;
  items?: FieldSchema;
  properties?: Record<string, FieldSchema>;
  required?: readonly string[];
  /**
   * Upstream's isNotEmpty(...names): `if: {propertyNames: {enum: names}}, then: {properties: minLength 1}`.
   * jsonschema applies the `then` only when EVERY key of the object is one of `names`.
   */
  notEmptyWhenOnly?: readonly string[];
}

function typeOf(value: unknown): JsonType[] {
  if (value === null) return ['null'];
  if (Array.isArray(value)) return ['array'];
  if (typeof value === 'number') return Number.isInteger(value) ? ['integer', 'number'] : ['number'];
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'object') return [typeof value as JsonType];
  return [];
}

interface SchemaError {
  stack: string;
  description: string | undefined;
}

function validateValue(value: unknown, schema: FieldSchema, property: string, errors: SchemaError[]): void {
  const add = (message: string) => errors.push({ stack: `${property} ${message}`, description: schema.description });
  if (schema.type) {
    const wanted = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!typeOf(value).some((actual) => wanted.includes(actual))) add(`is not of a type(s) ${wanted.join(',')}`);
  }
  if (schema.enum && !schema.enum.some((allowed) => allowed === value)) add(`is not one of enum values: ${schema.enum.join(',')}`);
  if (typeof value === 'string') {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) add(`does not match pattern ${JSON.stringify(schema.pattern)}`);
    if (schema.minLength !== undefined && [...value].length < schema.minLength) add(`does not meet minimum length of ${schema.minLength}`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, index) => validateValue(item, schema.items!, `${property}[${index}]`, errors));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const [name, propertySchema] of Object.entries(schema.properties ?? {})) {
      if (record[name] !== undefined) validateValue(record[name], propertySchema, `${property}.${name}`, errors);
    }
    for (const name of schema.required ?? []) {
      if (record[name] === undefined) errors.push({ stack: `${property} requires property "${name}"`, description: undefined });
    }
    const only = schema.notEmptyWhenOnly;
    if (only && Object.keys(record).every((key) => only.includes(key))) {
      for (const name of only) {
        const field = record[name];
        if (typeof field === 'string' && field.length < 1) {
          errors.push({ stack: `${property}.${name} does not meet minimum length of 1`, description: `The "${name}" cannot be empty` });
        }
      }
    }
  }
}

/** Messages as upstream's dataValidate builds them; empty when valid. */
export function schemaMessages(body: unknown, schema: FieldSchema): string[] {
  const errors: SchemaError[] = [];
  validateValue(body, schema, 'instance', errors);
  return errors.map((error) => error.description ?? error.stack.replace('instance.', ''));
}

/** The event names Evolution 1.7 accepts in `events[]`; also the default set a new instance subscribes to. */
export const WEBHOOK_EVENTS = [
  'APPLICATION_STARTUP',
  'QRCODE_UPDATED',
  'MESSAGES_SET',
  'MESSAGES_UPSERT',
  'MESSAGES_UPDATE',
  'MESSAGES_DELETE',
  'SEND_MESSAGE',
  'CONTACTS_SET',
  'CONTACTS_UPSERT',
  'CONTACTS_UPDATE',
  'PRESENCE_UPDATE',
  'CHATS_SET',
  'CHATS_UPSERT',
  'CHATS_UPDATE',
  'CHATS_DELETE',
  'GROUPS_UPSERT',
  'GROUP_UPDATE',
  'GROUP_PARTICIPANTS_UPDATE',
  'CONNECTION_UPDATE',
  'LABELS_EDIT',
  'LABELS_ASSOCIATION',
  'CALL',
  'NEW_JWT_TOKEN',
  'TYPEBOT_START',
  'TYPEBOT_CHANGE_STATUS',
] as const;

/** instanceNameSchema (§2.3): Chatwoot fields are not schema-validated. */
export const instanceCreateSchema: FieldSchema = {
  type: 'object',
  properties: {
    instanceName: { type: 'string' },
    webhook: { type: 'string' },
    webhook_by_events: { type: 'boolean' },
    events: { type: 'array', items: { type: 'string', enum: WEBHOOK_EVENTS } },
    qrcode: { type: 'boolean', enum: [true, false] },
    number: { type: 'string', pattern: '^\\d+[\\.@\\w-]+' },
    token: { type: 'string' },
  },
  notEmptyWhenOnly: ['instanceName'],
};

/** chatwootSchema (§2.5): `account_id` must be a string here. */
export function chatwootSetSchema(profile: Pick<EvolutionProfile, 'mergeBrazilContacts'>): FieldSchema {
  return {
    type: 'object',
    properties: {
      enabled: { type: 'boolean', enum: [true, false] },
      account_id: { type: 'string' },
      token: { type: 'string' },
      url: { type: 'string' },
      sign_msg: { type: 'boolean', enum: [true, false] },
      sign_delimiter: { type: ['string', 'null'] },
      reopen_conversation: { type: 'boolean', enum: [true, false] },
      conversation_pending: { type: 'boolean', enum: [true, false] },
      ...(profile.mergeBrazilContacts ? { merge_brazil_contacts: { type: 'boolean', enum: [true, false] } } : {}),
      import_contacts: { type: 'boolean', enum: [true, false] },
      import_messages: { type: 'boolean', enum: [true, false] },
      days_limit_import_messages: { type: 'number' },
      auto_create: { type: 'boolean', enum: [true, false] },
      name_inbox: { type: 'string' },
    },
    required: ['enabled', 'account_id', 'token', 'url', 'sign_msg', 'reopen_conversation', 'conversation_pending'],
    notEmptyWhenOnly: ['account_id', 'token', 'url', 'sign_msg', 'reopen_conversation', 'conversation_pending'],
  };
}

/** textMessageSchema (§2.7). */
export const sendTextSchema: FieldSchema = {
  type: 'object',
  properties: {
    number: { type: 'string', description: 'Invalid format' },
    options: {
      properties: {
        delay: { type: 'integer', description: 'Enter a value in milliseconds' },
        presence: { type: 'string', enum: ['unavailable', 'available', 'composing', 'recording', 'paused'] },
        linkPreview: { type: 'boolean' },
      },
    },
    textMessage: {
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
      notEmptyWhenOnly: ['text'],
    },
  },
  required: ['textMessage', 'number'],
};

/**
 * 2.x instanceSchema (src/validate/instance.schema.ts@2.3.6), the properties the twin meets: camelCase Chatwoot
 * fields typed but not required (`chatwootAccountId` must be a string); `Integration` is declared with a capital I,
 * so `integration` itself is never validated here (the controller answers "Invalid integration").
 */
export const instanceCreateSchema2: FieldSchema = {
  type: 'object',
  properties: {
    instanceName: { type: 'string' },
    token: { type: 'string' },
    number: { type: 'string', pattern: '^\\d+[\\.@\\w-]+' },
    qrcode: { type: 'boolean' },
    rejectCall: { type: 'boolean' },
    msgCall: { type: 'string' },
    groupsIgnore: { type: 'boolean' },
    alwaysOnline: { type: 'boolean' },
    readMessages: { type: 'boolean' },
    readStatus: { type: 'boolean' },
    syncFullHistory: { type: 'boolean' },
    chatwootAccountId: { type: 'string' },
    chatwootToken: { type: 'string' },
    chatwootUrl: { type: 'string' },
    chatwootSignMsg: { type: 'boolean' },
    chatwootReopenConversation: { type: 'boolean' },
    chatwootConversationPending: { type: 'boolean' },
    chatwootImportContacts: { type: 'boolean' },
    chatwootNameInbox: { type: 'string' },
    chatwootMergeBrazilContacts: { type: 'boolean' },
    chatwootImportMessages: { type: 'boolean' },
    chatwootDaysLimitImportMessages: { type: 'number' },
  },
  notEmptyWhenOnly: ['instanceName'],
};

/** 2.x chatwootSchema (chatwoot.schema.ts@2.3.6): camelCase, `accountId` a string. */
export const chatwootSetSchema2: FieldSchema = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean', enum: [true, false] },
    accountId: { type: 'string' },
    token: { type: 'string' },
    url: { type: 'string' },
    signMsg: { type: 'boolean', enum: [true, false] },
    signDelimiter: { type: ['string', 'null'] },
    nameInbox: { type: ['string', 'null'] },
    reopenConversation: { type: 'boolean', enum: [true, false] },
    conversationPending: { type: 'boolean', enum: [true, false] },
    autoCreate: { type: 'boolean', enum: [true, false] },
    importContacts: { type: 'boolean', enum: [true, false] },
    mergeBrazilContacts: { type: 'boolean', enum: [true, false] },
    importMessages: { type: 'boolean', enum: [true, false] },
    daysLimitImportMessages: { type: 'number' },
    ignoreJids: { type: 'array', items: { type: 'string' } },
  },
  required: ['enabled', 'accountId', 'token', 'url', 'signMsg', 'reopenConversation', 'conversationPending'],
  notEmptyWhenOnly: ['enabled', 'accountId', 'token', 'url', 'signMsg', 'reopenConversation', 'conversationPending'],
};

/** 2.x textMessageSchema (message.schema.ts@2.3.6): `{number, text, delay?}`, no `textMessage` wrapper any more. */
export const sendTextSchema2: FieldSchema = {
  type: 'object',
  properties: {
    number: { type: 'string' },
    text: { type: 'string' },
    linkPreview: { type: 'boolean' },
    delay: { type: 'integer', description: 'Enter a value in milliseconds' },
  },
  required: ['number', 'text'],
};
