import type { Hono } from 'hono';
import type { TwinContext, TwinDeps, TwinEnv } from '../twin-context.ts';
import type { Inbox, InboxChannelType } from '../twin-state.ts';
import { authenticateAccount, requireAdministrator, visibleInboxIds, type AccountAccess } from '../http/auth.ts';
import { findInbox } from '../services/inbox-lookup.ts';
import { deleteInbox } from '../services/inbox-deletion.ts';
import { agentBotInboxJson } from '../presenters/agent-bot-json.ts';
import { headOk, notFound, railsPublicError, recordInvalid, ValidationErrors } from '../http/http-problem.ts';
import { castBoolean, idParam, isPlainObject, stringParam, type Params } from '../http/request-params.ts';
import { inboxJson } from '../presenters/inbox-json.ts';
import { textsFor } from '../locales.ts';
import { stringColumnErrors } from '../services/column-length.ts';

/**
 * Inbox names of API, web-widget and email channels must start and end with a word character and
 * contain none of `< > / \ @` (app/models/inbox.rb `check_channel_type?`, chatwoot-3.7-3.9.md §3.1).
 * Ruby's `\b`/`\w` are ASCII here.
 */
const INBOX_NAME = /^\b[^/\\<>@]*\b$/;
const NAME_FORMAT_MESSAGE = 'Name should not start or end with symbols, and it should not have < > / \\ @ characters.';

/** `symbolCheck`: the name-format rule, gone for API inboxes from 4.3.0 (PR #11597, chatwoot-3.10-4.x.md §3). */
function validateName(name: string, errors: ValidationErrors, symbolCheck: boolean): void {
  stringColumnErrors(errors, [['name', 'Name', name]]);
  if (name.trim() === '') errors.add('name', "Name can't be blank");
  if (symbolCheck && !INBOX_NAME.test(name)) errors.add('name', NAME_FORMAT_MESSAGE);
}

