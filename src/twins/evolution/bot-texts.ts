import type { BotLanguage } from './evolution-config.ts';

/**
 * Texts of the bot messages Evolution posts into Chatwoot, per LANGUAGE.
 * en/pt-BR strings quoted in evolution-api-1.7.md (§3b, §3d, §3e) are exact; the others follow
 * upstream's translation files as best known (see README "Uncertain"); es is our own Spanish.
 * `{{name}}` placeholders are filled verbatim (no HTML escaping).
 */
export type BotTextKey =
  | 'qrgeneratedsuccesfully'
  | 'scanqr'
  | 'qrlimitreached'
  | 'numbernotinwhatsapp'
  | 'cw.inbox.connected'
  | 'cw.inbox.disconnect'
  | 'cw.inbox.alreadyConnected'
  | 'cw.inbox.clearCache'
  | 'cw.inbox.notFound'
  | 'cw.inbox.status'
  | 'cw.message.notsent';

const TEXTS: Record<BotLanguage, Record<BotTextKey, string>> = {
  en: {
    qrgeneratedsuccesfully: 'QRCode successfully generated!',
    scanqr: 'Scan this QR code within the next 40 seconds.',
    qrlimitreached: "QRCode generation limit reached, to generate a new QRCode, send the 'init' message again.",
    numbernotinwhatsapp: 'The message was not sent as the contact is not a valid Whatsapp number.',
    'cw.inbox.connected': '🚀 Connection successfully established!',
    'cw.inbox.disconnect': '🚨 Disconnecting WhatsApp from inbox *{{inboxName}}*.',
    'cw.inbox.alreadyConnected': '🚨 {{inboxName}} instance is connected.',
    'cw.inbox.clearCache': '✅ {{inboxName}} instance cache cleared.',
    'cw.inbox.notFound': '⚠️ {{inboxName}} instance not found.',
    'cw.inbox.status': '⚠️ {{inboxName}} instance status: *{{state}}*.',
    'cw.message.notsent': '🚨 The message could not be sent. Please check your connection. {{error}}',
  },
  'pt-BR': {
    qrgeneratedsuccesfully: 'QRCode gerado com sucesso!',
    scanqr: 'Escaneie o QRCode com o WhatsApp nos próximos 40 segundos.',
    qrlimitreached: "Limite de geração de QRCode atingido, para gerar um novo QRCode, envie a mensagem 'init' novamente.",
    numbernotinwhatsapp: 'A mensagem não foi enviada, pois o contato não é um número válido do WhatsApp.',
    'cw.inbox.connected': '🚀 Conectado com sucesso!',
    'cw.inbox.disconnect': '🚨 Instância *{{inboxName}}* desconectada do WhatsApp.',
    'cw.inbox.alreadyConnected': '🚨 Instância *{{inboxName}}* já está conectada.',
    'cw.inbox.clearCache': '✅ Instância *{{inboxName}}* cache removido.',
    'cw.inbox.notFound': '⚠️ Instância *{{inboxName}}* não encontrada.',
    'cw.inbox.status': '⚠️ Status da instância {{inboxName}}: *{{state}}*.',
    'cw.message.notsent': '🚨 Não foi possível enviar a mensagem. Verifique sua conexão. {{error}}',
  },
  es: {
    qrgeneratedsuccesfully: '¡Código QR generado correctamente!',
    scanqr: 'Escanea este código QR en los próximos 40 segundos.',
    qrlimitreached: "Se alcanzó el límite de generación de códigos QR; para generar uno nuevo, envía otra vez el mensaje 'init'.",
    numbernotinwhatsapp: 'El mensaje no se envió porque el contacto no es un número de WhatsApp válido.',
    'cw.inbox.connected': '🚀 ¡Conexión establecida correctamente!',
    'cw.inbox.disconnect': '🚨 Desconectando WhatsApp de la bandeja de entrada *{{inboxName}}*.',
    'cw.inbox.alreadyConnected': '🚨 La instancia {{inboxName}} ya está conectada.',
    'cw.inbox.clearCache': '✅ Caché de la instancia {{inboxName}} borrada.',
    'cw.inbox.notFound': '⚠️ Instancia {{inboxName}} no encontrada.',
    'cw.inbox.status': '⚠️ Estado de la instancia {{inboxName}}: *{{state}}*.',
    'cw.message.notsent': '🚨 No se pudo enviar el mensaje. Comprueba tu conexión. {{error}}',
  },
};

export type BotTranslator = (key: BotTextKey, values?: Record<string, string>) => string;

export function createBotTranslator(language: BotLanguage): BotTranslator {
  const table = TEXTS[language];
  return (key, values = {}) => table[key].replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
}
