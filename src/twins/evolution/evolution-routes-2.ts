import type { ChatwootRecord } from './instance-store.ts';
import type { EvolutionInstance } from './evolution-instance.ts';
import type { RouteContext, RouteDeps, RouteHandler, RouteResult } from './evolution-routes.ts';
import type { Gen2Config } from './evolution-config.ts';
import type { ExpressPathRouter } from './express-path-router.ts';
import { evolutionRouteTable } from './evolution-route-table.ts';
import { badRequest, forbidden, notFound, unauthorized } from './evolution-http-errors.ts';
import { chatwootSetSchema2, instanceCreateSchema2, schemaMessages, sendTextSchema2, type FieldSchema } from './request-schemas.ts';
import { isUrl } from './is-url.ts';
import type { EvolutionDatabase } from './evolution-database.ts';

/** What the 2.x routes need beyond the 1.7 ones. */
export interface Route2Deps extends RouteDeps {
  gen2: Gen2Config;
  /**
   * Upstream's `remove.instance` event (monitor.service.ts@2.3.6): the answer goes out first, the in-memory instance
   * goes at once and its database row some 70–190 ms later (evolution-api-2.x.md §M.1).
   */
  removeInstanceLater(name: string): void;
  /** `GET /`'s whatsappWebVersion (2.3.x), answered from the Baileys fallback offline (§M.2). */
  whatsappWebVersion(): Promise<string | undefined>;
  /** The instance rows in Evolution's database (evolution-database.ts). */
  database: EvolutionDatabase;
}

const INTEGRATIONS = ['WHATSAPP-BAILEYS', 'WHATSAPP-BUSINESS', 'EVOLUTION'] as const;

/** The 2.x camelCase Chatwoot fields, stored in the twin's one record shape (snake keys, shared with 1.7's service). */
function recordFromCamel(data: Record<string, unknown>): ChatwootRecord {
  return {
    enabled: data.enabled,
    account_id: data.accountId,
    token: data.token,
    url: data.url,
    name_inbox: data.nameInbox,
    sign_msg: data.signMsg,
    sign_delimiter: data.signMsg ? data.signDelimiter : null,
    number: data.number,
    reopen_conversation: data.reopenConversation,
    conversation_pending: data.conversationPending,
    merge_brazil_contacts: data.mergeBrazilContacts,
    import_contacts: data.importContacts,
    import_messages: data.importMessages,
    days_limit_import_messages: data.daysLimitImportMessages,
    organization: data.organization,
    logo: data.logo,
    ignore_jids: data.ignoreJids,
    auto_create: data.autoCreate,
  };
}

/** findChatwoot() of 2.x (channel.service.ts@2.3.6): the stored row in camelCase. */
function camelView(stored: ChatwootRecord): Record<string, unknown> {
  return {
    enabled: stored.enabled,
    accountId: stored.account_id,
    token: stored.token,
    url: stored.url,
    nameInbox: stored.name_inbox,
    signMsg: stored.sign_msg,
    signDelimiter: stored.sign_delimiter || null,
    number: stored.number,
    reopenConversation: stored.reopen_conversation,
    conversationPending: stored.conversation_pending,
    mergeBrazilContacts: stored.merge_brazil_contacts,
    importContacts: stored.import_contacts,
    importMessages: stored.import_messages,
    daysLimitImportMessages: stored.days_limit_import_messages,
    organization: stored.organization,
    logo: stored.logo,
    ignoreJids: Array.isArray(stored.ignore_jids) ? stored.ignore_jids.map(String) : [],
  };
}

/**
 * The HTTP surface of Evolution 2.x (evolution-api-2.x.md §1.6, §4d, §M): camelCase bodies, `integration` required,
 * the CHATWOOT_ENABLED gate, a missing apikey answered 401, deletion finished after the answer. Shares the instance,
 * store and ChatwootService code with 1.7; only the controllers differ.
 */
