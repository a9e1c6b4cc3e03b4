import type { BackendName, ChatwootVersion, EvolutionVersion, Storage } from '../model/axes.ts';
import type { Capability } from '../model/capabilities.ts';

export interface ChatwootEndpoint {
  /** URL as the test process reaches it (through the recording proxy where there is one). */
  url: string;
  /** URL as Evolution reaches it (what goes into chatwoot_url). */
  urlFromEvolution: string;
  accountId: number;
  /** An administrator's user access token for accountId. Secret: never print it. */
  token: string;
  /** The account's locale, which decides the language of 422 filter errors. */
  locale: 'en' | 'pt_BR';
  /** This Chatwoot's DEFAULT_LOCALE (language of the devise 401), when the backend knows it. */
  defaultLocale?: string;
}

export interface EvolutionEndpoint {
  /** URL as the test process reaches it. */
  url: string;
  /** The global AUTHENTICATION_API_KEY. Secret. */
  apiKey: string;
  /** SERVER_URL exactly as configured (Evolution uses it verbatim for webhook_url). */
  serverUrl: string;
  version: EvolutionVersion;
}

export interface S3Endpoint {
  /** Endpoint as the test process reaches it. */
  endpoint: string;
  /** Endpoint as Chatwoot reaches it (STORAGE_ENDPOINT). */
  endpointFromChatwoot: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  /** Secret. */
  secretAccessKey: string;
  forcePathStyle: boolean;
}

/** Everything a scenario may use. Serialisable: it crosses into vitest workers. */
export interface CellStack {
  cellId: string;
  backend: BackendName;
  /** For the docker backend: which images provided the services. */
  images: 'upstream' | 'twin' | undefined;
  chatwootVersion: ChatwootVersion;
  evolutionVersion: EvolutionVersion;
  storage: Storage;
  capabilities: Capability[];
  chatwoot: ChatwootEndpoint;
  /** A second account on the same Chatwoot with locale pt_BR (for locale-dependent messages). */
  chatwootPtBr: ChatwootEndpoint | undefined;
  evolution: EvolutionEndpoint;
  /** Prefix for instance names this cell creates, so cells sharing an Evolution never collide. */
  instancePrefix: string;
  s3: S3Endpoint | undefined;
  /** Control API of the simulated WhatsApp (capability whatsappPeer). */
  whatsappControlUrl: string | undefined;
  /**
   * Every endpoint of this stack (harness proxies, twins) leaves idle connections open until the client closes them,
   * so the harness's clients may reuse connections (HttpClientOptions.keepAlive). Unset: one connection per call.
   */
  keepAlive?: boolean;
  /** Why a missing capability is missing on this stack, where the general reason would be wrong (an attached Evolution). */
  skipReasons?: Partial<Record<Capability, string>>;
  /** Read-back of this cell's recorded exchanges and logs (capability evidence). */
  evidenceUrl: string | undefined;
  /**
   * A recording proxy standing where Evolution stands (same host / network): `POST <url>/__evochat/probe {url}`
   * fetches a URL from there, e.g. a data_url "as Evolution would". Undefined where there is none.
   */
  evolutionSideProbeUrl?: string;
  /**
   * Stacks deliberately misconfigured for the configuration-fault suite, sharing this cell's
   * Chatwoot version and storage. Undefined where the backend cannot provide them.
   */
  faults: {
    /** Evolution whose SERVER_URL ends with '/', so webhook_url gets '//chatwoot/webhook/…'. */
    trailingSlashEvolution: EvolutionEndpoint | undefined;
    /** Evolution whose SERVER_URL points where Chatwoot cannot connect. */
    unreachableEvolution: EvolutionEndpoint | undefined;
    /** Chatwoot of this version on S3 storage behind a latency proxy, with the control to set the delay. */
    slowStorage:
      | {
          chatwoot: ChatwootEndpoint;
          s3: S3Endpoint;
          /** `PUT {"delayMs": n}` sets the latency (bounded); `GET` reads it. */
          latencyControlUrl: string;
          /** The latency the scenario should inject (matrix settings.storage.latencyMs); 6000 when absent. */
          latencyMs?: number;
        }
      | undefined;
    /**
     * A Chatwoot of this version started without SAFE_FETCH_ALLOW_PRIVATE_NETWORK (4.14.1+ only: on 4.14.0 the standard one
     * already refuses, before 4.14.0 nothing does), with this cell's account on it.
     */
    privateNetworkChatwoot?: ChatwootEndpoint;
    /**
     * Evolution 2.x's configuration faults (suite evolution-faults), each an Evolution of the cell's version sharing
     * its Chatwoot; undefined on 1.7 cells and where the backend cannot provide them.
     */
    evolution?: EvolutionFaults;
  };
}

/** An Evolution fault variant with its own simulated WhatsApp (whatsappPeer scenarios pair and message through it). */
export interface EvolutionFaultEndpoint {
  evolution: EvolutionEndpoint;
  /** Control API of this Evolution's simulated WhatsApp; undefined where there is none. */
  whatsappControlUrl: string | undefined;
}

/** The misconfigured Evolutions of evolution-faults (evolution-api-2.x.md §0.3, §1.2, §1.3, §2, §5.2). */
export interface EvolutionFaults {
  /** CHATWOOT_ENABLED left unset: the image's `.env` says false. */
  chatwootDisabled: EvolutionFaultEndpoint | undefined;
  /** CACHE_REDIS_ENABLED=true (the image default) with nothing listening at CACHE_REDIS_URI. */
  redisUnreachable: EvolutionFaultEndpoint | undefined;
  /** CHATWOOT_IMPORT_DATABASE_CONNECTION_URI left unset: the image's "available" placeholder at host `host`. */
  bakedImportUri: EvolutionFaultEndpoint | undefined;
  /** S3_ENABLED on an object store behind the latency proxy (Evolution's own media store). */
  slowMediaStore: (EvolutionFaultEndpoint & { latencyControlUrl: string; latencyMs: number; bucket: string; s3: S3Endpoint }) | undefined;
  /** An Evolution started with DATABASE_CONNECTION_URI pointing where no database listens: what its start did. */
  databaseUnreachable: ServiceStartOutcome | undefined;
}

/** What a service's start did, when the start itself is what a scenario checks (redacted). */
export interface ServiceStartOutcome {
  started: boolean;
  error: string | undefined;
  log: string[];
}
