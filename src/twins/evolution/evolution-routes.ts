import { randomUUID } from 'node:crypto';
import type { EvolutionConfig } from './evolution-config.ts';
import type { EvolutionLogger } from './evolution-logger.ts';
import type { InstanceStore, ChatwootRecord } from './instance-store.ts';
import type { BackgroundWork } from './background-work.ts';
import type { ChatwootService } from './chatwoot-service.ts';
import type { EvolutionInstance } from './evolution-instance.ts';
import type { ExpressPathRouter } from './express-path-router.ts';
import { evolutionRouteTable } from './evolution-route-table.ts';
import type { RouteContext, RouteHandler } from './route-handler.ts';
import { badRequest, EvolutionHttpException, forbidden, notFound, throwUpstream, unauthorized } from './evolution-http-errors.ts';
import { WEBHOOK_EVENTS, chatwootSetSchema, instanceCreateSchema, schemaMessages, sendTextSchema, type FieldSchema } from './request-schemas.ts';
import { isUrl } from './is-url.ts';

export type { RouteContext, RouteHandler, RouteResult } from './route-handler.ts';

export interface RouteDeps {
  config: EvolutionConfig;
  store: InstanceStore;
  work: BackgroundWork;
  chatwoot: ChatwootService;
  instances: Map<string, EvolutionInstance>;
  /** Creates and registers an instance object (not yet connected). */
  registerInstance(name: string, instanceId: string, integration: string | undefined): EvolutionInstance;
  removeInstance(name: string): void;
  logger: EvolutionLogger;
  newId: () => string;
}

type GuardKind = 'create' | 'fetchInstances' | 'instance';

function describeForTypeError(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  return `type ${typeof value} (${JSON.stringify(value)})`;
}

