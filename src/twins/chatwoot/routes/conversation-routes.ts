import type { Hono } from 'hono';
import type { TwinContext, TwinDeps, TwinEnv } from '../twin-context.ts';
import { CONVERSATION_PRIORITIES, CONVERSATION_STATUSES, type Conversation } from '../twin-state.ts';
import { actingUserId, authenticateAccount, visibleInboxIds } from '../http/auth.ts';
import { headOk, railsPublicError } from '../http/http-problem.ts';
import { isPlainObject, stringParam, type ParamValue } from '../http/request-params.ts';
import { conversationJson } from '../presenters/conversation-json.ts';
import { runFilter, type FilterRowAccess } from '../filters/filter-engine.ts';
import { rubyInspect } from '../filters/ruby-inspect.ts';
import { createMessage } from '../services/message-service.ts';
import {
  actorOf,
  changeAssignee,
  changePriority,
  changeStatus,
  createConversation,
  findConversation,
  isConversationStatus,
  priorityParam,
  snoozedUntilParam,
} from '../services/conversation-service.ts';
import { registerDraftMessageRoutes } from './draft-message-routes.ts';
import { jsString } from '../../js-string.ts';

/** Kaminari's default page size for conversations (chatwoot-3.7-3.9.md §1.1). */
const CONVERSATIONS_PER_PAGE = 25;

function pageNumber(raw: ParamValue | undefined): number {
  const page = Number.parseInt(jsString(raw ?? '1'), 10);
  return Number.isFinite(page) && page > 0 ? page : 1;
}

function conversationFilterAccess(): FilterRowAccess<Conversation> {
  return {
    column(conversation, key) {
      switch (key) {
        case 'status':
          return CONVERSATION_STATUSES[conversation.status];
        case 'assignee_id':
          return conversation.assigneeId;
        case 'inbox_id':
          return conversation.inboxId;
        case 'contact_id':
          return conversation.contactId;
        case 'team_id':
          return conversation.teamId;
        case 'display_id':
          return conversation.displayId;
        case 'campaign_id':
          return conversation.campaignId;
        case 'priority':
          return conversation.priority === null ? null : CONVERSATION_PRIORITIES[conversation.priority];
        case 'created_at':
          return conversation.createdAt;
        case 'last_activity_at':
          return conversation.lastActivityAt;
        default:
          return undefined;
      }
    },
    additionalAttribute: (conversation, key) => conversation.additionalAttributes[key],
    customAttribute: (conversation, key) => conversation.customAttributes[key],
    labels: (conversation) => conversation.labels,
    filterValues(key, operator, values) {
      let mapped: unknown[] = values;
      if (key === 'status') {
        // Statuses go through Conversation.statuses; "all" means every status. Priorities are not mapped.
        mapped = values.includes('all')
          ? Object.values(CONVERSATION_STATUSES)
          : values.map((value) => (isConversationStatus(value) ? CONVERSATION_STATUSES[value] : null));
      }
      return operator === 'unknown' ? [rubyInspect(mapped)] : mapped;
    },
  };
}

