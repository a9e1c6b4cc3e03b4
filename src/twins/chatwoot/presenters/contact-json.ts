import type { Contact, ContactInbox } from '../twin-state.ts';
import type { PresentContext } from './present-context.ts';
import { inboxJson } from './inbox-json.ts';
import { isoTime, unixSeconds } from './time-format.ts';

/** `api/v1/models/_contact.json.jbuilder` (chatwoot-3.7-3.9.md §3.2). */
export function contactJson(contact: Contact) {
  return {
    additional_attributes: contact.additionalAttributes,
    availability_status: 'offline',
    email: contact.email,
    id: contact.id,
    name: contact.name,
    phone_number: contact.phoneNumber,
    identifier: contact.identifier,
    thumbnail: '',
    custom_attributes: contact.customAttributes,
    // Both only `if resource[:…].present?` (_contact.json.jbuilder).
    ...(contact.lastActivityAt !== null ? { last_activity_at: unixSeconds(contact.lastActivityAt) } : {}),
    created_at: unixSeconds(contact.createdAt),
  };
}

export function contactInboxJson(ctx: PresentContext, row: ContactInbox, administrator: boolean) {
  const inbox = ctx.state.inboxes.get(row.inboxId);
  return { source_id: row.sourceId, inbox: inbox ? inboxJson(inbox, { administrator, frontendUrl: ctx.frontendUrl }) : null };
}

/** The contact partial plus `contact_inboxes`, as contact endpoints render it. */
export function contactWithInboxesJson(ctx: PresentContext, contact: Contact, administrator: boolean) {
  return {
    ...contactJson(contact),
    contact_inboxes: ctx.state.contactInboxesOf(contact.id).map((row) => contactInboxJson(ctx, row, administrator)),
  };
}

/** Contact#push_event_data (conversation meta.sender, REST message sender). */
export function contactPushData(contact: Contact) {
  return {
    additional_attributes: contact.additionalAttributes,
    custom_attributes: contact.customAttributes,
    email: contact.email,
    id: contact.id,
    identifier: contact.identifier,
    name: contact.name,
    phone_number: contact.phoneNumber,
    thumbnail: '',
    type: 'contact',
  };
}

/** Contact#webhook_data: no `type` (chatwoot-3.7-3.9.md §4). */
export function contactWebhookData(ctx: PresentContext, contact: Contact) {
  const account = ctx.state.accounts.get(contact.accountId);
  return {
    account: { id: contact.accountId, name: account?.name ?? '' },
    additional_attributes: contact.additionalAttributes,
    avatar: '',
    custom_attributes: contact.customAttributes,
    email: contact.email,
    id: contact.id,
    identifier: contact.identifier,
    name: contact.name,
    phone_number: contact.phoneNumber,
    thumbnail: '',
  };
}

/** The raw ContactInbox row (webhook `conversation.contact_inbox`). */
export function contactInboxRowJson(row: ContactInbox) {
  return {
    id: row.id,
    contact_id: row.contactId,
    inbox_id: row.inboxId,
    source_id: row.sourceId,
    created_at: isoTime(row.createdAt),
    updated_at: isoTime(row.updatedAt),
    hmac_verified: row.hmacVerified,
    pubsub_token: row.pubsubToken,
  };
}
