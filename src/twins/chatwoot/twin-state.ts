/**
 * The twin's in-memory database: one instance per started twin, nothing global. Times are epoch
 * milliseconds; serializers turn them into unix seconds or ISO strings as upstream renders them.
 */

export type Role = 'agent' | 'administrator';
export type ConversationStatus = 'open' | 'resolved' | 'pending' | 'snoozed';
export type AttachmentFileType = 'image' | 'audio' | 'video' | 'file';

/** message_type enum (chatwoot-3.7-3.9.md §3.2). */
export const MESSAGE_TYPES = { incoming: 0, outgoing: 1, activity: 2, template: 3 } as const;
export type MessageTypeName = keyof typeof MESSAGE_TYPES;
export const MESSAGE_TYPE_NAMES: readonly MessageTypeName[] = ['incoming', 'outgoing', 'activity', 'template'];

export const CONVERSATION_STATUSES: Record<ConversationStatus, number> = { open: 0, resolved: 1, pending: 2, snoozed: 3 };
/** `enum priority: { low: 0, medium: 1, high: 2, urgent: 3 }` (app/models/conversation.rb). */
export const CONVERSATION_PRIORITIES: Record<string, number> = { low: 0, medium: 1, high: 2, urgent: 3 };

export interface Account {
  id: number;
  name: string;
  locale: string;
  status: 'active' | 'suspended';
  createdAt: number;
  nextDisplayId: number;
  autoResolveDuration: number | null;
  domain: string | null;
  supportEmail: string | null;
  /** industry, company_size, timezone… (accounts#update merges them in). */
  customAttributes: Record<string, unknown>;
}

export interface User {
  id: number;
  name: string;
  displayName: string | null;
  email: string;
  password: string;
  type: 'SuperAdmin' | null;
  confirmed: boolean;
  accessToken: string;
  pubsubToken: string;
  availability: 'online' | 'offline' | 'busy';
  createdAt: number;
}

export interface AccountUser {
  accountId: number;
  userId: number;
  role: Role;
  createdAt: number;
}

export interface AgentBot {
  id: number;
  name: string | null;
  description: string | null;
  outgoingUrl: string | null;
  accountId: number;
  accessToken: string;
  /** The AccessToken row's id and time (GET inboxes/{id}/agent_bot renders the raw row). */
  accessTokenId: number;
  createdAt: number;
}

export interface Inbox {
  id: number;
  accountId: number;
  name: string;
  channelId: number;
  /** The two channels the twin models (inboxes_controller.rb#create_channel). */
  channelType: InboxChannelType;
  /** Channel::Api only; null when none was given. */
  webhookUrl: string | null;
  hmacToken: string;
  /** Channel::Api `secret` (WebhookSecretable, 4.13.0+): signs its webhooks; null before 4.13.0. */
  secret: string | null;
  hmacMandatory: boolean;
  /** Channel::Api identifier, used by the public API. */
  identifier: string;
  additionalAttributes: Record<string, unknown>;
  enableAutoAssignment: boolean;
  lockToSingleConversation: boolean;
  allowMessagesAfterResolved: boolean;
  greetingEnabled: boolean;
  greetingMessage: string | null;
  /** Users assigned to the inbox (agents see only these inboxes). */
  memberIds: Set<number>;
  /** Channel::WebWidget only (null for API inboxes). */
  widget: WebWidgetSettings | null;
  /** Agent bot connected to the inbox (conversations then start pending). */
  agentBotId: number | null;
  createdAt: number;
}

export type InboxChannelType = 'Channel::Api' | 'Channel::WebWidget';

export interface WebWidgetSettings {
  websiteUrl: string;
  widgetColor: string;
  websiteToken: string;
  welcomeTitle: string | null;
  welcomeTagline: string | null;
  replyTime: string;
  preChatFormEnabled: boolean;
  continuityViaEmail: boolean;
}

