import type { TwinDeps } from '../twin-context.ts';
import type { Account, Contact, ContactInbox, Inbox } from '../twin-state.ts';
import { HttpProblem, ValidationErrors } from '../http/http-problem.ts';
import { castBoolean, isPlainObject, stringParam, type Params } from '../http/request-params.ts';
import { stringColumnErrors } from './column-length.ts';

/** Contact#phone_number format: no start anchor (Corrections: `/\+[1-9]\d{1,14}\z/`), so `00+5511…` passes. */
export const PHONE_PATTERN = /\+[1-9]\d{1,14}$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+$/;

export interface ContactFields {
  name: string;
  email: string | null;
  phoneNumber: string | null;
  identifier: string | null;
  additionalAttributes: Record<string, unknown>;
  customAttributes: Record<string, unknown>;
  blocked: boolean;
}

const blankToNull = (value: string | undefined | null) => (value === undefined || value === null || value.trim() === '' ? null : value);

/**
 * The contact after assigning params (create, or update over `current`): email downcased, blank
 * unique fields stored as NULL; on update custom_attributes are merged (contacts_controller.rb
 * #contact_custom_attributes) while additional_attributes are assigned as sent unless the profile
 * merges them (`contactUpdateMergesAdditionalAttributes`: 4.2.0+; 3.x replaces, measured §M).
 */
export function contactFieldsFrom(params: Params, current?: Contact, options: { mergeAdditionalAttributes?: boolean } = {}): ContactFields {
  const has = (key: string) => Object.prototype.hasOwnProperty.call(params, key);
  const email = has('email') ? (blankToNull(stringParam(params, 'email'))?.trim().toLowerCase() ?? null) : (current?.email ?? null);
  const additional = isPlainObject(params.additional_attributes) ? params.additional_attributes : undefined;
  const custom = isPlainObject(params.custom_attributes) ? params.custom_attributes : undefined;
  return {
    name: has('name') ? (stringParam(params, 'name') ?? '') : (current?.name ?? ''),
    email,
    phoneNumber: has('phone_number') ? blankToNull(stringParam(params, 'phone_number')) : (current?.phoneNumber ?? null),
    identifier: has('identifier') ? blankToNull(stringParam(params, 'identifier')) : (current?.identifier ?? null),
    additionalAttributes: !current
      ? { ...additional }
      : additional === undefined
        ? current.additionalAttributes
        : options.mergeAdditionalAttributes
          ? { ...current.additionalAttributes, ...additional }
          : { ...additional },
    customAttributes: current ? { ...current.customAttributes, ...custom } : { ...custom },
    blocked: castBoolean(params.blocked) ?? current?.blocked ?? false,
  };
}

/**
 * Contact validations: first ApplicationRecord's length check of every string column in table order
 * (name, email, phone_number, identifier; measured: "Name is too long (maximum is 255 characters)"),
 * then the model's in declaration order: email, identifier, phone_number (§3.1).
 */
export function validateContact(deps: TwinDeps, accountId: number, fields: ContactFields, selfId?: number): ValidationErrors {
  const errors = new ValidationErrors();
  stringColumnErrors(errors, [
    ['name', 'Name', fields.name],
    ['email', 'Email', fields.email],
    ['phone_number', 'Phone number', fields.phoneNumber],
    ['identifier', 'Identifier', fields.identifier],
  ]);
  const others = deps.state.contactsOf(accountId).filter((contact) => contact.id !== selfId);
  if (fields.email !== null) {
    if (others.some((contact) => contact.email !== null && contact.email.toLowerCase() === fields.email!.toLowerCase())) {
      errors.add('email', 'Email has already been taken');
    }
    if (!EMAIL_PATTERN.test(fields.email)) errors.add('email', 'Email Invalid email');
  }
  if (fields.identifier !== null && others.some((contact) => contact.identifier === fields.identifier)) {
    errors.add('identifier', 'Identifier has already been taken');
  }
  if (fields.phoneNumber !== null) {
    if (others.some((contact) => contact.phoneNumber === fields.phoneNumber)) errors.add('phone_number', 'Phone number has already been taken');
    if (!PHONE_PATTERN.test(fields.phoneNumber)) errors.add('phone_number', 'Phone number should be in e164 format');
  }
  return errors;
}

