import type { Hono } from 'hono';
import type { TwinContext, TwinDeps, TwinEnv } from '../twin-context.ts';
import type { Inbox } from '../twin-state.ts';
import { authenticateAccount, requireAdministrator, visibleInboxIds, type AccountAccess } from '../http/auth.ts';
import { findInbox } from '../services/inbox-lookup.ts';
import { notFound, railsPublicError, ValidationErrors } from '../http/http-problem.ts';
import { castBoolean, idParam, isPlainObject, stringParam, type Params } from '../http/request-params.ts';
import { inboxJson } from '../presenters/inbox-json.ts';

/**
 * API-inbox names must start and end with a word character and contain none of `< > / \ @`
 * (app/models/inbox.rb, chatwoot-3.7-3.9.md §3.1). Ruby's `\b`/`\w` are ASCII here.
 */
const API_INBOX_NAME = /^\b[^/\\<>@]*\b$/;
const NAME_FORMAT_MESSAGE = 'Name should not start or end with symbols, and it should not have < > / \\ @ characters.';

function validateName(name: string, errors: ValidationErrors): void {
  if (name.trim() === '') errors.add('name', "Name can't be blank");
  if (!API_INBOX_NAME.test(name)) errors.add('name', NAME_FORMAT_MESSAGE);
}


function applyInboxSettings(inbox: Inbox, params: Params): void {
  const bool = (key: string) => castBoolean(params[key]);
  inbox.enableAutoAssignment = bool('enable_auto_assignment') ?? inbox.enableAutoAssignment;
  inbox.greetingEnabled = bool('greeting_enabled') ?? inbox.greetingEnabled;
  inbox.lockToSingleConversation = bool('lock_to_single_conversation') ?? inbox.lockToSingleConversation;
  inbox.allowMessagesAfterResolved = bool('allow_messages_after_resolved') ?? inbox.allowMessagesAfterResolved;
  const greeting = stringParam(params, 'greeting_message');
  if (greeting !== undefined) inbox.greetingMessage = greeting;
}

function applyChannelSettings(inbox: Inbox, channel: Params): void {
  const webhookUrl = stringParam(channel, 'webhook_url');
  if (webhookUrl !== undefined) inbox.webhookUrl = webhookUrl;
  const hmacMandatory = castBoolean(channel.hmac_mandatory);
  if (hmacMandatory !== undefined) inbox.hmacMandatory = hmacMandatory;
  if (isPlainObject(channel.additional_attributes)) inbox.additionalAttributes = channel.additional_attributes;
}

function isAdministrator(access: AccountAccess): boolean {
  return access.role === 'administrator';
}

/** Inboxes (chatwoot-3.7-3.9.md §3.1): only API channels exist in the twin. */
export function registerInboxRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  const base = '/api/v1/accounts/:accountId/inboxes';

  app.get(base, (c) => {
    const access = authenticateAccount(c, deps, 'inboxes#index');
    const visible = visibleInboxIds(deps, access);
    const inboxes = deps.state
      .inboxesOf(access.account.id)
      .filter((inbox) => visible.has(inbox.id))
      .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id - b.id);
    return c.json({ payload: inboxes.map((inbox) => inboxJson(inbox, { administrator: isAdministrator(access) })) });
  });

  app.post(base, (c) => createInbox(c, deps));

  app.get(`${base}/:inboxId`, (c) => {
    const access = authenticateAccount(c, deps, 'inboxes#show');
    const inbox = findInbox(deps, access, c.req.param('inboxId'));
    if (!visibleInboxIds(deps, access).has(inbox.id)) throw notFound();
    return c.json(inboxJson(inbox, { administrator: isAdministrator(access) }));
  });

  const update = (c: TwinContext) => {
    const access = authenticateAccount(c, deps, 'inboxes#update');
    requireAdministrator(access);
    const inbox = findInbox(deps, access, c.req.param('inboxId'));
    const params = c.get('params');
    const errors = new ValidationErrors();
    const name = stringParam(params, 'name');
    if (name !== undefined) validateName(name, errors);
    errors.throwIfAny();
    if (name !== undefined) inbox.name = name;
    applyInboxSettings(inbox, params);
    if (isPlainObject(params.channel)) applyChannelSettings(inbox, params.channel);
    return c.json(inboxJson(inbox, { administrator: true }));
  };
  app.patch(`${base}/:inboxId`, update);
  app.put(`${base}/:inboxId`, update);

  // InboxMembersController#create: assigns agents to an inbox (agents then see it).
  app.post('/api/v1/accounts/:accountId/inbox_members', (c) => {
    const access = authenticateAccount(c, deps, 'inbox_members#create');
    requireAdministrator(access);
    const params = c.get('params');
    const inbox = findInbox(deps, access, params.inbox_id);
    const userIds = (Array.isArray(params.user_ids) ? params.user_ids : []).map(idParam);
    for (const userId of userIds) {
      if (userId === undefined || !deps.state.membership(access.account.id, userId)) throw notFound();
    }
    for (const userId of userIds) inbox.memberIds.add(userId!);
    return c.json({ payload: [...inbox.memberIds].map((id) => ({ id, name: deps.state.users.get(id)?.name ?? '' })) });
  });
}

function createInbox(c: TwinContext, deps: TwinDeps): Response {
  const access = authenticateAccount(c, deps, 'inboxes#create');
  requireAdministrator(access);
  const params = c.get('params');
  const channel = params.channel;
  // A missing or non-API channel type ends in NoMethodError upstream (`nil.create!`): Rails' 500.
  if (!isPlainObject(channel) || stringParam(channel, 'type') !== 'api') throw railsPublicError(500);
  const name = stringParam(params, 'name') ?? '';
  const errors = new ValidationErrors();
  validateName(name, errors);
  errors.throwIfAny();

  const inbox: Inbox = {
    id: deps.state.nextId('inbox'),
    accountId: access.account.id,
    name,
    channelId: deps.state.nextId('channel'),
    webhookUrl: '',
    hmacToken: deps.random.token(),
    hmacMandatory: false,
    identifier: deps.random.token(),
    additionalAttributes: {},
    enableAutoAssignment: true,
    lockToSingleConversation: false,
    allowMessagesAfterResolved: true,
    greetingEnabled: false,
    greetingMessage: null,
    memberIds: new Set(),
    agentBotId: null,
    createdAt: deps.now(),
  };
  applyInboxSettings(inbox, params);
  applyChannelSettings(inbox, channel);
  deps.state.inboxes.set(inbox.id, inbox);
  return c.json(inboxJson(inbox, { administrator: true }));
}
