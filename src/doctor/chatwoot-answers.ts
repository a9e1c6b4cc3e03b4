import type { ProbeResponse } from '../backends/attach/probe-client.ts';

/**
 * What a Chatwoot 401/404 body says, told apart by body shape (chatwoot-3.7-3.9.md §2.3): the devise
 * 401 (`errors` array, localised) means no token header arrived at all; the others name the token.
 */
export type ChatwootAuthAnswer =
  'ok' | 'header-missing' | 'invalid-token' | 'bot-refused' | 'not-member' | 'not-authorized' | 'unknown-account' | 'html' | 'other';

export function classifyChatwootAuth(response: ProbeResponse): ChatwootAuthAnswer {
  if (response.isHtml) return 'html';
  if (response.status >= 200 && response.status < 300) return 'ok';
  const body = response.json as { error?: unknown; errors?: unknown } | undefined;
  if (response.status === 401) {
    if (Array.isArray(body?.errors)) return 'header-missing';
    const error = typeof body?.error === 'string' ? body.error : '';
    if (error === 'Invalid Access Token') return 'invalid-token';
    if (/for bots|Bot is not authorized/i.test(error)) return 'bot-refused';
    if (/not authorized to access this account/i.test(error)) return 'not-member';
    if (/not authorized to do this action/i.test(error)) return 'not-authorized';
  }
  if (response.status === 404) return 'unknown-account';
  return 'other';
}

export const AUTH_ANSWER_TEXT: Record<ChatwootAuthAnswer, string> = {
  ok: 'accepted',
  'header-missing': 'devise 401 "You need to sign in…": Chatwoot saw no token header',
  'invalid-token': '401 Invalid Access Token: Chatwoot does not know this token',
  'bot-refused': '401: an agent bot token, refused on this endpoint',
  'not-member': '401: the user is not a member of this account',
  'not-authorized': '401: the user may not do this',
  'unknown-account': '404: no such account',
  html: 'an HTML page, not Chatwoot’s API',
  other: 'an unexpected answer',
};

/** `status body…` for evidence lines, body cut short. */
export function brief(response: ProbeResponse, max = 160): string {
  const body = response.exchange.response?.body ?? '';
  const flat = body.replace(/\s+/g, ' ').trim();
  return `${response.status} ${flat.length > max ? `${flat.slice(0, max)}…` : flat}`.trim();
}
