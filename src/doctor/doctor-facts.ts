import { z } from 'zod';
import type { AttachTarget } from '../backends/attach/attach-target.ts';
import { ProbeUnreachableError, type ProbeClient, type ProbeResponse } from '../backends/attach/probe-client.ts';
import type { Redactor } from '../common/redact.ts';
import { ChatwootApiRoot, ChatwootContact, ChatwootConversation, ChatwootInbox, ChatwootList, ChatwootProfile } from '../clients/chatwoot-schemas.ts';
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, type ChatwootVersion, type EvolutionGeneration, type EvolutionVersion } from '../model/axes.ts';
import { evolutionProfile, type EvolutionProfile } from '../model/evolution-profiles.ts';
import { BOT_CONTACT_PHONE } from '../model/bot-contact.ts';
import type { Exchange } from '../model/result-schema.ts';
import { AUTH_ANSWER_TEXT, brief, classifyChatwootAuth, type ChatwootAuthAnswer } from './chatwoot-answers.ts';
import type { Fact } from './fact.ts';
import { diagnoseProbe } from './reuse-diagnosis.ts';

/** GET / of 1.7 (evolution-api-1.7.md §2.1) and 2.x (`clientName`, 2.3.x `whatsappWebVersion`; evolution-api-2.x.md §1.6). */
const EvolutionRootBody = z.object({
  version: z.string(),
  message: z.string().optional(),
  clientName: z.string().optional(),
  whatsappWebVersion: z.string().optional(),
});
/** 2.x's find answers the stored settings in camelCase (channel.service.ts@2.3.6 findChatwoot), plus webhook_url. */
const ChatwootSettingsBody2 = z.object({
  enabled: z.boolean().optional(),
  accountId: z.union([z.string(), z.number()]).optional(),
  token: z.string().optional(),
  url: z.string().optional(),
  nameInbox: z.string().optional(),
  webhook_url: z.string().optional(),
  signMsg: z.boolean().optional(),
  reopenConversation: z.boolean().optional(),
  conversationPending: z.boolean().optional(),
});
/** The gate's answer when CHATWOOT_ENABLED is not exactly `true` (evolution-api-2.x.md §1.2). */
const ChatwootDisabledBody = z.object({ status: z.literal(400), response: z.object({ message: z.array(z.string()) }) });
const ChatwootSettingsBody = z.object({
  enabled: z.boolean().optional(),
  account_id: z.union([z.string(), z.number()]).optional(),
  token: z.string().optional(),
  url: z.string().optional(),
  name_inbox: z.string().optional(),
  webhook_url: z.string().optional(),
  sign_msg: z.boolean().optional(),
  reopen_conversation: z.boolean().optional(),
  conversation_pending: z.boolean().optional(),
});
const FetchInstancesBody = z.union([
  z.array(z.object({ instance: z.object({ instanceName: z.string() }).passthrough() }).passthrough()),
  // 2.x: one flat object per instance (instance.controller.ts@2.3.6 fetchInstances).
  z.array(z.object({ name: z.string() }).passthrough()),
  z.object({ instance: z.object({ instanceName: z.string() }).passthrough() }).passthrough(),
]);

export interface ChatwootApiInfo {
  version: string;
  known: ChatwootVersion | undefined;
  queueServices: string | undefined;
  dataServices: string | undefined;
}

export interface EvolutionInfo {
  version: string;
  known: EvolutionVersion | undefined;
  /** The generation the version belongs to, known or not ('1.7' for 1.7.x, '2' for 2.x). */
  generation: EvolutionGeneration | undefined;
  /** The known version's profile: what the checks read instead of comparing versions. */
  profile: EvolutionProfile | undefined;
  clientName: string | undefined;
  whatsappWebVersion: string | undefined;
}

/** The generation a version string belongs to, for versions this tool has no profile of too. */
export function generationOfVersion(version: string): EvolutionGeneration | undefined {
  if (/^1\.7\./.test(version)) return '1.7';
  if (/^2\.\d+\.\d+/.test(version)) return '2';
  return undefined;
}

/** What GET /chatwoot/find answered: the stored settings, or 2.x's CHATWOOT_ENABLED gate. */
export type ChatwootFind = { kind: 'settings'; response: ProbeResponse } | { kind: 'disabled'; response: ProbeResponse; message: string };