export function findContact(deps: TwinDeps, account: Account, id: number | undefined): Contact {
  const contact = id === undefined ? undefined : deps.state.contacts.get(id);
  if (!contact || contact.accountId !== account.id) throw new HttpProblem(404, { error: 'Resource could not be found' });
  return contact;
}

/**
 * ContactInboxBuilder: with a source_id, reuse the row of this contact or refuse one taken by
 * another contact in the inbox; without one, API inboxes get a fresh UUID (a new row).
 * Returns a row that is not stored yet when a new one is needed (callers insert after validating).
 */
export function planContactInbox(deps: TwinDeps, contact: Contact, inbox: Inbox, sourceId: string | undefined): { row: ContactInbox; isNew: boolean } {
  if (sourceId !== undefined && sourceId !== '') {
    const existing = [...deps.state.contactInboxes.values()].find((row) => row.inboxId === inbox.id && row.sourceId === sourceId);
    if (existing) {
      if (existing.contactId !== contact.id) throw new HttpProblem(422, { error: 'source_id should be unique' });
      return { row: existing, isNew: false };
    }
  }
  const now = deps.now();
  return {
    row: {
      id: 0,
      contactId: contact.id,
      inboxId: inbox.id,
      sourceId: sourceId !== undefined && sourceId !== '' ? sourceId : deps.random.uuid(),
      hmacVerified: false,
      pubsubToken: deps.random.token(),
      createdAt: now,
      updatedAt: now,
    },
    isNew: true,
  };
}

export function insertContactInbox(deps: TwinDeps, planned: { row: ContactInbox; isNew: boolean }): ContactInbox {
  if (!planned.isNew) return planned.row;
  const row = { ...planned.row, id: deps.state.nextId('contactInbox') };
  deps.state.contactInboxes.set(row.id, row);
  return row;
}

export function newContact(deps: TwinDeps, accountId: number, fields: ContactFields): Contact {
  const now = deps.now();
  return {
    id: deps.state.nextId('contact'),
    accountId,
    name: fields.name,
    email: fields.email,
    phoneNumber: fields.phoneNumber,
    identifier: fields.identifier,
    additionalAttributes: fields.additionalAttributes,
    customAttributes: fields.customAttributes,
    blocked: fields.blocked,
    labels: [],
    lastActivityAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * ContactMergeAction (1.7.5's merge_brazil_contacts): the mergee's conversations, contact inboxes
 * and messages move to the base contact; base values win, blanks are filled from the mergee; the
 * mergee is destroyed.
 */
export function mergeContacts(deps: TwinDeps, base: Contact, mergee: Contact): void {
  for (const conversation of deps.state.conversations.values()) if (conversation.contactId === mergee.id) conversation.contactId = base.id;
  for (const row of deps.state.contactInboxes.values()) if (row.contactId === mergee.id) row.contactId = base.id;
  for (const message of deps.state.messages.values()) {
    if (message.sender?.type === 'Contact' && message.sender.id === mergee.id) message.sender = { type: 'Contact', id: base.id };
  }
  base.name = base.name || mergee.name;
  base.email = base.email ?? mergee.email;
  base.phoneNumber = base.phoneNumber ?? mergee.phoneNumber;
  base.identifier = base.identifier ?? mergee.identifier;
  base.additionalAttributes = { ...mergee.additionalAttributes, ...base.additionalAttributes };
  base.customAttributes = { ...mergee.customAttributes, ...base.customAttributes };
  base.updatedAt = deps.now();
  deps.state.contacts.delete(mergee.id);
}
