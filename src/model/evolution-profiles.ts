import { EVOLUTION_VERSIONS, evolutionGeneration, type EvolutionGeneration, type EvolutionVersion } from './axes.ts';

/**
 * What each Evolution version does as Chatwoot and the harness see it, as data: the twin, the clients, the suites,
 * the verdicts and the docker specs read these fields instead of comparing version strings. Sources:
 * ../shared/upstream/evolution-api-1.7.md (§n below: that sheet for 1.7, evolution-api-2.x.md for 2.x; §M of the
 * 2.x sheet wins). Cumulative: a 2.x profile is the 2.x base plus the differences of 2.x §5.1 up to its version.
 */
export interface EvolutionProfile {
  version: EvolutionVersion;
  generation: EvolutionGeneration;
  /** How `/instance/create` and `/chatwoot/set` carry the Chatwoot link: `chatwoot_account_id` (1.7) or `chatwootAccountId` (2.x §0.4). */
  apiStyle: 'snake_case' | 'camelCase';
  /** `integration: "WHATSAPP-BAILEYS"` is required in `/instance/create` (2.1.2+: else 400 "Invalid integration"). */
  integrationRequired: boolean;
  /** `CHATWOOT_ENABLED` exists (2.0+); only the exact string `true` enables Chatwoot (2.x §1.2). */
  chatwootEnabledSwitch: boolean;
  /** No start without a reachable database: Prisma connects before listen, the entrypoint migrates first (2.x §0.2). */
  databaseRequired: boolean;
  /** DATABASE_PROVIDER values the image's entrypoint accepts (2.x §1.3): postgresql, mysql, and psql_bouncer on 2.3.6. */
  databaseProviders: readonly ('postgresql' | 'mysql' | 'psql_bouncer')[];
  /** Evolution's own copy of WhatsApp media: none (1.7 §4) or S3/MinIO after the Chatwoot post (2.x §2.4). */
  mediaStore: 'none' | 's3';
  /** The media store's object names get a `<Date.now()>_` prefix (2.3.0+, 2.x §2.2). */
  mediaKeyTimestamp: boolean;
  /**
   * How bot messages find the bot conversation: 1.7.0–1.7.4 `POST conversations/filter` with `contact_id` (a 422 on
   * Chatwoot ≥ 3.8); 1.7.5 and every 2.x `GET contacts/{id}/conversations` (1.7 §0.1, 2.x §0.1).
   */
  botConversationLookup: 'conversations-filter' | 'contact-conversations';
  /** Whether any call sends `contact_id` as a conversation filter key (derived from botConversationLookup). */
  sendsContactIdFilter: boolean;
  /** Attribute keys of the bot contact's `contacts/filter` (1.7.4 adds `identifier`, 1.7 §5). */
  contactFilterKeys: readonly ('phone_number' | 'identifier')[];
  /** An inbound message's known contact is updated on every message (1.7.4) or only when its name or picture changed (1.7.5+, 1.7 §3c). */
  contactUpdateOnInbound: 'always' | 'when-changed';
  /** `merge_brazil_contacts` / `mergeBrazilContacts` exists (1.7.5+). */
  mergeBrazilContacts: boolean;
  /** Missing `apikey` on a create: 403 "Missing global api key" (1.7 §2.2) or 401 (2.x §1.6). */
  missingApiKeyStatus: 401 | 403;
  /** `instance.status` in the create answer: 1.7 says `created`, 2.x the connection state, `close` (instance.controller.ts@2.3.6). */
  createdInstanceStatus: 'created' | 'close';
  /** A 400 from create removes the half-created instance (2.1.0+, 2.x §1.2); 1.7 leaves it. */
  removesInstanceOnCreateError: boolean;
  /**
   * `DELETE /instance/delete` answers before the instance is gone (2.x §M.1): for a while `connectionState` still
   * answers 200 and a re-create of the name 403. Undefined where deletion is done before the answer.
   */
  deletionWindowMs: { readonly stillThereMs: readonly [number, number]; readonly goneAfterMs: readonly [number, number] } | undefined;
  /** `GET /` names the database client (`clientName`, 2.x). */
  welcomeClientName: boolean;
  /** `GET /` computes `whatsappWebVersion` on every call (2.3.0+; 2.3.6 always asks WhatsApp, 2.x §M.2); the offline fallback. */
  welcomeWhatsappWebVersion: string | undefined;
  /** `CHATWOOT_BOT_CONTACT` exists (2.1.0+): anything but unset/`true` skips the bot contact, conversation and `init`. */
  botContactSwitch: boolean;
  /** `chatwootAutoCreate: false` honoured at create (2.1.1+); 1.7 always bootstraps. */
  autoCreateAtCreate: boolean;
  /** Delay of an agent's text reply to WhatsApp: 1200 ms up to 2.3.5, random 500–2000 ms in 2.3.6 (2.x §4d). */
  agentReplyDelayMs: readonly [number, number];
  /** The webhook's chat id: the phone first (1.7, 2.0.x) or `meta.sender.identifier` first (2.1.0+, 2.x §4d). */
  webhookChatId: 'phone-first' | 'identifier-first';
  /** `conversationPending`: toggle a reused conversation to pending always (≤ 2.2.0) or only when it is not open (2.2.1+, 2.x §4c.6). */
  pendingToggle: 'always' | 'unless-open';
  /**
   * Inbound media with an "available" Chatwoot import database (2.x §5.2): unchecked (1.7, ≤ 2.1.1), the check
   * throws when that database is unreachable and the media is dropped (2.1.2), or the check fails softly (2.2.0+:
   * silently up to 2.2.x, logged `Error on getExistingSourceIds: …` by ChatwootImport in 2.3.x).
   */
  importDbCheckOnMedia: 'none' | 'throws' | 'silent' | 'logged';
  /** Bootstrap's `createContact` catches its own errors (2.3.0+: logs `Error creating contact`, the bootstrap stops quietly, 2.x §4a). */
  createContactCatches: boolean;
  /** An agent message is skipped as an echo only when `messages[0].source_id` starts with `WAID:` and (2.3.5+) `messages[0].id === body.id`. */
  echoSkipNeedsSameId: boolean;
  /** 2.3.x: an inbound message first looks its contact up by phone and moves a differing `identifier` to the JID (LID handling, 2.x §4c.1). */
  inboundIdentifierUpdate: boolean;
  /**
   * An agent reply to a number not on WhatsApp: 1.7 and 2.1.2 post "not sent" plus the `contact.is_not_in_wpp` note in a
   * conversation of their own; 2.2.0+ (a6fb8cbd) posts only "🚨 The message was not sent as the contact is not a valid
   * Whatsapp number." into the agent's conversation (onSendMessageError, chatwoot.service.ts@2.2.3:1141-1175).
   */
  notOnWhatsapp: 'not-sent-and-event' | 'note-in-conversation';
  /** Evolution's own axios, whose User-Agent its uploads carry: no lockfile on 1.7/2.1.2 (resolved at image build), 1.7.9 at 2.2.3, 1.12.2 at 2.3.6 (2.x §3). */
  uploadAxiosVersion: string;
  /** `//chatwoot/webhook/x` reaches the webhook handler: a 404 on 1.7 ([ran]); routed by 2.x's Express mounting (2.x §1.5 [lib-ran]). */
  leadingDoubleSlashRouted: boolean;
  /** Redis cache engine and its commands queue forever when Redis is unreachable (2.x §1.3); 1.7's image has Redis off. */
  redisCache: boolean;
  /**
   * Languages of the bot messages (`LANGUAGE`). 2.x loads en, pt-BR and es and falls back to en for any other value
   * (i18next `fallbackLng`); 2.3.x's config type also names `fr`, but no fr translation ships (src/utils/translations@2.3.6).
   */
  languages: readonly ('en' | 'pt-BR' | 'es')[];
  /**
   * The image's defaults of the variables the harness cares about: 1.7's Dockerfile ENV block (1.7 §1.2), 2.x's
   * `.env.example` baked in as `/evolution/.env` and loaded for every variable the container does not set (2.x §0.3).
   */
  imageEnv: Readonly<Record<string, string>>;
}