export function buildEvolution2Router(deps: Route2Deps): ExpressPathRouter<RouteHandler> {
  const { config, store, chatwoot, instances, gen2 } = deps;
  const validateLogger = deps.logger.forContext('Validate');
  const controllerLogger = deps.logger.forContext('InstanceController');
  const unhandledLogger = deps.logger.forContext('unhandledRejection');

  /** getInstance() of instance.guard.ts@2.3.6: in memory, or a row in the database (the store). */
  const instanceExists = (name: unknown): boolean => typeof name === 'string' && (instances.has(name) || store.exists(name));

  /** instanceExistsGuard → instanceLoggedGuard → authGuard.apikey (2.x §1.6). */
  const guard = (kind: 'create' | 'fetchInstances' | 'instance', context: RouteContext): void => {
    const name = context.params.instanceName;
    if (kind === 'instance') {
      if (!name) badRequest('"instanceName" not provided.');
      if (!instanceExists(name)) notFound(`The "${name}" instance does not exist`);
    }
    if (kind === 'create') {
      const wanted = context.body.instanceName;
      if (instanceExists(wanted)) forbidden(`This name "${String(wanted)}" is already in use.`);
    }
    const key = context.headers.get('apikey') ?? undefined;
    // 2.x checks `!key` first: 1.7's 403 "Missing global api key" can no longer happen (auth.guard.ts@2.3.6:10-50).
    if (!key) unauthorized();
    if (key === config.apiKey) return;
    if (name && store.readAuth(name)?.apikey === key) return;
    unauthorized();
  };

  const validate = (body: unknown, schema: FieldSchema): void => {
    const messages = schemaMessages(body, schema);
    if (messages.length > 0) {
      validateLogger.error(messages);
      badRequest(messages);
    }
  };

  /** Every Chatwoot route throws this before any work while CHATWOOT_ENABLED is not exactly `true` (§1.2). */
  const requireChatwootEnabled = (): void => {
    if (!gen2.chatwootEnabled) badRequest('Chatwoot is disabled');
  };

  const requireInstance = (name: string): EvolutionInstance => {
    const instance = instances.get(name);
    if (!instance) notFound(`The "${name}" instance does not exist`);
    return instance;
  };

  /** `state` is undefined (and so left out) while a deleted instance's row is still there (§M.1). */
  const connectionState = (name: string) => ({ instance: { instanceName: name, state: instances.get(name)?.connectionState() } });

  const qrBody = (instance: EvolutionInstance) => {
    const snapshot = instance.qrSnapshot();
    return { pairingCode: snapshot.pairingCode, code: snapshot.code, base64: snapshot.base64, count: snapshot.count };
  };

  // ------------------------------------------------------------------ /instance

  const createInstance: RouteHandler = async (context) => {
    guard('create', context);
    validate(context.body, instanceCreateSchema2);
    const b = context.body;
    const name = b.instanceName as string;
    try {
      const integration = typeof b.integration === 'string' ? b.integration : undefined;
      if (!integration || !(INTEGRATIONS as readonly string[]).includes(integration)) badRequest('Invalid integration');
      const instanceId = deps.newId();
      const token = typeof b.token === 'string' && b.token ? b.token : deps.newId().toUpperCase();
      store.saveIntegration({
        integration,
        instanceName: name,
        token,
        ...(typeof b.number === 'string' ? { number: b.number } : {}),
      });
      store.saveAuth(name, { apikey: token, instanceId });
      await deps.database.saveInstance({ id: instanceId, name, token, integration, clientName: gen2.clientName });
      const instance = deps.registerInstance(name, instanceId, integration);
      const settings = {
        rejectCall: b.rejectCall === true,
        msgCall: typeof b.msgCall === 'string' ? b.msgCall : '',
        groupsIgnore: b.groupsIgnore === true,
        alwaysOnline: b.alwaysOnline === true,
        readMessages: b.readMessages === true,
        readStatus: b.readStatus === true,
        syncFullHistory: b.syncFullHistory === true,
        wavoipToken: typeof b.wavoipToken === 'string' ? b.wavoipToken : '',
      };
      store.saveSettings(name, settings);
      const webhook = (typeof b.webhook === 'object' && b.webhook !== null ? b.webhook : {}) as Record<string, unknown>;
      const head = (status: string) => ({
        instance: { instanceName: name, instanceId, integration, webhookWaBusiness: null, accessTokenWaBusiness: '', status },
        hash: token,
        webhook: { webhookUrl: webhook.url, webhookHeaders: webhook.headers, webhookByEvents: webhook.byEvents, webhookBase64: webhook.base64 },
        websocket: { enabled: undefined },
        rabbitmq: { enabled: undefined },
        nats: { enabled: undefined },
        sqs: { enabled: undefined },
        settings,
      });

      // Only all three fields make a Chatwoot instance: 1.7-style chatwoot_* fields are simply not looked at (§0.4).
      if (!b.chatwootAccountId || !b.chatwootToken || !b.chatwootUrl) {
        let qrcode: unknown;
        if (b.qrcode && integration === 'WHATSAPP-BAILEYS') {
          await instance.connectToWhatsapp(typeof b.number === 'string' ? b.number : undefined);
          await deps.work.sleep(5000);
          qrcode = qrBody(instance);
        }
        return { status: 201, body: { ...head(instance.connectionState()), qrcode } };
      }
      if (!gen2.chatwootEnabled) badRequest('Chatwoot is not enabled');
      if (!isUrl(b.chatwootUrl, { requireTld: false })) badRequest('Invalid "url" property in chatwoot');
      if (b.chatwootSignMsg !== true && b.chatwootSignMsg !== false) badRequest('signMsg is required');
      if (b.chatwootReopenConversation !== true && b.chatwootReopenConversation !== false) badRequest('reopenConversation is required');
      if (b.chatwootConversationPending !== true && b.chatwootConversationPending !== false) badRequest('conversationPending is required');

      const data = recordFromCamel({
        enabled: true,
        accountId: b.chatwootAccountId,
        token: b.chatwootToken,
        url: b.chatwootUrl,
        signMsg: b.chatwootSignMsg || false,
        nameInbox: b.chatwootNameInbox ?? name.split('-cwId-')[0],
        number: b.number,
        reopenConversation: b.chatwootReopenConversation || false,
        conversationPending: b.chatwootConversationPending || false,
        importContacts: b.chatwootImportContacts ?? true,
        mergeBrazilContacts: b.chatwootMergeBrazilContacts ?? false,
        importMessages: b.chatwootImportMessages ?? true,
        daysLimitImportMessages: b.chatwootDaysLimitImportMessages ?? 60,
        organization: b.chatwootOrganization,
        logo: b.chatwootLogo,
        // 2.1.1+: `chatwootAutoCreate !== false`; earlier always (§1.6).
        autoCreate: config.profile.autoCreateAtCreate ? b.chatwootAutoCreate !== false : true,
      });
      // Fired without await, as in 1.7 (§1.6): a failure becomes a logged unhandledRejection, the 201 stands.
      const bootstrapChatwoot = () => {
        deps.work.run(
          () => chatwoot.create(name, data),
          (error, origin) => unhandledLogger.error({ origin, stderr: process.stderr.fd, error }),
        );
      };
      return {
        afterSent: bootstrapChatwoot,
        status: 201,
        body: {
          ...head(instance.connectionState()),
          chatwoot: {
            enabled: true,
            accountId: b.chatwootAccountId,
            token: b.chatwootToken,
            url: b.chatwootUrl,
            signMsg: b.chatwootSignMsg || false,
            reopenConversation: b.chatwootReopenConversation || false,
            conversationPending: b.chatwootConversationPending || false,
            mergeBrazilContacts: b.chatwootMergeBrazilContacts ?? false,
            importContacts: b.chatwootImportContacts ?? true,
            importMessages: b.chatwootImportMessages ?? true,
            daysLimitImportMessages: b.chatwootDaysLimitImportMessages || 60,
            number: b.number,
            nameInbox: b.chatwootNameInbox ?? name,
            webhookUrl: chatwoot.webhookUrl(name),
          },
        },
      };
    } catch (error) {
      // 2.1.0+: the half-made instance is removed the way DELETE removes one, after the answer (§1.2, §M.1).
      deps.removeInstanceLater(name);
      const message = (error as { message?: unknown }).message;
      const first: unknown = Array.isArray(message) ? message[0] : message;
      controllerLogger.error(first);
      badRequest(first);
    }
  };

  const connect: RouteHandler = async (context) => {
    guard('instance', context);
    const name = context.params.instanceName!;
    try {
      const instance = instances.get(name);
      const state = instance?.connectionState();
      if (!instance || !state) badRequest(`The "${name}" instance does not exist`);
      if (state === 'open') return { status: 200, body: connectionState(name) };
      if (state === 'connecting') return { status: 200, body: qrBody(instance) };
      await instance.connectToWhatsapp(context.query.get('number') ?? undefined);
      // 2.x waits 2 s, not 1.7's 5 s (instance.controller.ts@2.3.6 connectToWhatsapp).
      await deps.work.sleep(2000);
      return { status: 200, body: qrBody(instance) };
    } catch (error) {
      controllerLogger.error(error);
      return { status: 200, body: { error: true, message: String((error as { message?: unknown }).message ?? error) } };
    }
  };

  const connectionStateRoute: RouteHandler = (context) => {
    guard('instance', context);
    return { status: 200, body: connectionState(context.params.instanceName!) };
  };

  const instanceView = (name: string) => {
    const instance = requireInstance(name);
    const auth = store.readAuth(name);
    const stored = store.readChatwoot(name);
    const device = instance.pairedDevice();
    return {
      id: instance.instanceId,
      name,
      connectionStatus: instance.connectionState(),
      ownerJid: device ? `${device.number}@s.whatsapp.net` : null,
      profileName: device?.pushName ?? null,
      profilePicUrl: null,
      integration: instance.integration ?? 'WHATSAPP-BAILEYS',
      number: store.readIntegration(name)?.number ?? null,
      token: auth?.apikey,
      clientName: gen2.clientName,
      Chatwoot: stored ? { instanceId: instance.instanceId, ...camelView(stored) } : null,
    };
  };

  const fetchInstances: RouteHandler = (context) => {
    guard('fetchInstances', context);
    const instanceName = context.query.get('instanceName');
    const instanceId = context.query.get('instanceId');
    if (instanceId) {
      const found = [...instances.values()].find((instance) => instance.instanceId === instanceId);
      if (!found) notFound(`Instance "${instanceId}" not found`);
      return { status: 200, body: [instanceView(found.name)] };
    }
    if (instanceName) {
      if (!instances.has(instanceName)) notFound(`Instance "${instanceName}" not found`);
      return { status: 200, body: [instanceView(instanceName)] };
    }
    return { status: 200, body: [...instances.keys()].map((name) => instanceView(name)) };
  };

  const logout: RouteHandler = async (context) => {
    guard('instance', context);
    const name = context.params.instanceName!;
    const state = instances.get(name)?.connectionState();
    if (state === 'close') badRequest(`The "${name}" instance is not connected`);
    await instances.get(name)?.logout();
    return { status: 200, body: { status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } } };
  };

  /** Answers first and removes afterwards (§M.1): connectionState stays 200 and the name "in use" for a while. */
  const deleteInstance: RouteHandler = async (context) => {
    guard('instance', context);
    const name = context.params.instanceName!;
    const instance = instances.get(name);
    const state = instance?.connectionState();
    if (state === 'connecting' || state === 'open') await instance?.logout();
    const result: RouteResult = {
      status: 200,
      body: { status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } },
      afterSent: () => deps.removeInstanceLater(name),
    };
    return result;
  };

  // ------------------------------------------------------------------ /message

  const sendText: RouteHandler = async (context) => {
    guard('instance', context);
    validate(context.body, sendTextSchema2);
    const instance = requireInstance(context.params.instanceName!);
    const b = context.body as { number: string; text: string; delay?: number };
    const sent = await instance.sendText({ number: b.number, text: b.text, ...(b.delay !== undefined ? { delay: b.delay } : {}) }, false);
    return {
      status: 201,
      body: {
        key: sent.key,
        pushName: sent.pushName,
        status: 'PENDING',
        message: sent.message,
        messageType: sent.messageType,
        messageTimestamp: sent.messageTimestamp,
      },
    };
  };

  // ------------------------------------------------------------------ /chatwoot

  const setChatwoot: RouteHandler = async (context) => {
    guard('instance', context);
    validate(context.body, chatwootSetSchema2);
    requireChatwootEnabled();
    const name = context.params.instanceName!;
    const data: Record<string, unknown> = { ...context.body };
    if (data.enabled) {
      if (!isUrl(data.url, { requireTld: false })) badRequest('url is not valid');
      if (!data.accountId) badRequest('accountId is required');
      if (!data.token) badRequest('token is required');
      if (data.signMsg !== true && data.signMsg !== false) badRequest('signMsg is required');
      if (data.signMsg === false) data.signDelimiter = null;
    }
    if (!data.nameInbox || data.nameInbox === '') data.nameInbox = name;
    // Awaited here: a Chatwoot error becomes this response, with Chatwoot's status (2.x §1.6, §4f).
    await chatwoot.create(name, recordFromCamel(data));
    return { status: 201, body: { ...data, webhook_url: chatwoot.webhookUrl(name) } };
  };

  const findChatwootRoute: RouteHandler = (context) => {
    guard('instance', context);
    requireChatwootEnabled();
    const name = context.params.instanceName!;
    const stored = store.readChatwoot(name);
    if (!stored || Object.keys(stored).length === 0) {
      return { status: 200, body: { enabled: false, url: '', accountId: '', token: '', signMsg: false, nameInbox: '', webhook_url: '' } };
    }
    return { status: 200, body: { ...camelView(stored), webhook_url: chatwoot.webhookUrl(name) } };
  };

  /** No guards; the gate answers before the 500 ms pause (chatwoot.controller.ts@2.3.6:85). */
  const webhook: RouteHandler = async (context) => {
    requireChatwootEnabled();
    const result = await chatwoot.receiveWebhook(context.params.instanceName!, context.body);
    return { status: 200, body: result };
  };

  const welcome: RouteHandler = async (context) => {
    const whatsappWebVersion = await deps.whatsappWebVersion();
    return {
      status: 200,
      body: {
        status: 200,
        message: 'Welcome to the Evolution API, it is working!',
        version: config.version,
        clientName: gen2.clientName,
        manager: `${context.origin}/manager`,
        documentation: 'https://doc.evolution-api.com',
        ...(whatsappWebVersion !== undefined ? { whatsappWebVersion } : {}),
      },
    };
  };

  return evolutionRouteTable(
    {
      welcome,
      createInstance,
      connect,
      restart: { method: 'POST', handler: connect },
      connectionState: connectionStateRoute,
      fetchInstances,
      logout,
      deleteInstance,
      sendText,
      setChatwoot,
      findChatwoot: findChatwootRoute,
      webhook,
    },
    { extraLeadingSlash: config.profile.leadingDoubleSlashRouted },
  );
}
