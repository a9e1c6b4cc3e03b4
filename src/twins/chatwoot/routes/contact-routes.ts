import type { Hono } from 'hono';
import type { TwinContext, TwinDeps, TwinEnv } from '../twin-context.ts';
import type { Contact } from '../twin-state.ts';
import { authenticateAccount, requireAdministrator, visibleInboxIds, type AccountAccess } from '../http/auth.ts';
import { headOk, HttpProblem } from '../http/http-problem.ts';
import { idParam, isBlank, stringParam, type ParamValue, type Params } from '../http/request-params.ts';
import { contactJson, contactWithInboxesJson } from '../presenters/contact-json.ts';
import { conversationJson } from '../presenters/conversation-json.ts';
import { inboxJson, inboxRowJson } from '../presenters/inbox-json.ts';
import { runFilter, type FilterRowAccess } from '../filters/filter-engine.ts';
import { findInbox } from '../services/inbox-lookup.ts';
import {
  contactFieldsFrom,
  findContact,
  insertContactInbox,
  mergeContacts,
  newContact,
  planContactInbox,
  validateContact,
} from '../services/contact-service.ts';
import { jsString } from '../../js-string.ts';

/** ContactsController::RESULTS_PER_PAGE (chatwoot-3.7-3.9.md §1.1). */
const CONTACTS_PER_PAGE = 15;

/** Kaminari's page: a positive integer, anything else is page 1. */
function pageNumber(raw: ParamValue | undefined): number {
  const page = Number.parseInt(jsString(raw ?? '1'), 10);
  return Number.isFinite(page) && page > 0 ? page : 1;
}

/** `@current_page = params[:page] || 1`: the raw param when given (a string from a query), else 1. */
function currentPageMeta(params: Params): ParamValue {
  return params.page === undefined || params.page === null || params.page === '' ? 1 : params.page;
}

function renderContactList(
  c: TwinContext,
  deps: TwinDeps,
  access: AccountAccess,
  contacts: Contact[],
  count: number | null,
  extraMeta: Record<string, unknown> = {},
) {
  const params = c.get('params');
  const page = pageNumber(params.page);
  const slice = contacts.slice((page - 1) * CONTACTS_PER_PAGE, page * CONTACTS_PER_PAGE);
  const withInboxes = stringParam(params, 'include_contact_inboxes') !== 'false';
  const administrator = access.role === 'administrator';
  return c.json({
    meta: { count, current_page: currentPageMeta(params), ...extraMeta },
    payload: slice.map((contact) => (withInboxes ? contactWithInboxesJson(deps.present, contact, administrator) : contactJson(contact))),
  });
}

/** `resolved_contacts`: an email, a phone number or an identifier (4.7.0+ base of contacts/filter, chatwoot-3.10-4.x.md §1.4). */
function isResolved(contact: Contact): boolean {
  return [contact.email, contact.phoneNumber, contact.identifier].some((value) => value !== null && value !== '');
}

/** `resolvedOnly`: the 4.7.0 rules (PR #12520, #10386): `+` + values[0] without a sent `+`; non-strings no longer downcased. */
function contactFilterAccess(resolvedOnly: boolean): FilterRowAccess<Contact> {
  return {
    column(contact, key) {
      switch (key) {
        case 'name':
          return contact.name;
        case 'email':
          return contact.email;
        case 'phone_number':
          return contact.phoneNumber;
        case 'identifier':
          return contact.identifier;
        case 'created_at':
          return contact.createdAt;
        case 'last_activity_at':
          return contact.lastActivityAt;
        case 'blocked':
          return contact.blocked;
        default:
          return undefined;
      }
    },
    additionalAttribute: (contact, key) => contact.additionalAttributes[key === 'company' ? 'company_name' : key],
    customAttribute: (contact, key) => contact.customAttributes[key],
    labels: (contact) => contact.labels,
    // Contacts::FilterService#filter_values (Corrections): values[0] only for (not_)equal_to, `+` for phone numbers, others lower-cased.
    filterValues(key, operator, values) {
      const transform = (value: unknown) => {
        if (value === null || value === undefined) return value;
        if (key === 'phone_number') return `+${resolvedOnly ? jsString(value).replaceAll('+', '') : jsString(value)}`;
        if (key === 'created_at' || key === 'last_activity_at') return value;
        if (resolvedOnly && typeof value !== 'string') return value;
        return jsString(value).toLowerCase();
      };
      // The `else` branch (unknown operators) goes through the same filter_values: values[0], an equality.
      const used = operator === 'equal_to' || operator === 'not_equal_to' || operator === 'unknown' ? values.slice(0, 1) : values;
      return used.map(transform);
    },
    // 3.7.0 (§M): `current_val.downcase` for country_code runs even without values → NoMethodError (500).
    beforeLookup(key, operator, values, fail) {
      if (['contains', 'does_not_contain', 'is_present', 'is_not_present', 'is_greater_than', 'is_less_than', 'days_before'].includes(operator)) return;
      const first: unknown = Array.isArray(values) ? values[0] : undefined;
      if (values === null || values === undefined) throw fail("NoMethodError (undefined method `[]' for nil:NilClass)");
      if (key === 'country_code' && (first === null || first === undefined)) throw fail("NoMethodError (undefined method `downcase' for nil)");
    },
  };
}

