import { z } from 'zod';
import type { AttachTarget } from '../backends/attach/attach-target.ts';
import { ProbeUnreachableError, type ProbeClient, type ProbeResponse } from '../backends/attach/probe-client.ts';
import type { Redactor } from '../common/redact.ts';
import { ChatwootApiRoot, ChatwootContact, ChatwootConversation, ChatwootInbox, ChatwootList, ChatwootProfile } from '../clients/chatwoot-schemas.ts';
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS, type ChatwootVersion, type EvolutionVersion } from '../model/axes.ts';
import { BOT_CONTACT_PHONE } from '../model/bot-contact.ts';
import type { Exchange } from '../model/result-schema.ts';
import { AUTH_ANSWER_TEXT, brief, classifyChatwootAuth, type ChatwootAuthAnswer } from './chatwoot-answers.ts';
import type { Fact } from './fact.ts';
import { diagnoseProbe } from './reuse-diagnosis.ts';

const EvolutionRootBody = z.object({ version: z.string(), message: z.string().optional() });
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
}

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
      const response = await this.reach(owner, 'Evolution', { link: 'harness->evolution', method: 'GET', url: this.evolutionUrl('/') });
      if (!reached(response)) return response;
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
      return {
        ok: true as const,
        value: { version: parsed.data.version, known: knownVersion(EVOLUTION_VERSIONS, parsed.data.version) },
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
      const list = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
      return { ok: true as const, value: list.map((entry) => entry.instance.instanceName), exchanges: [response.exchange] };
    });
  }

  /** GET /chatwoot/find/{instance}: the instance's Chatwoot settings (evolution-api-1.7.md §2.5). */
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
      const response = await this.reach(owner, 'Evolution', {
        link: 'harness->evolution',
        method: 'GET',
        url: this.evolutionUrl(`/chatwoot/find/${encodeURIComponent(instance)}`),
        headers: { apikey: this.target.evolutionKey },
      });
      if (!reached(response)) return response;
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
      const parsed = ChatwootSettingsBody.safeParse(response.json ?? {});
      if (response.status !== 200 || !parsed.success) {
        return {
          ok: false as const,
          status: 'error' as const,
          owner,
          summary: `GET /chatwoot/find/${instance} answered ${brief(response, 80)}`,
          evidence: [],
          exchanges: [response.exchange],
        };
      }
      if (parsed.data.token) this.redactor.add(parsed.data.token);
      return { ok: true as const, value: { ...parsed.data, raw: response.json }, exchanges: [response.exchange] };
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
      const name = settings.value.name_inbox ?? this.target.instance ?? '';
      const inbox = inboxes.value.find((candidate) => candidate.name === name);
      if (!inbox) {
        return {
          ok: false as const,
          status: 'fail' as const,
          owner,
          summary: `no inbox named "${name}" in Chatwoot account ${this.target.accountId}`,
          evidence: [`inboxes: ${inboxes.value.map((candidate) => candidate.name).join(', ') || 'none'}`],
          remedy:
            'Evolution finds its inbox by name: create it again with POST /chatwoot/set/<instance> (auto_create: true), or rename the inbox back to name_inbox.',
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
