/**
 * Locales and the few translated strings an API client can see. Chatwoot ships many locales; the
 * twin knows their names (so `?locale=es` is accepted like upstream) but carries texts only for en
 * and pt_BR. Other locales render English (a documented twin limitation).
 */
const AVAILABLE_LOCALES = new Set([
  'en',
  'ar',
  'bg',
  'ca',
  'cs',
  'da',
  'de',
  'el',
  'es',
  'fa',
  'fi',
  'fr',
  'he',
  'hi',
  'hr',
  'hu',
  'hy',
  'id',
  'is',
  'it',
  'ja',
  'ka',
  'ko',
  'lt',
  'lv',
  'ml',
  'ms',
  'ne',
  'nl',
  'no',
  'pl',
  'pt',
  'pt_BR',
  'ro',
  'ru',
  'sh',
  'sk',
  'sl',
  'sq',
  'sr',
  'sv',
  'ta',
  'th',
  'tl',
  'tr',
  'uk',
  'ur',
  'ur_IN',
  'vi',
  'zh_CN',
  'zh_TW',
]);

export function isAvailableLocale(locale: string): boolean {
  return AVAILABLE_LOCALES.has(locale);
}

interface LocaleTexts {
  /** devise.failure.unauthenticated (chatwoot-3.7-3.9.md §2.3). */
  unauthenticated: string;
  /** errors.custom_filters.* (§1.3). */
  invalidAttribute: (key: string, allowedKeys: string) => string;
  invalidOperator: (attributeName: string, allowedKeys: string) => string;
  invalidValue: (attributeName: string) => string;
  /** errors.custom_filters.invalid_query_operator (3.16.0+; pt_BR text from 4.0.0, chatwoot-3.10-4.x.md §1.3). */
  invalidQueryOperator: string;
  /** conversations.messages.deleted (Corrections). */
  messageDeleted: string;
  /** messages.inbox_deletetion_response (inboxes#destroy). */
  inboxDeletionRequested: string;
  /** conversations.activity.* (activity messages; rendered in the account locale when the change is saved). */
  activity: {
    status: Record<'open' | 'resolved' | 'pending' | 'snoozed', (user: string) => string>;
    priorityAdded: (user: string, priority: string) => string;
    priorityUpdated: (user: string, from: string, to: string) => string;
    priorityRemoved: (user: string) => string;
    selfAssigned: (user: string) => string;
    assigned: (assignee: string, user: string) => string;
    unassigned: (user: string) => string;
  };
}

const EN: LocaleTexts = {
  unauthenticated: 'You need to sign in or sign up before continuing.',
  invalidAttribute: (key, allowed) => `Invalid attribute key - [${key}]. The key should be one of [${allowed}] or a custom attribute defined in the account.`,
  invalidOperator: (name, allowed) => `Invalid operator. The allowed operators for ${name} are [${allowed}].`,
  invalidValue: (name) => `Invalid value. The values provided for ${name} are invalid`,
  invalidQueryOperator: 'Query operator must be either "AND" or "OR".',
  messageDeleted: 'This message was deleted',
  inboxDeletionRequested: 'Your inbox deletion request will be processed in some time.',
  activity: {
    status: {
      resolved: (user) => `Conversation was marked resolved by ${user}`,
      open: (user) => `Conversation was reopened by ${user}`,
      pending: (user) => `Conversation was marked as pending by ${user}`,
      snoozed: (user) => `Conversation was snoozed by ${user}`,
    },
    priorityAdded: (user, priority) => `${user} set the priority to ${priority}`,
    priorityUpdated: (user, from, to) => `${user} changed the priority from ${from} to ${to}`,
    priorityRemoved: (user) => `${user} removed the priority`,
    selfAssigned: (user) => `${user} self-assigned this conversation`,
    assigned: (assignee, user) => `Assigned to ${assignee} by ${user}`,
    unassigned: (user) => `Conversation unassigned by ${user}`,
  },
};

const PT_BR: LocaleTexts = {
  unauthenticated: 'Você precisa entrar ou se cadastrar antes de continuar.',
  invalidAttribute: (key, allowed) =>
    `Chave de atributo inválido - [${key}]. A chave deve ser uma das [${allowed}] ou um atributo personalizado definido na conta.`,
  invalidOperator: (name, allowed) => `Operador inválido. Os operadores permitidos para ${name} são [${allowed}].`,
  invalidValue: (name) => `Valor inválido. Os valores fornecidos para ${name} são inválidos`,
  invalidQueryOperator: 'Operador de consulta deve ser "E" ou "OU".',
  messageDeleted: 'Esta mensagem foi apagada',
  inboxDeletionRequested: 'Seu pedido de exclusão da caixa de entrada será processado dentro de algum tempo.',
  activity: {
    status: {
      resolved: (user) => `Conversa foi marcada como resolvida por ${user}`,
      open: (user) => `Conversa foi reaberta por ${user}`,
      pending: (user) => `Conversa foi marcada como pendente por ${user}`,
      // Upstream's pt_BR text for snoozed really says "unassigned" (config/locales/pt_BR.yml).
      snoozed: (user) => `Conversa não atribuída por ${user}`,
    },
    priorityAdded: (user, priority) => `${user} definiu a prioridade para ${priority}`,
    priorityUpdated: (user, from, to) => `${user} mudou a prioridade de ${from} para ${to}`,
    priorityRemoved: (user) => `${user} removeu a prioridade`,
    selfAssigned: (user) => `${user} atribuiu a si mesmo essa conversa`,
    assigned: (assignee, user) => `Atribuído a ${assignee} por ${user}`,
    unassigned: (user) => `Conversa não atribuída por ${user}`,
  },
};

export function textsFor(locale: string): LocaleTexts {
  return locale === 'pt_BR' ? PT_BR : EN;
}

/** English for every locale on 3.16.0: the pt_BR key is missing there and i18n falls back to en (chatwoot-3.10-4.x.md §1.3). */
export function queryOperatorText(locale: string, check: 'english-only' | 'translated'): string {
  return (check === 'english-only' ? EN : textsFor(locale)).invalidQueryOperator;
}