const IMAGE_ENV_1_7: Readonly<Record<string, string>> = {
  SERVER_URL: 'http://localhost:8080',
  AUTHENTICATION_TYPE: 'apikey',
  AUTHENTICATION_API_KEY: 'B6D711FCDE4D4FD5936544120E713976',
  LANGUAGE: 'en',
  QRCODE_LIMIT: '30',
  LOG_COLOR: 'true',
  CACHE_REDIS_ENABLED: 'false',
};

/** 2.1.2's `.env.example` (ebbba7b7), the variables the harness reads; later versions differ only where noted below. */
const IMAGE_ENV_2_1_2: Readonly<Record<string, string>> = {
  SERVER_URL: 'http://localhost:8080',
  AUTHENTICATION_API_KEY: '429683C4C977415CAAFCCE10F7D57E11',
  AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES: 'true',
  LANGUAGE: 'en',
  QRCODE_LIMIT: '30',
  QRCODE_COLOR: '#175197',
  LOG_LEVEL: 'ERROR,WARN,DEBUG,INFO,LOG,VERBOSE,DARK,WEBHOOKS,WEBSOCKET',
  LOG_COLOR: 'true',
  DATABASE_PROVIDER: 'postgresql',
  DATABASE_CONNECTION_URI: 'postgresql://user:pass@localhost:5432/evolution?schema=public',
  DATABASE_CONNECTION_CLIENT_NAME: 'evolution_exchange',
  DATABASE_SAVE_DATA_NEW_MESSAGE: 'true',
  CHATWOOT_ENABLED: 'false',
  CHATWOOT_MESSAGE_READ: 'true',
  CHATWOOT_MESSAGE_DELETE: 'true',
  CHATWOOT_BOT_CONTACT: 'true',
  CHATWOOT_IMPORT_DATABASE_CONNECTION_URI: 'postgresql://user:passwprd@host:5432/chatwoot?sslmode=disable',
  CACHE_REDIS_ENABLED: 'true',
  CACHE_REDIS_URI: 'redis://localhost:6379/6',
  CACHE_LOCAL_ENABLED: 'false',
  S3_ENABLED: 'false',
  S3_BUCKET: 'evolution',
  S3_PORT: '443',
  S3_ENDPOINT: 's3.domain.com',
  S3_REGION: 'eu-west-3',
  S3_USE_SSL: 'true',
};