export interface TokenFindings {
  /** The header spelling Chatwoot accepts from here; undefined when neither works. */
  headerName: 'api_access_token' | 'Api-Access-Token' | undefined;
  underscore: ChatwootAuthAnswer;
  hyphen: ChatwootAuthAnswer;
  profile: ChatwootProfile | undefined;
  exchanges: Exchange[];
  responses: { underscore: ProbeResponse; hyphen: ProbeResponse };
}

export type InstanceSettings = z.infer<typeof ChatwootSettingsBody> & { raw: unknown };

export interface BotConversation {
  contactId: number;
  /** display_id of the open bot conversation in the instance's inbox, if there is one. */
  displayId: number | undefined;
  inboxId: number;
}

/** True when a probe got an answer (any status), false when it came back as a failed fact. */
export function reached(answer: ProbeResponse | { ok: false }): answer is ProbeResponse {
  return !('ok' in answer && answer.ok === false);
}

/** The stored settings in one shape: 2.x answers camelCase (and '' for what is not set), 1.7 snake_case. */
function settingsOf(style: EvolutionProfile['apiStyle'], json: unknown): z.infer<typeof ChatwootSettingsBody> | undefined {
  if (style === 'snake_case') {
    const parsed = ChatwootSettingsBody.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  }
  const parsed = ChatwootSettingsBody2.safeParse(json);
  if (!parsed.success) return undefined;
  const d = parsed.data;
  const set = <T>(value: T | undefined | '') => (value === '' ? undefined : value);
  const entries = {
    enabled: d.enabled,
    account_id: set(d.accountId),
    token: set(d.token),
    url: set(d.url),
    name_inbox: set(d.nameInbox),
    webhook_url: set(d.webhook_url),
    sign_msg: d.signMsg,
    reopen_conversation: d.reopenConversation,
    conversation_pending: d.conversationPending,
  };
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

function knownVersion<T extends string>(versions: readonly T[], version: string): T | undefined {
  return (versions as readonly string[]).includes(version) ? (version as T) : undefined;
}

/**
 * Probes shared by several checks, each made once (memoised). A failure is returned as a failed
 * Fact naming the check that reports it; nothing here throws for a deployment problem.
 */
export class DoctorFacts {
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly target: AttachTarget;
  private readonly client: ProbeClient;
  private readonly redactor: Redactor;

  constructor(target: AttachTarget, client: ProbeClient, redactor: Redactor) {
    this.target = target;
    this.client = client;
    this.redactor = redactor;
  }

  private once<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let pending = this.memo.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = compute();
      this.memo.set(key, pending);
    }
    return pending;
  }

  /** The versions found so far, without probing for them. */
  async versionsSeen(): Promise<{ chatwoot: string | undefined; evolution: string | undefined }> {
    const api = this.memo.has('chatwootApi') ? await this.chatwootApi() : undefined;
    const root = this.memo.has('evolutionRoot') ? await this.evolutionRoot() : undefined;
    return { chatwoot: api?.ok ? api.value.version : undefined, evolution: root?.ok ? root.value.version : undefined };
  }

  chatwootUrl(path: string): string {
    return `${this.target.chatwootUrl}${path}`;
  }

  evolutionUrl(path: string): string {
    return `${this.target.evolutionUrl}${path}`;
  }

  accountPath(path: string): string {
    return this.chatwootUrl(`/api/v1/accounts/${this.target.accountId}${path}`);
  }

  /** GET /api (no auth): version and health (chatwoot-3.7-3.9.md §5 "Health check"). */
  chatwootApi(): Promise<Fact<ChatwootApiInfo>> {
    return this.once('chatwootApi', async () => {
      const owner = 'versions/chatwoot';
      const response = await this.reach(owner, 'Chatwoot', { link: 'harness->chatwoot', method: 'GET', url: this.chatwootUrl('/api') });
      if (!reached(response)) return response;
      if (response.isHtml) {
        return {
          ok: false as const,
          status: 'error' as const,
          owner,
          summary: `GET ${this.target.chatwootUrl}/api answered an HTML page (HTTP ${response.status}), not Chatwoot's API`,
          evidence: [`content-type: ${response.headers['content-type'] ?? 'none'}`, `body starts: ${response.text.slice(0, 80).replace(/\s+/g, ' ')}`],
          remedy:
            'A login page or a proxy answers at this URL. Give --chatwoot-url the address whose /api answers {"version":…} (Chatwoot itself, or the proxy path that forwards to it).',
          exchanges: [response.exchange],
        };
      }
      const parsed = ChatwootApiRoot.safeParse(response.json);
      if (response.status !== 200 || !parsed.success) {
        return {
          ok: false as const,
          status: 'error' as const,
          owner,
          summary: `GET /api answered ${brief(response, 80)}: not a Chatwoot API`,
          evidence: [],
          remedy: 'Check --chatwoot-url: Chatwoot answers GET /api with {"version":"3.x.0",…} without authentication.',
          exchanges: [response.exchange],
        };
      }
      return {
        ok: true as const,
        value: {
          version: parsed.data.version,
          known: knownVersion(CHATWOOT_VERSIONS, parsed.data.version),
          queueServices: parsed.data.queue_services,
          dataServices: parsed.data.data_services,
        },
        exchanges: [response.exchange],
      };
    });
  }

  /** GET / (no auth): Evolution's welcome JSON with its version (evolution-api-1.7.md §2.1). */
  evolutionRoot(): Promise<Fact<EvolutionInfo>> {
    return this.once('evolutionRoot', async () => {
      const owner = 'versions/evolution';
      // The client's deadline applies: 2.3.6 asks WhatsApp for its web version inside GET / (evolution-api-2.x.md §M.2).
      const response = await this.reach(owner, 'Evolution', { link: 'harness->evolution', method: 'GET', url: this.evolutionUrl('/') });
      if (!reached(response)) {
        const deadline = /no answer within \d+ ms/.exec(response.summary)?.[0];
        if (!deadline) return response;
        return {
          ...response,
          summary: `GET ${this.target.evolutionUrl}/ did not answer in time (${deadline})`,
          evidence: [
            'Evolution 2.3.x computes whatsappWebVersion inside GET /, and 2.3.6 asks web.whatsapp.com on every call with no timeout: where outbound traffic is dropped, GET / hangs',
          ],
          remedy:
            "Let Evolution reach web.whatsapp.com (or make the drop a refusal, then GET / answers at once with Baileys' bundled version); otherwise raise --timeout. Check a 1.7/2.2 Evolution's URL and port.",
        };
      }
      const parsed = EvolutionRootBody.safeParse(response.json);
      if (response.isHtml || response.status !== 200 || !parsed.success) {
        return {
          ok: false as const,
          status: 'error' as const,
          owner,
          summary: `GET ${this.target.evolutionUrl}/ answered ${response.isHtml ? `an HTML page (HTTP ${response.status})` : brief(response, 80)}: not Evolution API`,
          evidence: [],
          remedy: 'Give --evolution-url the address whose GET / answers {"message":"Welcome to the Evolution API…","version":…}.',
          exchanges: [response.exchange],
        };
      }
      const known = knownVersion(EVOLUTION_VERSIONS, parsed.data.version);
      return {
        ok: true as const,
        value: {
          version: parsed.data.version,
          known,
          generation: generationOfVersion(parsed.data.version),
          profile: known ? evolutionProfile(known) : undefined,
          clientName: parsed.data.clientName,
          whatsappWebVersion: parsed.data.whatsappWebVersion,
        },
        exchanges: [response.exchange],
      };
    });
  }

  /**
   * GET /api/v1/profile with the token in both spellings (chatwoot-3.7-3.9.md §2.1, §2.5): a proxy
   * that drops underscore headers turns a good token into the devise 401, a wrong token gives
   * "Invalid Access Token" in both.
   */
  chatwootToken(): Promise<Fact<TokenFindings>> {
    return this.once('chatwootToken', async () => {
      const owner = 'auth/chatwoot-token';
      const api = await this.chatwootApi();
      if (!api.ok) return api;
      const url = this.chatwootUrl('/api/v1/profile');
      const underscore = await this.reach(owner, 'Chatwoot', {
        link: 'harness->chatwoot',
        method: 'GET',
        url,
        headers: { api_access_token: this.target.chatwootToken },
      });
      if (!reached(underscore)) return underscore;
      const hyphen = await this.reach(owner, 'Chatwoot', {
        link: 'harness->chatwoot',
        method: 'GET',
        url,
        headers: { 'Api-Access-Token': this.target.chatwootToken },
      });
      if (!reached(hyphen)) return hyphen;
      const u = classifyChatwootAuth(underscore);
      const h = classifyChatwootAuth(hyphen);
      const headerName = u === 'ok' ? 'api_access_token' : h === 'ok' ? 'Api-Access-Token' : undefined;
      const working = u === 'ok' ? underscore : h === 'ok' ? hyphen : undefined;
      const profile = working ? ChatwootProfile.safeParse(working.json) : undefined;
      return {
        ok: true as const,
        value: {
          headerName,
          underscore: u,
          hyphen: h,
          profile: profile?.success ? profile.data : undefined,
          exchanges: [underscore.exchange, hyphen.exchange],
          responses: { underscore, hyphen },
        },
        exchanges: [underscore.exchange, hyphen.exchange],
      };
    });
  }

  /** Headers that carry the token in the spelling that reaches Chatwoot from here. */
  async chatwootHeaders(): Promise<Fact<Record<string, string>>> {
    const token = await this.chatwootToken();
    if (!token.ok) return token;
    if (!token.value.headerName) {
      return {
        ok: false,
        status: 'skip',
        owner: 'auth/chatwoot-token',
        summary: 'the Chatwoot token is not accepted',
        evidence: [],
        exchanges: [],
      };
    }
    return { ok: true, value: { [token.value.headerName]: this.target.chatwootToken }, exchanges: [] };
  }

  /** GET /api/v1/accounts/{id}/inboxes: account access and the inbox list. */
  accountInboxes(): Promise<Fact<ChatwootInbox[]>> {
    return this.once('accountInboxes', async () => {
      const owner = 'auth/chatwoot-token';
      const headers = await this.chatwootHeaders();
      if (!headers.ok) return headers;
      const response = await this.reach(owner, 'Chatwoot', {
        link: 'harness->chatwoot',
        method: 'GET',
        url: this.accountPath('/inboxes'),
        headers: headers.value,
      });
      if (!reached(response)) return response;
      const answer = classifyChatwootAuth(response);
      const parsed = ChatwootList(ChatwootInbox).safeParse(response.json);
      if (answer !== 'ok' || !parsed.success) {
        const reused = diagnoseProbe(response.exchange);
        return {
          ok: false as const,
          status: answer === 'other' || answer === 'html' ? ('error' as const) : ('fail' as const),
          owner,
          summary:
            answer === 'unknown-account'
              ? `account ${this.target.accountId} does not exist on this Chatwoot`
              : answer === 'not-member'
                ? `the token's user is not a member of account ${this.target.accountId}`
                : `GET inboxes of account ${this.target.accountId}: ${AUTH_ANSWER_TEXT[answer]}`,
          evidence: [`GET /api/v1/accounts/${this.target.accountId}/inboxes → ${brief(response)}`],
          ...(reused ? { remedy: reused.remedy, references: reused.references, rule: reused.rule } : {}),
          exchanges: [response.exchange],
        };
      }
      return { ok: true as const, value: parsed.data.payload, exchanges: [response.exchange] };
    });
  }

  /** GET /instance/fetchInstances with the global key: key check and the instance names. */
  evolutionInstances(): Promise<Fact<string[]>> {
    return this.once('evolutionInstances', async () => {
      const owner = 'auth/evolution-key';
      const root = await this.evolutionRoot();
      if (!root.ok) return root;
      const query = this.target.instance ? `?instanceName=${encodeURIComponent(this.target.instance)}` : '';
      const response = await this.reach(owner, 'Evolution', {
        link: 'harness->evolution',
        method: 'GET',
        url: this.evolutionUrl(`/instance/fetchInstances${query}`),
        headers: { apikey: this.target.evolutionKey },
      });
      if (!reached(response)) return response;
      if (response.status === 401 || response.status === 403) {
        const reused = diagnoseProbe(response.exchange);
        return {
          ok: false as const,
          status: 'fail' as const,
          owner,
          summary: `Evolution refused the API key (${response.status})`,
          evidence: [`GET /instance/fetchInstances → ${brief(response)}`],
          remedy: reused?.remedy ?? "Use Evolution's global AUTHENTICATION_API_KEY (an instance's token cannot list instances).",
          ...(reused ? { references: reused.references, rule: reused.rule } : {}),
          exchanges: [response.exchange],
        };
      }
      if (response.status === 404 && this.target.instance) {
        // fetchInstances with an unknown instanceName answers like the instance guard (evolution-api-1.7.md §2.2).
        return { ok: true as const, value: [], exchanges: [response.exchange] };
      }
      const parsed = FetchInstancesBody.safeParse(response.json);
      if (response.status !== 200 || !parsed.success) {
        return {
          ok: false as const,
          status: 'error' as const,
          owner,
          summary: `GET /instance/fetchInstances answered ${brief(response, 80)}`,
          evidence: [],
          exchanges: [response.exchange],
        };
      }
      const list: unknown[] = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
      const names = list.map((entry) => {
        const item = entry as { instance?: { instanceName: string }; name?: string };
        return item.instance?.instanceName ?? item.name ?? '';
      });
      return { ok: true as const, value: names, exchanges: [response.exchange] };
    });
  }

  /**
   * GET /chatwoot/find/{instance} with the global key, sent once per instance: the stored settings, or on 2.x the
   * CHATWOOT_ENABLED gate's 400 `["Chatwoot is disabled"]` (evolution-api-2.x.md §1.2; the guards answer first).
   */
  chatwootFind(instance: string, owner: string): Promise<Fact<ChatwootFind>> {
    return this.once(`chatwootFind:${instance}`, async () => {
      const root = await this.evolutionRoot();
      if (!root.ok) return root;
      const response = await this.reach(owner, 'Evolution', {
        link: 'harness->evolution',
        method: 'GET',
        url: this.evolutionUrl(`/chatwoot/find/${encodeURIComponent(instance)}`),
        headers: { apikey: this.target.evolutionKey },
      });
      if (!reached(response)) return response;
      const gate = ChatwootDisabledBody.safeParse(response.json);
      const message = gate.success ? gate.data.response.message.find((text) => /^Chatwoot is disabled$/.test(text)) : undefined;
      if (response.status === 400 && message)
        return { ok: true as const, value: { kind: 'disabled' as const, response, message }, exchanges: [response.exchange] };
      return { ok: true as const, value: { kind: 'settings' as const, response }, exchanges: [response.exchange] };
    });
  }

  /**
   * CHATWOOT_ENABLED of a 2.x Evolution, read through GET /chatwoot/find of --instance or else of the first instance
   * listed (a read; the variable itself is not visible from outside). Undefined on 1.7, which has no such switch.
   */
  chatwootEnabled(): Promise<Fact<{ generation: EvolutionGeneration; instance: string | undefined; enabled: boolean | undefined; answer: string }>> {
    return this.once('chatwootEnabled', async () => {
      const owner = 'instance/chatwoot-enabled';
      const root = await this.evolutionRoot();
      if (!root.ok) return root;
      const generation = root.value.generation ?? '1.7';
      if (!root.value.profile?.chatwootEnabledSwitch)
        return { ok: true as const, value: { generation, instance: undefined, enabled: undefined, answer: '' }, exchanges: [] };
      let instance = this.target.instance;
      if (!instance) {
        const names = await this.evolutionInstances();
        if (!names.ok) return names;
        instance = names.value[0];
        if (!instance) return { ok: true as const, value: { generation, instance: undefined, enabled: undefined, answer: '' }, exchanges: names.exchanges };
      }
      const find = await this.chatwootFind(instance, owner);
      if (!find.ok) return find;
      const { response } = find.value;
      const answer = brief(response, 140);
      if (find.value.kind === 'disabled') return { ok: true as const, value: { generation, instance, enabled: false, answer }, exchanges: find.exchanges };
      if (response.status === 200) return { ok: true as const, value: { generation, instance, enabled: true, answer }, exchanges: find.exchanges };
      if (response.status === 401 || response.status === 403) {
        return {
          ok: false as const,
          status: 'skip' as const,
          owner: 'auth/evolution-key',
          summary: `Evolution refused the API key (${response.status})`,
          evidence: [],
          exchanges: find.exchanges,
        };
      }
      if (response.status === 404 && this.target.instance) {
        return {
          ok: false as const,
          status: 'skip' as const,
          owner: 'instance/chatwoot-settings',
          summary: `Evolution has no instance "${instance}"`,
          evidence: [],
          exchanges: find.exchanges,
        };
      }
      return {
        ok: false as const,
        status: 'error' as const,
        owner,
        summary: `GET /chatwoot/find/${instance} answered ${brief(response, 80)}: neither settings nor the CHATWOOT_ENABLED gate`,
        evidence: [],
        exchanges: find.exchanges,
      };
    });
  }

  /** GET /chatwoot/find/{instance}: the instance's Chatwoot settings (evolution-api-1.7.md §2.5; camelCase on 2.x, §1.6). */
  instanceSettings(): Promise<Fact<InstanceSettings>> {
    return this.once('instanceSettings', async () => {
      const owner = 'instance/chatwoot-settings';
      const instance = this.target.instance;
      if (!instance) {
        const names = await this.evolutionInstances();
        const known = names.ok && names.value.length > 0 ? ` (instances on this Evolution: ${names.value.join(', ')})` : '';
        return { ok: false as const, status: 'skip' as const, owner, summary: `no --instance given${known}`, evidence: [], exchanges: [] };
      }
      const root = await this.evolutionRoot();
      if (!root.ok) return root;
      const find = await this.chatwootFind(instance, owner);
      if (!find.ok) return find;
      const { response } = find.value;
      if (find.value.kind === 'disabled') {
        return {
          ok: false as const,
          status: 'skip' as const,
          owner: 'instance/chatwoot-enabled',
          summary: 'CHATWOOT_ENABLED is off: Evolution ignores the stored settings',
          evidence: [],
          exchanges: [response.exchange],
        };
      }
      if (response.status === 404) {
        const names = await this.evolutionInstances();
        const list = names.ok ? ` Instances here: ${names.value.length > 0 ? names.value.join(', ') : 'none'}.` : '';
        return {
          ok: false as const,
          status: 'fail' as const,
          owner,
          summary: `Evolution has no instance "${instance}"`,
          evidence: [`GET /chatwoot/find/${instance} → ${brief(response)}`],
          remedy: `Check --instance (the instance name, case-sensitive).${list}`,
          exchanges: [response.exchange],
        };
      }
      if (response.status === 401 || response.status === 403) {
        return {
          ok: false as const,
          status: 'skip' as const,
          owner: 'auth/evolution-key',
          summary: `Evolution refused the API key (${response.status})`,
          evidence: [],
          exchanges: [response.exchange],
        };
      }
      const parsed = settingsOf(root.value.profile?.apiStyle ?? 'snake_case', response.json ?? {});
      if (response.status !== 200 || !parsed) {
        return {
          ok: false as const,
          status: 'error' as const,
          owner,
          summary: `GET /chatwoot/find/${instance} answered ${brief(response, 80)}`,
          evidence: [],
          exchanges: [response.exchange],
        };
      }
      if (parsed.token) this.redactor.add(parsed.token);
      return { ok: true as const, value: { ...parsed, raw: response.json }, exchanges: [response.exchange] };
    });
  }

  /** The instance's inbox in Chatwoot, matched by name as Evolution does (evolution-api-1.7.md §3.0). */
  instanceInbox(): Promise<Fact<ChatwootInbox>> {
    return this.once('instanceInbox', async () => {
      const owner = 'instance/webhook-url';
      const settings = await this.instanceSettings();
      if (!settings.ok) return settings;
      const inboxes = await this.accountInboxes();
      if (!inboxes.ok) return inboxes;
      const name = settings.value.name_inbox || this.target.instance || '';
      const inbox = inboxes.value.find((candidate) => candidate.name === name);
      if (!inbox) {
        return {
          ok: false as const,
          status: 'fail' as const,
          owner,
          summary: `no inbox named "${name}" in Chatwoot account ${this.target.accountId}`,
          evidence: [`inboxes: ${inboxes.value.map((candidate) => candidate.name).join(', ') || 'none'}`],
          remedy: `Evolution finds its inbox by name: create it again with POST /chatwoot/set/<instance> (${(await this.evolutionRoot().then((root) => root.ok && root.value.profile?.apiStyle === 'camelCase')) ? 'autoCreate' : 'auto_create'}: true), or rename the inbox back to name_inbox.`,
          references: ['evolution#134'],
          exchanges: inboxes.exchanges,
        };
      }
      return { ok: true as const, value: inbox, exchanges: inboxes.exchanges };
    });
  }

  /**
   * The bot contact (+123456) and its open conversation in the instance's inbox, found with the
   * requests Evolution itself makes; both are reads.
   */
  botConversation(): Promise<Fact<BotConversation>> {
    return this.once('botConversation', async () => {
      const owner = 'instance/bot-conversation';
      const inbox = await this.instanceInbox();
      if (!inbox.ok) return inbox;
      const headers = await this.chatwootHeaders();
      if (!headers.ok) return headers;
      const contacts = await this.reach(owner, 'Chatwoot', {
        link: 'harness->chatwoot',
        method: 'POST',
        url: this.accountPath('/contacts/filter'),
        headers: headers.value,
        json: { payload: [{ attribute_key: 'phone_number', filter_operator: 'equal_to', values: [BOT_CONTACT_PHONE], query_operator: null }] },
        readOnly: 'contacts/filter runs a SELECT and renders it; Evolution sends it on every bot message',
      });
      if (!reached(contacts)) return contacts;
      const parsedContacts = ChatwootList(ChatwootContact).safeParse(contacts.json);
      if (contacts.status !== 200 || !parsedContacts.success) {
        return {
          ok: false as const,
          status: contacts.status >= 500 ? ('error' as const) : ('fail' as const),
          owner,
          summary: `the bot contact lookup (contacts/filter) answered ${brief(contacts, 120)}`,
          evidence: [],
          exchanges: [contacts.exchange],
        };
      }
      const contact = parsedContacts.data.payload.find((candidate) => candidate.phone_number === `+${BOT_CONTACT_PHONE}`) ?? parsedContacts.data.payload[0];
      if (!contact) {
        return {
          ok: false as const,
          status: 'warn' as const,
          owner,
          summary: `no bot contact +${BOT_CONTACT_PHONE} in account ${this.target.accountId}`,
          evidence: [],
          remedy:
            'Evolution creates it when the instance is created with Chatwoot (auto_create); recreate the Chatwoot settings with POST /chatwoot/set/<instance>.',
          exchanges: [contacts.exchange],
        };
      }
      const conversations = await this.reach(owner, 'Chatwoot', {
        link: 'harness->chatwoot',
        method: 'GET',
        url: this.accountPath(`/contacts/${contact.id}/conversations`),
        headers: headers.value,
      });
      if (!reached(conversations)) return conversations;
      const parsed = ChatwootList(ChatwootConversation).safeParse(conversations.json);
      if (conversations.status !== 200 || !parsed.success) {
        return {
          ok: false as const,
          status: 'error' as const,
          owner,
          summary: `GET contacts/${contact.id}/conversations answered ${brief(conversations, 120)}`,
          evidence: [],
          exchanges: [contacts.exchange, conversations.exchange],
        };
      }
      const open = parsed.data.payload.find((conversation) => conversation.inbox_id === inbox.value.id && conversation.status === 'open');
      return {
        ok: true as const,
        value: { contactId: contact.id, displayId: open?.id, inboxId: inbox.value.id },
        exchanges: [contacts.exchange, conversations.exchange],
      };
    });
  }

  /** Sends a probe; a transport failure becomes a failed fact with status `error` (exit 3). */
  async reach(owner: string, service: string, probe: Parameters<ProbeClient['send']>[0]): Promise<ProbeResponse | Extract<Fact<never>, { ok: false }>> {
    try {
      return await this.client.send(probe);
    } catch (error) {
      if (!(error instanceof ProbeUnreachableError)) throw error;
      return {
        ok: false,
        status: 'error',
        owner,
        summary: `cannot reach ${service}: ${error.message}`,
        evidence: [],
        remedy: `Check that ${service} runs and that this machine can reach ${new URL(probe.url).origin} (URL, port, firewall, VPN).`,
        exchanges: [error.exchange],
      };
    }
  }
}
