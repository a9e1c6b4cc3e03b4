import type { Context } from 'hono';
import type { ChatwootTwinConfig } from './chatwoot-config.ts';
import type { RailsLogger } from './http/rails-log.ts';
import type { Params } from './http/request-params.ts';
import type { TwinState } from './twin-state.ts';
import type { EventBus } from './webhooks/event-bus.ts';
import type { AttachmentStore } from './storage/attachment-store.ts';
import type { BlobSigner } from './storage/blob-signer.ts';
import type { PresentContext } from './presenters/present-context.ts';

export interface TwinRandom {
  /** has_secure_token-like: 24 base58 characters. */
  token(): string;
  uuid(): string;
}

/** What every route needs; one per started twin. */
export interface TwinDeps {
  config: ChatwootTwinConfig;
  state: TwinState;
  now: () => number;
  log: RailsLogger;
  events: EventBus;
  storage: AttachmentStore;
  signer: BlobSigner;
  /** What serializers need (state, FRONTEND_URL, signer). */
  present: PresentContext;
  random: TwinRandom;
}

export type TwinEnv = {
  Variables: {
    /** Rails' params: query merged with the parsed body (body wins). */
    params: Params;
    requestId: string;
    ip: string;
    /** Answered by rack-attack: the request never reached Rails (no "Completed" line). */
    throttled: boolean;
  };
};

export type TwinContext = Context<TwinEnv>;