const BASE_1_7: Omit<EvolutionProfile, 'version'> = {
  generation: '1.7',
  apiStyle: 'snake_case',
  integrationRequired: false,
  chatwootEnabledSwitch: false,
  databaseRequired: false,
  databaseProviders: [],
  mediaStore: 'none',
  mediaKeyTimestamp: false,
  botConversationLookup: 'conversations-filter',
  sendsContactIdFilter: true,
  contactFilterKeys: ['phone_number', 'identifier'],
  contactUpdateOnInbound: 'always',
  mergeBrazilContacts: false,
  missingApiKeyStatus: 403,
  createdInstanceStatus: 'created',
  removesInstanceOnCreateError: false,
  deletionWindowMs: undefined,
  welcomeClientName: false,
  welcomeWhatsappWebVersion: undefined,
  botContactSwitch: false,
  autoCreateAtCreate: false,
  agentReplyDelayMs: [1200, 1200],
  webhookChatId: 'phone-first',
  pendingToggle: 'always',
  importDbCheckOnMedia: 'none',
  createContactCatches: false,
  echoSkipNeedsSameId: false,
  inboundIdentifierUpdate: false,
  notOnWhatsapp: 'not-sent-and-event',
  uploadAxiosVersion: '1.6.8',
  leadingDoubleSlashRouted: false,
  redisCache: false,
  languages: ['en', 'pt-BR', 'es'],
  imageEnv: IMAGE_ENV_1_7,
};

/** 1.7.5: PR #582 (bot lookup via contacts/{id}/conversations), phone-only contact filter, merge_brazil_contacts (1.7 §5). */
const P_1_7_5: Omit<EvolutionProfile, 'version'> = {
  ...BASE_1_7,
  botConversationLookup: 'contact-conversations',
  sendsContactIdFilter: false,
  contactFilterKeys: ['phone_number'],
  contactUpdateOnInbound: 'when-changed',
  mergeBrazilContacts: true,
};

