/**
 * Markdown translation between Chatwoot and WhatsApp, as Evolution 1.7 does it.
 *
 * Chatwoot → WhatsApp (agent replies, §2.6 step 4): `*x*`→`_x_`, `**x**`→`*x*`, `~~x~~`→`~x~`,
 * `` `x` ``→` ```x``` `. WhatsApp → Chatwoot (inbound, §3c step 1): `*x*`→`**x**`, `_x_`→`*x*`,
 * `~x~`→`~~x~~`. A marked span must not start or end with whitespace and stays on one line.
 */

// A span: non-space first and last character, no line break and no marker character inside.
const span = (marker: string) => `(?!\\s)([^\\n${marker}]+?)(?<!\\s)`;

export function chatwootToWhatsapp(text: string): string {
  return text
    .replace(new RegExp(`(?<!\\*)\\*${span('*')}\\*(?!\\*)`, 'g'), '_$1_')
    .replace(new RegExp(`\\*\\*${span('*')}\\*\\*`, 'g'), '*$1*')
    .replace(new RegExp(`~~${span('*')}~~`, 'g'), '~$1~')
    .replace(new RegExp('(?<!`)`' + span('`*') + '`(?!`)', 'g'), '```$1```');
}

export function whatsappToChatwoot(text: string): string {
  return text
    .replace(new RegExp(`\\*${span('*')}\\*`, 'g'), '**$1**')
    .replace(new RegExp(`_${span('_')}_`, 'g'), '*$1*')
    .replace(new RegExp(`~${span('~')}~`, 'g'), '~~$1~~');
}