export function registerConversationRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  const base = '/api/v1/accounts/:accountId/conversations';
  const byLastActivity = (a: Conversation, b: Conversation) => b.lastActivityAt - a.lastActivityAt || b.id - a.id;

  app.get(base, (c) => {
    const access = authenticateAccount(c, deps, 'conversations#index');
    const params = c.get('params');
    const status = stringParam(params, 'status') ?? 'open';
    const visible = visibleInboxIds(deps, access);
    const rows = deps.state
      .conversationsOf(access.account.id)
      .filter((conversation) => visible.has(conversation.inboxId) && (status === 'all' || conversation.status === status))
      .sort(byLastActivity);
    const me = actingUserId(access);
    const page = pageNumber(params.page);
    return c.json({
      data: {
        meta: {
          mine_count: rows.filter((r) => me !== undefined && r.assigneeId === me).length,
          unassigned_count: rows.filter((r) => r.assigneeId === null).length,
          assigned_count: rows.filter((r) => r.assigneeId !== null).length,
          all_count: rows.length,
        },
        payload: rows.slice((page - 1) * CONVERSATIONS_PER_PAGE, page * CONVERSATIONS_PER_PAGE).map((r) => conversationJson(deps.present, r)),
      },
    });
  });

  // The call Evolution ≤1.7.4 makes with contact_id: 200 on 3.7.0, 422 on 3.8.0/3.9.0 (§1).
  app.post(`${base}/filter`, (c) => {
    const access = authenticateAccount(c, deps, 'conversations#filter');
    const params = c.get('params');
    const rows = runFilter(
      {
        profile: deps.config.profile,
        model: 'conversations',
        payload: params.payload,
        accountLocale: access.account.locale,
        customAttributeKeys: new Set(deps.state.customAttributesOf(access.account.id, 'conversation_attribute').map((d) => d.attributeKey)),
        now: deps.now(),
        onSqlError: (message) => deps.log.fatal(`ActiveRecord::StatementInvalid (${message}):`, c.get('requestId')),
      },
      conversationFilterAccess(),
      // Base relation is the whole account, not the caller's inboxes (§1.1).
      deps.state.conversationsOf(access.account.id),
    ).sort(byLastActivity);
    const me = actingUserId(access);
    const page = pageNumber(params.page);
    return c.json({
      meta: {
        mine_count: rows.filter((r) => me !== undefined && r.assigneeId === me).length,
        unassigned_count: rows.filter((r) => r.assigneeId === null).length,
        all_count: rows.length,
      },
      payload: rows.slice((page - 1) * CONVERSATIONS_PER_PAGE, page * CONVERSATIONS_PER_PAGE).map((r) => conversationJson(deps.present, r)),
    });
  });

  app.post(base, async (c) => {
    const access = authenticateAccount(c, deps, 'conversations#create');
    const params = c.get('params');
    const { conversation } = createConversation(deps, access, params);
    if (isPlainObject(params.message) && stringParam(params.message, 'content') !== undefined) {
      await createMessage(deps, access, conversation, { content: params.message.content ?? null, message_type: 'outgoing' });
    }
    return c.json(conversationJson(deps.present, conversation));
  });

  app.get(`${base}/:displayId`, (c) => {
    const access = authenticateAccount(c, deps, 'conversations#show');
    const conversation = findConversation(deps, access, c.req.param('displayId'));
    return c.json(conversationJson(deps.present, conversation));
  });

  app.post(`${base}/:displayId/toggle_status`, (c) => {
    const access = authenticateAccount(c, deps, 'conversations#toggle_status');
    const conversation = findConversation(deps, access, c.req.param('displayId'));
    const params = c.get('params');
    const requested = stringParam(params, 'status');
    const actor = actorOf(deps, access);
    let success: boolean | null = true;
    if (access.principal.kind === 'bot' && conversation.status === 'pending' && requested === 'open') {
      // bot_handoff!: @status is never set, so payload.success is null (Corrections).
      changeStatus(deps, conversation, 'open', null, actor);
      success = null;
    } else if (requested !== undefined && requested !== '') {
      if (!isConversationStatus(requested)) throw railsPublicError(500);
      // set_conversation_status: snoozed_until only when given; before_save drops it unless snoozed.
      const snoozedUntil =
        params.snoozed_until === undefined || params.snoozed_until === null ? conversation.snoozedUntil : snoozedUntilParam(params.snoozed_until);
      changeStatus(deps, conversation, requested, snoozedUntil, actor);
    } else {
      // No status: open ↔ resolved; pending and snoozed open.
      changeStatus(deps, conversation, conversation.status === 'open' ? 'resolved' : 'open', conversation.snoozedUntil, actor);
    }
    // A plain agent opening a conversation gets it assigned (§3.1).
    if (conversation.status === 'open' && access.principal.kind === 'user' && access.role === 'agent') {
      changeAssignee(deps, conversation, access.principal.user.id, actor);
    }
    // toggle_status.json.jbuilder's empty `json.meta do end` renders nothing: no `meta` key (§M).
    return c.json({
      payload: {
        success,
        conversation_id: conversation.displayId,
        current_status: conversation.status,
        snoozed_until: conversation.snoozedUntil,
      },
    });
  });

  // conversations#toggle_priority: `priority.presence`, head :ok.
  app.post(`${base}/:displayId/toggle_priority`, (c) => {
    const access = authenticateAccount(c, deps, 'conversations#toggle_priority');
    const conversation = findConversation(deps, access, c.req.param('displayId'));
    changePriority(deps, conversation, priorityParam(c.get('params').priority), actorOf(deps, access));
    return headOk();
  });

  // conversations#update: `params.permit(:priority)` only; answers the conversation.
  const update = (c: TwinContext) => {
    const access = authenticateAccount(c, deps, 'conversations#update');
    const conversation = findConversation(deps, access, c.req.param('displayId'));
    const params = c.get('params');
    if (Object.prototype.hasOwnProperty.call(params, 'priority')) {
      changePriority(deps, conversation, priorityParam(params.priority), actorOf(deps, access));
    }
    return c.json(conversationJson(deps.present, conversation));
  };
  app.patch(`${base}/:displayId`, update);
  app.put(`${base}/:displayId`, update);

  registerDraftMessageRoutes(app, deps);
}