/** 2.1.2 (ebbba7b7): the 2.0.0-beta changes plus 2.0.10–2.1.2 (2.x §5.1). */
const P_2_1_2: Omit<EvolutionProfile, 'version'> = {
  ...P_1_7_5,
  generation: '2',
  apiStyle: 'camelCase',
  integrationRequired: true,
  chatwootEnabledSwitch: true,
  databaseRequired: true,
  databaseProviders: ['postgresql', 'mysql'],
  mediaStore: 's3',
  missingApiKeyStatus: 401,
  createdInstanceStatus: 'close',
  removesInstanceOnCreateError: true,
  // §M.1: 200 still for 14–81 ms, 404 from 70–190 ms after the answer (measured on 2.2.3 and 2.3.6; same code in 2.1.2).
  deletionWindowMs: { stillThereMs: [14, 81], goneAfterMs: [70, 190] },
  welcomeClientName: true,
  botContactSwitch: true,
  autoCreateAtCreate: true,
  webhookChatId: 'identifier-first',
  importDbCheckOnMedia: 'throws',
  // Built 2024-10 without a lockfile: axios ^1.6.5 then resolved to 1.7.7 (Inference).
  uploadAxiosVersion: '1.7.7',
  leadingDoubleSlashRouted: true,
  redisCache: true,
  imageEnv: IMAGE_ENV_2_1_2,
};

/** 2.2.3 (427c9949): tolerant import-DB check (2.2.0), pending toggle unless open (2.2.1), compose-style DB host. */
const P_2_2_3: Omit<EvolutionProfile, 'version'> = {
  ...P_2_1_2,
  pendingToggle: 'unless-open',
  importDbCheckOnMedia: 'silent',
  notOnWhatsapp: 'note-in-conversation',
  uploadAxiosVersion: '1.7.9',
  imageEnv: { ...IMAGE_ENV_2_1_2, DATABASE_CONNECTION_URI: 'postgresql://user:pass@postgres:5432/evolution?schema=public' },
};

/** 2.3.6 (3454bec7): `whatsappWebVersion` in `GET /` (2.3.0, live on every call in 2.3.6), random send delay. */
const P_2_3_6: Omit<EvolutionProfile, 'version'> = {
  ...P_2_2_3,
  // §M.2: the version bundled in Baileys 7.0.0-rc.6, what GET / answers when WhatsApp and GitHub cannot be reached.
  welcomeWhatsappWebVersion: '2.3000.1027934701',
  importDbCheckOnMedia: 'logged',
  mediaKeyTimestamp: true,
  databaseProviders: ['postgresql', 'mysql', 'psql_bouncer'],
  agentReplyDelayMs: [500, 2000],
  createContactCatches: true,
  echoSkipNeedsSameId: true,
  inboundIdentifierUpdate: true,
  uploadAxiosVersion: '1.12.2',
  imageEnv: { ...P_2_2_3.imageEnv, DATABASE_CONNECTION_URI: 'postgresql://user:pass@postgres:5432/evolution_db?schema=evolution_api' },
};

export const EVOLUTION_PROFILES: Readonly<Record<EvolutionVersion, EvolutionProfile>> = {
  '1.7.4': { version: '1.7.4', ...BASE_1_7 },
  '1.7.5': { version: '1.7.5', ...P_1_7_5 },
  '2.1.2': { version: '2.1.2', ...P_2_1_2 },
  '2.2.3': { version: '2.2.3', ...P_2_2_3 },
  '2.3.6': { version: '2.3.6', ...P_2_3_6 },
};

export function evolutionProfile(version: EvolutionVersion): EvolutionProfile {
  return EVOLUTION_PROFILES[version];
}

/** The versions of one generation, in axis order. */
export function evolutionVersionsOf(generation: EvolutionGeneration): EvolutionVersion[] {
  return EVOLUTION_VERSIONS.filter((version) => evolutionGeneration(version) === generation);
}