export interface Contact {
  id: number;
  accountId: number;
  name: string;
  email: string | null;
  phoneNumber: string | null;
  identifier: string | null;
  additionalAttributes: Record<string, unknown>;
  customAttributes: Record<string, unknown>;
  blocked: boolean;
  labels: string[];
  lastActivityAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface ContactInbox {
  id: number;
  contactId: number;
  inboxId: number;
  sourceId: string;
  hmacVerified: boolean;
  pubsubToken: string;
  createdAt: number;
  updatedAt: number;
}

export interface Conversation {
  /** Database id; never shown to API clients (they see displayId). */
  id: number;
  displayId: number;
  accountId: number;
  inboxId: number;
  contactId: number;
  contactInboxId: number;
  uuid: string;
  status: ConversationStatus;
  assigneeId: number | null;
  teamId: number | null;
  campaignId: number | null;
  priority: string | null;
  labels: string[];
  additionalAttributes: Record<string, unknown>;
  customAttributes: Record<string, unknown>;
  snoozedUntil: string | null;
  muted: boolean;
  agentLastSeenAt: number | null;
  assigneeLastSeenAt: number | null;
  contactLastSeenAt: number | null;
  firstReplyCreatedAt: number | null;
  waitingSince: number | null;
  lastActivityAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface StoredBlob {
  id: number;
  key: string;
  filename: string;
  contentType: string;
  byteSize: number;
  checksum: string;
  /** width/height arrive later upstream (analyze job); the twin never analyses, so they stay null. */
  metadata: { width?: number; height?: number };
  /** variation key -> stored variant key. */
  variants: Map<string, string>;
}

export interface Attachment {
  id: number;
  messageId: number;
  accountId: number;
  fileType: AttachmentFileType;
  blob: StoredBlob;
}

export type SenderRef = { type: 'Contact' | 'User' | 'AgentBot'; id: number } | null;

export interface Message {
  id: number;
  accountId: number;
  inboxId: number;
  /** Database id of the conversation. */
  conversationId: number;
  content: string | null;
  messageType: number;
  contentType: string;
  contentAttributes: Record<string, unknown>;
  private: boolean;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  sourceId: string | null;
  sender: SenderRef;
  externalSourceIds: Record<string, unknown>;
  additionalAttributes: Record<string, unknown>;
  echoId: string | null;
  attachments: Attachment[];
  createdAt: number;
  updatedAt: number;
}

export interface CustomAttributeDefinition {
  id: number;
  accountId: number;
  attributeKey: string;
  attributeDisplayName: string;
  attributeDisplayType: string;
  attributeModel: 'conversation_attribute' | 'contact_attribute';
  createdAt: number;
}

type IdKind =
  | 'account'
  | 'user'
  | 'agentBot'
  | 'accessToken'
  | 'inbox'
  | 'channel'
  | 'contact'
  | 'contactInbox'
  | 'conversation'
  | 'message'
  | 'attachment'
  | 'blob'
  | 'customAttribute';

/** Plain tables plus id sequences. Callers validate fully before they insert (no half-written state). */
export class TwinState {
  /** Set by a fresh install's seed; cleared by the first onboarding (chatwoot-3.7-3.9.md §6 C). */
  onboardingPending = true;
  /** A request has used the database (4.3.0+: `GET /api` says data_services "failing" until then, chatwoot-3.10-4.x.md §M 3). */
  dataTouched = false;
  readonly accounts = new Map<number, Account>();
  readonly users = new Map<number, User>();
  readonly accountUsers: AccountUser[] = [];
  readonly agentBots = new Map<number, AgentBot>();
  readonly inboxes = new Map<number, Inbox>();
  readonly contacts = new Map<number, Contact>();
  readonly contactInboxes = new Map<number, ContactInbox>();
  readonly conversations = new Map<number, Conversation>();
  readonly messages = new Map<number, Message>();
  readonly customAttributeDefinitions: CustomAttributeDefinition[] = [];
  readonly blobs = new Map<number, StoredBlob>();
  /** PlatformAppPermissible: what the PlatformApp created (`account:<id>`, `user:<id>`), the only rows it may touch. */
  readonly platformResources = new Set<string>();
  private readonly sequences = new Map<IdKind, number>();

  nextId(kind: IdKind): number {
    const next = (this.sequences.get(kind) ?? 0) + 1;
    this.sequences.set(kind, next);
    return next;
  }

  userByToken(token: string): User | undefined {
    for (const user of this.users.values()) if (user.accessToken === token) return user;
    return undefined;
  }

  botByToken(token: string): AgentBot | undefined {
    for (const bot of this.agentBots.values()) if (bot.accessToken === token) return bot;
    return undefined;
  }

  userByEmail(email: string): User | undefined {
    const wanted = email.trim().toLowerCase();
    for (const user of this.users.values()) if (user.email === wanted) return user;
    return undefined;
  }

  membership(accountId: number, userId: number): AccountUser | undefined {
    return this.accountUsers.find((row) => row.accountId === accountId && row.userId === userId);
  }

  accountsOf(userId: number): AccountUser[] {
    return this.accountUsers.filter((row) => row.userId === userId);
  }

  inboxesOf(accountId: number): Inbox[] {
    return [...this.inboxes.values()].filter((inbox) => inbox.accountId === accountId);
  }

  contactsOf(accountId: number): Contact[] {
    return [...this.contacts.values()].filter((contact) => contact.accountId === accountId);
  }

  conversationsOf(accountId: number): Conversation[] {
    return [...this.conversations.values()].filter((conversation) => conversation.accountId === accountId);
  }

  conversationByDisplayId(accountId: number, displayId: number): Conversation | undefined {
    for (const conversation of this.conversations.values()) {
      if (conversation.accountId === accountId && conversation.displayId === displayId) return conversation;
    }
    return undefined;
  }

  messagesOf(conversationId: number): Message[] {
    return [...this.messages.values()].filter((message) => message.conversationId === conversationId);
  }

  contactInboxesOf(contactId: number): ContactInbox[] {
    return [...this.contactInboxes.values()].filter((row) => row.contactId === contactId);
  }

  customAttributesOf(accountId: number, model: CustomAttributeDefinition['attributeModel']): CustomAttributeDefinition[] {
    return this.customAttributeDefinitions.filter((row) => row.accountId === accountId && row.attributeModel === model);
  }
}