export function buildEvolutionRouter(deps: RouteDeps): ExpressPathRouter<RouteHandler> {
  const { config, store, chatwoot, instances } = deps;
  const validateLogger = deps.logger.forContext('Validate');
  const controllerLogger = deps.logger.forContext('InstanceController');
  const unhandledLogger = deps.logger.forContext('unhandledRejection');

  /** upstream getInstance(): in memory, or a folder under instances/ (§2.2). */
  const instanceExists = (name: unknown): boolean => {
    if (typeof name !== 'string') {
      // path.join(INSTANCE_DIR, name) throws for a non-string; Express answers 500.
      throwUpstream(
        new EvolutionHttpException(500, 'Internal Server Error', `The "path" argument must be of type string. Received ${describeForTypeError(name)}`),
      );
    }
    return instances.has(name) || name === '' || store.exists(name);
  };

  /** instanceExistsGuard → instanceLoggedGuard → authGuard.apikey, in that order (§2.2). */
  const guard = (kind: GuardKind, context: RouteContext): void => {
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
    if (key === config.apiKey) return;
    if ((kind === 'create' || kind === 'fetchInstances') && !key) forbidden('Missing global api key', 'The global api key must be set');
    if (name && store.readAuth(name)?.apikey === key) return;
    unauthorized();
  };

  /** dataValidate: 400 with the doubly nested message array (§2.2). */
  const validate = (body: unknown, schema: FieldSchema): void => {
    const messages = schemaMessages(body, schema);
    if (messages.length > 0) {
      validateLogger.error(messages);
      badRequest(messages);
    }
  };

  const requireInstance = (name: string): EvolutionInstance => {
    const instance = instances.get(name);
    if (!instance) notFound(`The "${name}" instance does not exist`);
    return instance;
  };

  const connectionState = (name: string) => ({ instance: { instanceName: name, state: requireInstance(name).connectionState() } });

  const chatwootView = (name: string): Record<string, unknown> | undefined => {
    const stored = store.readChatwoot(name);
    if (!stored || stored.enabled !== true) return undefined;
    return { ...findChatwoot(stored), webhook_url: chatwoot.webhookUrl(name) };
  };

  /** Upstream findChatwoot(): the stored config reduced to its known keys. */
  const findChatwoot = (stored: ChatwootRecord): Record<string, unknown> => ({
    enabled: stored.enabled,
    account_id: stored.account_id,
    token: stored.token,
    url: stored.url,
    name_inbox: stored.name_inbox,
    sign_msg: stored.sign_msg,
    sign_delimiter: stored.sign_delimiter || null,
    reopen_conversation: stored.reopen_conversation,
    conversation_pending: stored.conversation_pending,
    ...(config.profile.mergeBrazilContacts ? { merge_brazil_contacts: stored.merge_brazil_contacts } : {}),
    import_contacts: stored.import_contacts,
    import_messages: stored.import_messages,
    days_limit_import_messages: stored.days_limit_import_messages,
  });

  const instanceInfo = (name: string) => {
    const instance = requireInstance(name);
    const state = instance.connectionState();
    const info: Record<string, unknown> = { instanceName: name, instanceId: instance.instanceId };
    const device = instance.pairedDevice();
    if (state === 'open' && device) {
      info.owner = `${device.number}@s.whatsapp.net`;
      info.profileName = device.pushName || 'not loaded';
      info.profilePictureUrl = null;
      info.profileStatus = '';
    }
    info.status = state;
    if (config.exposeInFetchInstances) {
      const apikey = store.readAuth(name)?.apikey;
      info.serverUrl = config.serverUrl;
      info.apikey = apikey;
      info.chatwoot = chatwootView(name);
      info.integration = {
        integration: instance.integration ?? 'WHATSAPP-BAILEYS',
        token: apikey,
        webhook_wa_business: `${config.serverUrl}/webhook/whatsapp/${encodeURIComponent(apikey ?? '')}`,
      };
    }
    return { instance: info };
  };

  // ------------------------------------------------------------------ /instance

  const createInstance: RouteHandler = async (context) => {
    guard('create', context);
    validate(context.body, instanceCreateSchema);
    const b = context.body;
    const name = b.instanceName as string;
    try {
      const token = typeof b.token === 'string' && b.token ? b.token : undefined;
      if (token && [...instances.keys()].some((other) => store.readAuth(other)?.apikey === token)) {
        badRequest('Token already exists');
      }
      // Side effects before the Chatwoot checks: a 400 below leaves a half-created instance (§2.3).
      store.saveIntegration({
        integration: typeof b.integration === 'string' ? b.integration : 'WHATSAPP-BAILEYS',
        instanceName: name,
        ...(token ? { token } : {}),
        ...(typeof b.number === 'string' ? { number: b.number } : {}),
        ...(typeof b.mobile === 'boolean' ? { mobile: b.mobile } : {}),
      });
      const instanceId = deps.newId();
      const integration = typeof b.integration === 'string' ? b.integration : undefined;
      const instance = deps.registerInstance(name, instanceId, integration);
      const apikey = token ?? deps.newId().toUpperCase();
      store.saveAuth(name, { apikey, instanceId });

      let webhookEvents: unknown;
      if (b.webhook) {
        if (!isUrl(b.webhook, { requireTld: false })) badRequest('Invalid "url" property in webhook');
        webhookEvents = Array.isArray(b.events) && b.events.length > 0 ? b.events : [...WEBHOOK_EVENTS];
      }
      const settings = {
        reject_call: b.reject_call || false,
        msg_call: b.msg_call || '',
        // Upstream writes `groups_ignore || true`, so it is always true.
        groups_ignore: b.groups_ignore || true,
        always_online: b.always_online || false,
        read_messages: b.read_messages || false,
        read_status: b.read_status || false,
        sync_full_history: b.sync_full_history ?? false,
      };
      store.saveSettings(name, settings);

      const head = {
        instance: {
          instanceName: name,
          instanceId,
          integration,
          webhook_wa_business: null,
          access_token_wa_business: '',
          status: 'created',
        },
        hash: { apikey },
        webhook: { webhook: b.webhook, webhook_by_events: b.webhook_by_events, events: webhookEvents },
        websocket: { enabled: b.websocket_enabled, events: b.websocket_events },
        rabbitmq: { enabled: b.rabbitmq_enabled, events: b.rabbitmq_events },
        sqs: { enabled: b.sqs_enabled, events: b.sqs_events },
        typebot: {
          enabled: b.typebot_url ? true : false,
          url: b.typebot_url,
          typebot: b.typebot,
          expire: b.typebot_expire,
          keyword_finish: b.typebot_keyword_finish,
          delay_message: b.typebot_delay_message,
          unknown_message: b.typebot_unknown_message,
          listening_from_me: b.typebot_listening_from_me,
        },
        settings,
      };

      const accountId = b.chatwoot_account_id;
      const cwToken = b.chatwoot_token;
      const cwUrl = b.chatwoot_url;
      if (!accountId || !cwToken || !cwUrl) {
        let qrcode: unknown;
        if (b.qrcode) {
          await instance.connectToWhatsapp(typeof b.number === 'string' ? b.number : undefined);
          await deps.work.sleep(5000);
          const snapshot = instance.qrSnapshot();
          qrcode = { pairingCode: snapshot.pairingCode, code: snapshot.code, base64: snapshot.base64, count: snapshot.count };
        }
        return { status: 201, body: { ...head, qrcode } };
      }
      if (!isUrl(cwUrl, { requireTld: false })) badRequest('Invalid "url" property in chatwoot');
      if (b.chatwoot_sign_msg !== true && b.chatwoot_sign_msg !== false) badRequest('sign_msg is required');
      if (b.chatwoot_reopen_conversation !== true && b.chatwoot_reopen_conversation !== false) badRequest('reopen_conversation is required');
      if (b.chatwoot_conversation_pending !== true && b.chatwoot_conversation_pending !== false) badRequest('conversation_pending is required');

      const nameInbox = b.chatwoot_name_inbox ?? name.split('-cwId-')[0];
      const mergeBrazil = config.profile.mergeBrazilContacts ? { merge_brazil_contacts: b.chatwoot_merge_brazil_contacts ?? false } : {};
      const data: ChatwootRecord = {
        enabled: true,
        account_id: accountId,
        token: cwToken,
        url: cwUrl,
        sign_msg: b.chatwoot_sign_msg || false,
        name_inbox: nameInbox,
        number: b.number,
        reopen_conversation: b.chatwoot_reopen_conversation || false,
        conversation_pending: b.chatwoot_conversation_pending || false,
        ...mergeBrazil,
        import_contacts: b.chatwoot_import_contacts ?? true,
        import_messages: b.chatwoot_import_messages ?? true,
        days_limit_import_messages: b.chatwoot_days_limit_import_messages ?? 60,
        auto_create: true,
      };
      // Fired without await (§0.3): a failure becomes a logged unhandledRejection, the 201 stands. Upstream's
      // create() starts with storage I/O, so its first Chatwoot call always follows the 201: start it after sending.
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
          ...head,
          chatwoot: {
            enabled: true,
            account_id: accountId,
            token: cwToken,
            url: cwUrl,
            sign_msg: b.chatwoot_sign_msg,
            reopen_conversation: b.chatwoot_reopen_conversation,
            conversation_pending: b.chatwoot_conversation_pending,
            ...mergeBrazil,
            import_contacts: b.chatwoot_import_contacts ?? true,
            import_messages: b.chatwoot_import_messages ?? true,
            days_limit_import_messages: b.chatwoot_days_limit_import_messages ?? 60,
            number: b.number,
            name_inbox: nameInbox,
            webhook_url: chatwoot.webhookUrl(name),
          },
        },
      };
    } catch (error) {
      // Upstream rethrows BadRequestException(error.message[0]): the first message, or the first
      // character of a plain Error's message (§2.3).
      const message = (error as { message?: unknown }).message;
      const first: unknown = Array.isArray(message) ? message[0] : typeof message === 'string' ? message[0] : undefined;
      controllerLogger.error(first);
      badRequest(first);
    }
  };

  const connect: RouteHandler = async (context) => {
    guard('instance', context);
    const name = context.params.instanceName!;
    try {
      const instance = requireInstance(name);
      const snapshotBody = () => {
        const snapshot = instance.qrSnapshot();
        return { pairingCode: snapshot.pairingCode, code: snapshot.code, base64: snapshot.base64, count: snapshot.count };
      };
      switch (instance.connectionState()) {
        case 'close':
          await instance.connectToWhatsapp(context.query.get('number') ?? undefined);
          await deps.work.sleep(5000);
          return { status: 200, body: snapshotBody() };
        case 'connecting':
          return { status: 200, body: snapshotBody() };
        case 'open':
          return { status: 200, body: connectionState(name) };
      }
    } catch (error) {
      // Errors are swallowed: 200 with an empty body (§2.4).
      controllerLogger.error(error);
      return { status: 200, body: undefined };
    }
  };

  const connectionStateRoute: RouteHandler = (context) => {
    guard('instance', context);
    return { status: 200, body: connectionState(context.params.instanceName!) };
  };

  const restart: RouteHandler = (context) => {
    guard('instance', context);
    return { status: 200, body: connectionState(context.params.instanceName!) };
  };

  const fetchInstances: RouteHandler = (context) => {
    guard('fetchInstances', context);
    const instanceName = context.query.get('instanceName');
    const instanceId = context.query.get('instanceId');
    if (instanceName) {
      if (!instances.has(instanceName)) notFound(`Instance "${instanceName}" not found`);
      return { status: 200, body: instanceInfo(instanceName) };
    }
    if (instanceId) {
      const found = [...instances.values()].find((instance) => instance.instanceId === instanceId);
      if (!found) notFound(`Instance "${instanceId}" not found`);
      return { status: 200, body: instanceInfo(found.name) };
    }
    return { status: 200, body: [...instances.keys()].map((name) => instanceInfo(name)) };
  };

  const logout: RouteHandler = async (context) => {
    guard('instance', context);
    const name = context.params.instanceName!;
    const instance = requireInstance(name);
    if (instance.connectionState() === 'close') badRequest(`The "${name}" instance is not connected`);
    await instance.logout();
    return { status: 200, body: { status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } } };
  };

  const deleteInstance: RouteHandler = async (context) => {
    guard('instance', context);
    const name = context.params.instanceName!;
    const instance = instances.get(name);
    const state = instance?.connectionState() ?? 'close';
    if (state === 'open') badRequest(`The "${name}" instance needs to be disconnected`);
    if (state === 'connecting') await instance?.logout();
    deps.removeInstance(name);
    return { status: 200, body: { status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } } };
  };

  // ------------------------------------------------------------------ /message

  const sendText: RouteHandler = async (context) => {
    guard('instance', context);
    validate(context.body, sendTextSchema);
    const instance = requireInstance(context.params.instanceName!);
    const b = context.body as { number: string; textMessage: { text: string }; options?: { delay?: number; presence?: string } };
    const sent = await instance.sendText(
      {
        number: b.number,
        text: b.textMessage.text,
        ...(b.options?.delay !== undefined ? { delay: b.options.delay } : {}),
        ...(b.options?.presence !== undefined ? { presence: b.options.presence } : {}),
      },
      false,
    );
    return { status: 201, body: { key: sent.key, message: sent.message, messageTimestamp: sent.messageTimestamp, status: 'PENDING' } };
  };

  // ------------------------------------------------------------------ /chatwoot

  const setChatwoot: RouteHandler = async (context) => {
    guard('instance', context);
    validate(context.body, chatwootSetSchema(config.profile));
    const name = context.params.instanceName!;
    const data: ChatwootRecord = { ...context.body };
    if (data.enabled) {
      if (!isUrl(data.url, { requireTld: false })) badRequest('url is not valid');
      if (!data.account_id) badRequest('account_id is required');
      if (!data.token) badRequest('token is required');
      if (data.sign_msg !== true && data.sign_msg !== false) badRequest('sign_msg is required');
      if (data.sign_msg === false) data.sign_delimiter = null;
    }
    if (!data.enabled) {
      Object.assign(data, {
        account_id: '',
        token: '',
        url: '',
        sign_msg: false,
        sign_delimiter: null,
        reopen_conversation: false,
        conversation_pending: false,
        import_contacts: false,
        import_messages: false,
        ...(config.profile.mergeBrazilContacts ? { merge_brazil_contacts: false } : {}),
        days_limit_import_messages: 0,
        auto_create: false,
        name_inbox: '',
      });
    }
    if (!data.name_inbox || data.name_inbox === '') data.name_inbox = name;
    // Awaited here: a Chatwoot error becomes this response, with Chatwoot's status (§2.5, §3f).
    const result = await chatwoot.create(name, data);
    return { status: 201, body: { ...result, webhook_url: chatwoot.webhookUrl(name) } };
  };

  const findChatwootRoute: RouteHandler = (context) => {
    guard('instance', context);
    const name = context.params.instanceName!;
    const stored = store.readChatwoot(name);
    if (!stored || Object.keys(stored).length === 0) {
      return { status: 200, body: { enabled: false, url: '', account_id: '', token: '', sign_msg: false, name_inbox: '', webhook_url: '' } };
    }
    return { status: 200, body: { ...findChatwoot(stored), webhook_url: chatwoot.webhookUrl(name) } };
  };

  /** No guards at all (§2.6). */
  const webhook: RouteHandler = async (context) => {
    const result = await chatwoot.receiveWebhook(context.params.instanceName!, context.body);
    return { status: 200, body: result };
  };

  const welcome: RouteHandler = (context) => ({
    status: 200,
    body: {
      status: 200,
      message: 'Welcome to the Evolution API, it is working!',
      version: config.version,
      swagger: `${context.origin}/docs`,
      manager: `${context.origin}/manager`,
      documentation: 'https://doc.evolution-api.com',
    },
  });

  return evolutionRouteTable({
    welcome,
    createInstance,
    connect,
    restart: { method: 'PUT', handler: restart },
    connectionState: connectionStateRoute,
    fetchInstances,
    logout,
    deleteInstance,
    sendText,
    setChatwoot,
    findChatwoot: findChatwootRoute,
    webhook,
  });
}

export function newUuid(): string {
  return randomUUID();
}
