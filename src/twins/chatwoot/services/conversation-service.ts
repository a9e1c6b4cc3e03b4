import type { TwinDeps } from '../twin-context.ts';
import { CONVERSATION_PRIORITIES, CONVERSATION_STATUSES, type Conversation, type ConversationStatus, type ContactInbox } from '../twin-state.ts';
import { actingUserId, visibleInboxIds, type AccountAccess } from '../http/auth.ts';
import { notAuthorizedAction, notFound, railsPublicError } from '../http/http-problem.ts';
import { idParam, isBlank, isPlainObject, stringParam, type Params } from '../http/request-params.ts';
import { findContact, insertContactInbox, planContactInbox } from './contact-service.ts';
import { findInbox } from './inbox-lookup.ts';
import type { ConversationChange } from '../webhooks/event-bus.ts';
import { assigneeActivity, priorityActivity, statusActivity, type Actor } from './activity-messages.ts';
import { jsString } from '../../js-string.ts';

/** The acting principal as activity messages name it (Current.user: a user or an agent bot). */
export function actorOf(deps: TwinDeps, access: AccountAccess): Actor & { userId?: number } {
  return access.principal.kind === 'user' ? { name: access.principal.user.name, userId: access.principal.user.id } : { name: access.principal.bot.name };
}

export function isConversationStatus(value: unknown): value is ConversationStatus {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CONVERSATION_STATUSES, value);
}

/** `Current.account.conversations.find_by!(display_id:)` plus Pundit's show? for agents (§2.3). */
export function findConversation(deps: TwinDeps, access: AccountAccess, rawDisplayId: unknown): Conversation {
  const displayId = idParam(rawDisplayId);
  const conversation = displayId === undefined ? undefined : deps.state.conversationByDisplayId(access.account.id, displayId);
  if (!conversation) throw notFound();
  if (!visibleInboxIds(deps, access).has(conversation.inboxId) && conversation.assigneeId !== actingUserId(access)) {
    throw notAuthorizedAction();
  }
  return conversation;
}

/** Rails enum assignment: an unknown value raises ArgumentError, which no handler rescues (500). */
function statusParam(params: Params): ConversationStatus | undefined {
  const status = stringParam(params, 'status');
  if (status === undefined || status === '') return undefined;
  if (!isConversationStatus(status)) throw railsPublicError(500);
  return status;
}

/**
 * ConversationsController#create (chatwoot-3.7-3.9.md §3.1): inbox_id + contact_id (strings are
 * fine) find or create the ContactInbox; a bare source_id looks an existing one up (404 if none).
 */
export function createConversation(deps: TwinDeps, access: AccountAccess, params: Params): { conversation: Conversation; isNew: boolean } {
  const sourceId = stringParam(params, 'source_id');
  let contactInbox: ContactInbox;
  let planned: ReturnType<typeof planContactInbox> | undefined;
  if (!isBlank(params.contact_id) && !isBlank(params.inbox_id)) {
    const contact = findContact(deps, access.account, idParam(params.contact_id));
    const inbox = findInbox(deps, access, params.inbox_id);
    planned = planContactInbox(deps, contact, inbox, sourceId);
    contactInbox = planned.row;
  } else {
    const found = [...deps.state.contactInboxes.values()].find((row) => sourceId !== undefined && row.sourceId === sourceId);
    const inbox = found ? deps.state.inboxes.get(found.inboxId) : undefined;
    if (!found || !inbox || inbox.accountId !== access.account.id) throw notFound();
    contactInbox = found;
  }
  const inbox = deps.state.inboxes.get(contactInbox.inboxId)!;
  // authorize @contact_inbox.inbox, :show?
  if (!visibleInboxIds(deps, access).has(inbox.id)) throw notAuthorizedAction();
  const requestedStatus = statusParam(params);
  const contact = deps.state.contacts.get(contactInbox.contactId)!;

  if (inbox.lockToSingleConversation && !planned?.isNew) {
    const existing = deps.state
      .conversationsOf(access.account.id)
      .filter((conversation) => conversation.contactInboxId === contactInbox.id)
      .sort((a, b) => a.id - b.id)
      .at(-1);
    if (existing) return { conversation: existing, isNew: false };
  }

  const stored = planned ? insertContactInbox(deps, planned) : contactInbox;
  let status: ConversationStatus = requestedStatus ?? 'open';
  if (contact.blocked) status = 'resolved';
  else if (inbox.agentBotId !== null && requestedStatus === undefined) status = 'pending';
  const now = deps.now();
  const account = access.account;
  const conversation: Conversation = {
    id: deps.state.nextId('conversation'),
    displayId: account.nextDisplayId++,
    accountId: account.id,
    inboxId: inbox.id,
    contactId: contact.id,
    contactInboxId: stored.id,
    uuid: deps.random.uuid(),
    status,
    assigneeId: idParam(params.assignee_id) ?? null,
    teamId: idParam(params.team_id) ?? null,
    campaignId: null,
    // ConversationBuilder takes no priority.
    priority: null,
    labels: [],
    additionalAttributes: isPlainObject(params.additional_attributes) ? { ...params.additional_attributes } : {},
    customAttributes: isPlainObject(params.custom_attributes) ? { ...params.custom_attributes } : {},
    snoozedUntil: status === 'snoozed' ? castTime(params.snoozed_until) : null,
    muted: false,
    agentLastSeenAt: null,
    assigneeLastSeenAt: null,
    contactLastSeenAt: null,
    firstReplyCreatedAt: null,
    // ensure_waiting_since: a new conversation waits for a first reply.
    waitingSince: now,
    lastActivityAt: now,
    createdAt: now,
    updatedAt: now,
  };
  deps.state.conversations.set(conversation.id, conversation);
  deps.events.conversationCreated(conversation);
  return { conversation, isNew: true };
}