/**
 * Search matches name/email/phone (ILIKE), identifier (LIKE) and company_name, among contacts with an email, phone or
 * identifier; from 4.11.0 (`pagedMeta`, PR #13376) among all contacts and without the company match.
 */
function searchContacts(contacts: Contact[], q: string, pagedMeta: boolean): Contact[] {
  const needle = q.toLowerCase();
  const ilike = (value: unknown) => typeof value === 'string' && value.toLowerCase().includes(needle);
  return contacts.filter(
    (contact) =>
      (pagedMeta || contact.email !== null || contact.phoneNumber !== null || contact.identifier !== null) &&
      (ilike(contact.name) ||
        ilike(contact.email) ||
        ilike(contact.phoneNumber) ||
        (contact.identifier !== null && contact.identifier.includes(q)) ||
        (!pagedMeta && ilike(contact.additionalAttributes.company_name))),
  );
}

export function registerContactRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  const base = '/api/v1/accounts/:accountId/contacts';

  app.get(base, (c) => {
    const access = authenticateAccount(c, deps, 'contacts#index');
    const contacts = deps.state.contactsOf(access.account.id).sort((a, b) => a.id - b.id);
    return renderContactList(c, deps, access, contacts, contacts.length);
  });

  // Rate-limited by rack-attack (5/min per account on 3.7.0/3.8.0, RATE_LIMIT_CONTACT_SEARCH on 3.9.0).
  app.get(`${base}/search`, (c) => {
    const access = authenticateAccount(c, deps, 'contacts#search');
    const q = stringParam(c.get('params'), 'q');
    // `render … if params[:q].blank? && return` returns before rendering: the implicit view renders
    // with no contacts and no count (Inference, chatwoot-3.7-3.9.md §3.1).
    if (q === undefined || q.trim() === '') return renderContactList(c, deps, access, [], null);
    const pagedMeta = deps.config.profile.contactSearchMeta === 'page-with-has-more';
    const found = searchContacts(deps.state.contactsOf(access.account.id), q, pagedMeta).sort((a, b) => a.id - b.id);
    if (!pagedMeta) return renderContactList(c, deps, access, found, found.length);
    // 4.11.0+: 16 rows fetched, 15 shown; `count` is this page's size and `has_more` says whether the 16th exists.
    const page = pageNumber(c.get('params').page);
    const shown = found.slice((page - 1) * CONTACTS_PER_PAGE, page * CONTACTS_PER_PAGE).length;
    return renderContactList(c, deps, access, found, shown, { has_more: found.length > page * CONTACTS_PER_PAGE });
  });

  // contacts#export (profile.contactsExportMethod): Account::ContactsExportJob mails the CSV; head :ok.
  // The other method is no route: GET on 3.9.0 falls through to contacts#show (404), POST on 3.7/3.8 is a routing 404.
  app.on(deps.config.profile.contactsExportMethod, `${base}/export`, (c) => {
    const access = authenticateAccount(c, deps, 'contacts#export');
    requireAdministrator(access);
    return headOk();
  });

  app.post(`${base}/filter`, (c) => {
    const access = authenticateAccount(c, deps, 'contacts#filter');
    const params = c.get('params');
    const rows = deps.state
      .contactsOf(access.account.id)
      .filter((contact) => !deps.config.profile.contactFilterResolvedOnly || isResolved(contact))
      .sort((a, b) => a.id - b.id);
    const found = runFilter(
      {
        profile: deps.config.profile,
        model: 'contacts',
        payload: params.payload,
        accountLocale: access.account.locale,
        customAttributeKeys: new Set(deps.state.customAttributesOf(access.account.id, 'contact_attribute').map((d) => d.attributeKey)),
        now: deps.now(),
        onSqlError: (message) => deps.log.fatal(`ActiveRecord::StatementInvalid (${message}):`, c.get('requestId')),
      },
      contactFilterAccess(deps.config.profile.contactFilterResolvedOnly),
      rows,
    );
    return renderContactList(c, deps, access, found, found.length);
  });

  app.post(base, (c) => {
    const access = authenticateAccount(c, deps, 'contacts#create');
    const params = c.get('params');
    // Validate everything first: nothing is stored when any part fails (the upstream transaction).
    const inbox = isBlank(params.inbox_id) ? undefined : findInbox(deps, access, params.inbox_id);
    const fields = contactFieldsFrom(params);
    validateContact(deps, access.account.id, fields).throwIfAny();
    const contact = newContact(deps, access.account.id, fields);
    const planned = inbox ? planContactInbox(deps, contact, inbox, stringParam(params, 'source_id')) : undefined;
    deps.state.contacts.set(contact.id, contact);
    const contactInbox = planned ? insertContactInbox(deps, planned) : undefined;
    // avatar_url is fetched by a background job upstream; the twin never leaves loopback, so it is ignored.
    return c.json({
      payload: {
        contact: contactWithInboxesJson(deps.present, contact, access.role === 'administrator'),
        // `json.inbox @contact_inbox&.inbox` renders nulls without an inbox_id (measured).
        contact_inbox: { inbox: contactInbox && inbox ? inboxRowJson(inbox) : null, source_id: contactInbox?.sourceId ?? null },
      },
    });
  });

  app.get(`${base}/:contactId`, (c) => {
    const access = authenticateAccount(c, deps, 'contacts#show');
    const contact = findContact(deps, access.account, idParam(c.req.param('contactId')));
    return c.json({ payload: contactWithInboxesJson(deps.present, contact, access.role === 'administrator') });
  });

  const update = (c: TwinContext) => {
    const access = authenticateAccount(c, deps, 'contacts#update');
    const contact = findContact(deps, access.account, idParam(c.req.param('contactId')));
    const fields = contactFieldsFrom(c.get('params'), contact, {
      mergeAdditionalAttributes: deps.config.profile.contactUpdateMergesAdditionalAttributes,
    });
    validateContact(deps, access.account.id, fields, contact.id).throwIfAny();
    Object.assign(contact, {
      name: fields.name,
      email: fields.email,
      phoneNumber: fields.phoneNumber,
      identifier: fields.identifier,
      additionalAttributes: fields.additionalAttributes,
      customAttributes: fields.customAttributes,
      blocked: fields.blocked,
      updatedAt: deps.now(),
    });
    return c.json({ payload: contactWithInboxesJson(deps.present, contact, access.role === 'administrator') });
  };
  app.put(`${base}/:contactId`, update);
  app.patch(`${base}/:contactId`, update);

  // Up to 20, newest first, only in the caller's inboxes (chatwoot-3.7-3.9.md §3.1); 1.7.5 uses it instead of the filter.
  app.get(`${base}/:contactId/conversations`, (c) => {
    const access = authenticateAccount(c, deps, 'contacts/conversations#index');
    const contact = findContact(deps, access.account, idParam(c.req.param('contactId')));
    const visible = visibleInboxIds(deps, access);
    const conversations = deps.state
      .conversationsOf(access.account.id)
      .filter((conversation) => conversation.contactId === contact.id && visible.has(conversation.inboxId))
      // 4.0.2+ (PR #10825): last_activity_at desc; before, id desc (chatwoot-3.10-4.x.md §3).
      .sort((a, b) => (deps.config.profile.contactConversationsOrder === 'last-activity-desc' ? b.lastActivityAt - a.lastActivityAt : 0) || b.id - a.id)
      .slice(0, 20);
    return c.json({ payload: conversations.map((conversation) => conversationJson(deps.present, conversation)) });
  });

  app.get(`${base}/:contactId/contactable_inboxes`, (c) => {
    const access = authenticateAccount(c, deps, 'contacts/contactable_inboxes#get');
    const contact = findContact(deps, access.account, idParam(c.req.param('contactId')));
    const visible = visibleInboxIds(deps, access);
    const payload = deps.state
      .inboxesOf(access.account.id)
      .filter((inbox) => visible.has(inbox.id))
      .map((inbox) => {
        const latest = deps.state
          .contactInboxesOf(contact.id)
          .filter((row) => row.inboxId === inbox.id)
          .at(-1);
        return {
          source_id: latest?.sourceId ?? deps.random.uuid(),
          inbox: inboxJson(inbox, { administrator: access.role === 'administrator', frontendUrl: deps.config.frontendUrl }),
        };
      });
    return c.json({ payload });
  });

  app.post('/api/v1/accounts/:accountId/actions/contact_merge', (c) => {
    const access = authenticateAccount(c, deps, 'actions/contact_merges#create');
    const params = c.get('params');
    const baseContact = findContact(deps, access.account, idParam(params.base_contact_id));
    const mergee = findContact(deps, access.account, idParam(params.mergee_contact_id));
    // Unverified: upstream's error for merging a contact into itself.
    if (baseContact.id === mergee.id) throw new HttpProblem(422, { message: 'contact cannot be merged into itself' });
    mergeContacts(deps, baseContact, mergee);
    return c.json(contactJson(baseContact));
  });
}
