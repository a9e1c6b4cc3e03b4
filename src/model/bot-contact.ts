/**
 * The contact Evolution 1.7 creates in Chatwoot for each instance's control ("bot") conversation, where QR codes,
 * status replies and bot commands go (evolution-api-1.7.md §3a, §3e): its number without the `+`, as Evolution
 * filters for it; Chatwoot stores it as `+123456`.
 */
export const BOT_CONTACT_PHONE = '123456';