/**
 * Sets a status and fires conversation_status_changed + conversation_updated when it changed (§4),
 * plus the activity message naming `actor`. `snoozed_until` is kept only while snoozed
 * (ensure_snooze_until_reset); pass the current value to keep it.
 */
export function changeStatus(
  deps: TwinDeps,
  conversation: Conversation,
  status: ConversationStatus,
  snoozedUntil: string | null = null,
  actor?: Actor,
): boolean {
  const previous = conversation.status;
  const previousSnooze = conversation.snoozedUntil;
  conversation.status = status;
  conversation.snoozedUntil = status === 'snoozed' ? snoozedUntil : null;
  conversation.updatedAt = deps.now();
  if (previous === status && previousSnooze === conversation.snoozedUntil) return false;
  const extra: ConversationChange = {};
  if (previousSnooze !== conversation.snoozedUntil) extra.snoozed_until = { previous_value: previousSnooze, current_value: conversation.snoozedUntil };
  if (previous !== status) deps.events.conversationStatusChanged(conversation, previous, extra);
  else deps.events.conversationUpdated(conversation, extra);
  if (previous !== status) statusActivity(deps, conversation, status, actor);
  return true;
}

export function changeAssignee(deps: TwinDeps, conversation: Conversation, assigneeId: number | null, actor?: Actor & { userId?: number }): void {
  if (conversation.assigneeId === assigneeId) return;
  const previous = conversation.assigneeId;
  conversation.assigneeId = assigneeId;
  deps.events.conversationUpdated(conversation, { assignee_id: { previous_value: previous, current_value: assigneeId } });
  if (actor) assigneeActivity(deps, conversation, actor, assigneeId === null ? null : (deps.state.users.get(assigneeId)?.name ?? null));
}

/** A datetime column assigned a param: Rails parses the string (rendered back as ISO with ms), nil when it cannot. */
function castTime(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const parsed = Date.parse(raw);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}

/** Rails enum assignment of `priority`: blank is nil, an unknown name raises ArgumentError (500, measured). */
export function priorityParam(raw: unknown): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const value = jsString(raw);
  if (!(value in CONVERSATION_PRIORITIES)) throw railsPublicError(500);
  return value;
}

/** toggle_priority / update: stores the priority, fires conversation_updated and the priority activity message. */
export function changePriority(deps: TwinDeps, conversation: Conversation, priority: string | null, actor?: Actor): void {
  const previous = conversation.priority;
  if (previous === priority) return;
  conversation.priority = priority;
  conversation.updatedAt = deps.now();
  deps.events.conversationUpdated(conversation, { priority: { previous_value: previous, current_value: priority } });
  priorityActivity(deps, conversation, previous, priority, actor);
}

/**
 * `parse_date_time(params[:snoozed_until].to_s)`: `DateTime.strptime(value, '%s')` reads the leading
 * integer as unix seconds (an ISO date's year becomes seconds after 1970, measured), and the column
 * renders as an ISO string with milliseconds; no leading digits is ArgumentError (500).
 */
export function snoozedUntilParam(raw: unknown): string {
  const match = /^\s*([+-]?\d+)/.exec(String(raw));
  if (!match) throw railsPublicError(500);
  const date = new Date(Number(match[1]) * 1000);
  if (Number.isNaN(date.getTime())) throw railsPublicError(500);
  return date.toISOString();
}