function symbolCheck(deps: TwinDeps, channelType: InboxChannelType): boolean {
  return channelType !== 'Channel::Api' || deps.config.profile.inboxNameSymbolCheck;
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

/** Channel::Api::EDITABLE_ATTRS / Channel::WebWidget::EDITABLE_ATTRS the twin keeps. */
function applyChannelSettings(inbox: Inbox, channel: Params): void {
  const hmacMandatory = castBoolean(channel.hmac_mandatory);
  if (hmacMandatory !== undefined) inbox.hmacMandatory = hmacMandatory;
  if (inbox.channelType === 'Channel::Api') {
    const webhookUrl = stringParam(channel, 'webhook_url');
    if (webhookUrl !== undefined) inbox.webhookUrl = webhookUrl;
    if (isPlainObject(channel.additional_attributes)) inbox.additionalAttributes = channel.additional_attributes;
    return;
  }
  const widget = inbox.widget!;
  const text = (key: string) => stringParam(channel, key);
  widget.websiteUrl = text('website_url') ?? widget.websiteUrl;
  widget.widgetColor = text('widget_color') ?? widget.widgetColor;
  widget.welcomeTitle = text('welcome_title') ?? widget.welcomeTitle;
  widget.welcomeTagline = text('welcome_tagline') ?? widget.welcomeTagline;
  widget.replyTime = text('reply_time') ?? widget.replyTime;
  widget.preChatFormEnabled = castBoolean(channel.pre_chat_form_enabled) ?? widget.preChatFormEnabled;
  widget.continuityViaEmail = castBoolean(channel.continuity_via_email) ?? widget.continuityViaEmail;
}

function isAdministrator(access: AccountAccess): boolean {
  return access.role === 'administrator';
}

/** The channel types the twin models; `create_channel` knows five more, which the twin answers with 500. */
const CHANNEL_TYPES: Record<string, InboxChannelType> = { api: 'Channel::Api', web_widget: 'Channel::WebWidget' };
const UNMODELLED_CHANNEL_TYPES = new Set(['email', 'line', 'telegram', 'whatsapp', 'sms']);

/** Inboxes (chatwoot-3.7-3.9.md §3.1): API and website (web_widget) channels. */
export function registerInboxRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  const base = '/api/v1/accounts/:accountId/inboxes';
  const render = (inbox: Inbox, administrator: boolean) => inboxJson(inbox, { administrator, frontendUrl: deps.config.frontendUrl });

  app.get(base, (c) => {
    const access = authenticateAccount(c, deps, 'inboxes#index');
    const visible = visibleInboxIds(deps, access);
    const inboxes = deps.state
      .inboxesOf(access.account.id)
      .filter((inbox) => visible.has(inbox.id))
      .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id - b.id);
    return c.json({ payload: inboxes.map((inbox) => render(inbox, isAdministrator(access))) });
  });

  app.post(base, (c) => createInbox(c, deps));

  app.get(`${base}/:inboxId`, (c) => {
    const access = authenticateAccount(c, deps, 'inboxes#show');
    const inbox = findInbox(deps, access, c.req.param('inboxId'));
    if (!visibleInboxIds(deps, access).has(inbox.id)) throw notFound();
    return c.json(render(inbox, isAdministrator(access)));
  });

  const update = (c: TwinContext) => {
    const access = authenticateAccount(c, deps, 'inboxes#update');
    requireAdministrator(access);
    const inbox = findInbox(deps, access, c.req.param('inboxId'));
    const params = c.get('params');
    const errors = new ValidationErrors();
    const name = stringParam(params, 'name');
    if (name !== undefined) validateName(name, errors, symbolCheck(deps, inbox.channelType));
    errors.throwIfAny();
    if (name !== undefined) inbox.name = name;
    applyInboxSettings(inbox, params);
    if (isPlainObject(params.channel)) applyChannelSettings(inbox, params.channel);
    return c.json(render(inbox, true));
  };
  app.patch(`${base}/:inboxId`, update);
  app.put(`${base}/:inboxId`, update);

  /**
   * inboxes#destroy: DeleteObjectJob is enqueued and the answer says so, in the account's locale;
   * another account's inbox is a 404 (inboxes_controller_spec). The twin deletes at once.
   */
  app.delete(`${base}/:inboxId`, (c) => {
    const access = authenticateAccount(c, deps, 'inboxes#destroy');
    const inbox = findInbox(deps, access, c.req.param('inboxId'));
    requireAdministrator(access);
    deleteInbox(deps, inbox);
    return c.json({ message: textsFor(access.account.locale).inboxDeletionRequested });
  });

  // inboxes#agent_bot: the bot with its raw AccessToken row (no presenter on this view; measured).
  app.get(`${base}/:inboxId/agent_bot`, (c) => {
    const access = authenticateAccount(c, deps, 'inboxes#agent_bot');
    const inbox = findInbox(deps, access, c.req.param('inboxId'));
    const bot = inbox.agentBotId === null ? undefined : deps.state.agentBots.get(inbox.agentBotId);
    return c.json({ agent_bot: bot ? agentBotInboxJson(bot) : null });
  });

  // inboxes#set_agent_bot: `AgentBot.find(params[:agent_bot])` connects it; no agent_bot disconnects; head :ok.
  app.post(`${base}/:inboxId/set_agent_bot`, (c) => {
    const access = authenticateAccount(c, deps, 'inboxes#set_agent_bot');
    const inbox = findInbox(deps, access, c.req.param('inboxId'));
    const params = c.get('params');
    const botId = idParam(params.agent_bot);
    const bot = botId === undefined ? undefined : deps.state.agentBots.get(botId);
    if (params.agent_bot !== undefined && params.agent_bot !== null && params.agent_bot !== '' && !bot) throw notFound();
    requireAdministrator(access);
    inbox.agentBotId = bot?.id ?? null;
    return headOk();
  });

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
  // No channel at all: `permitted_params[:channel][:type]` on nil is NoMethodError, Rails' 500.
  if (!isPlainObject(channel)) throw railsPublicError(500);
  const type = stringParam(channel, 'type') ?? '';
  const channelType = CHANNEL_TYPES[type];
  if (!channelType) {
    // Not a channel the twin models (a documented limitation).
    if (UNMODELLED_CHANNEL_TYPES.has(type)) throw railsPublicError(500);
    // An unknown type creates no channel, and the inbox's belongs_to fails (measured).
    const missing = new ValidationErrors();
    missing.add('channel', 'Channel must exist');
    throw recordInvalid(missing);
  }
  const name = stringParam(params, 'name') ?? '';
  const errors = new ValidationErrors();
  const websiteUrl = stringParam(channel, 'website_url');
  // The channel is created first (create!), so its errors come before the inbox's.
  if (channelType === 'Channel::WebWidget' && (websiteUrl === undefined || websiteUrl.trim() === '')) {
    errors.add('website_url', "Website url can't be blank");
    errors.throwIfAny();
  }
  validateName(name, errors, symbolCheck(deps, channelType));
  errors.throwIfAny();

  const inbox: Inbox = {
    id: deps.state.nextId('inbox'),
    accountId: access.account.id,
    name,
    channelId: deps.state.nextId('channel'),
    channelType,
    webhookUrl: null,
    hmacToken: deps.random.token(),
    secret: channelType === 'Channel::Api' && deps.config.profile.webhookSignature ? deps.random.token() : null,
    hmacMandatory: false,
    identifier: deps.random.token(),
    additionalAttributes: {},
    enableAutoAssignment: true,
    lockToSingleConversation: false,
    allowMessagesAfterResolved: true,
    greetingEnabled: false,
    greetingMessage: null,
    memberIds: new Set(),
    widget:
      channelType === 'Channel::WebWidget'
        ? {
            websiteUrl: websiteUrl!,
            widgetColor: '#1f93ff',
            websiteToken: deps.random.token(),
            welcomeTitle: null,
            welcomeTagline: null,
            replyTime: 'in_a_few_minutes',
            preChatFormEnabled: false,
            continuityViaEmail: true,
          }
        : null,
    agentBotId: null,
    createdAt: deps.now(),
  };
  applyInboxSettings(inbox, params);
  applyChannelSettings(inbox, channel);
  deps.state.inboxes.set(inbox.id, inbox);
  return c.json(inboxJson(inbox, { administrator: true, frontendUrl: deps.config.frontendUrl }));
}
