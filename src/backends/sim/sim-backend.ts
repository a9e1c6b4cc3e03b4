import { mkdir } from 'node:fs/promises';
import { ErrorCodes, HarnessError, InfrastructureError } from '../../errors/index.ts';
import { EvidenceHub, serveEvidenceHub, type LogSource } from '../../evidence/evidence-hub.ts';
import type { RunPlan } from '../../matrix/plan-types.ts';
import type { Backend, BackendStartOptions, StartedEnvironment } from '../backend.ts';
import { createInProcessServiceHost, createWorkerServiceHost } from './service-host.ts';
import { hostsNeeded, SimEnvironment, timed } from './sim-environment.ts';
import { bootstrapChatwoot, startService } from './sim-services.ts';
import { buildStack } from './sim-stacks.ts';
import { startInDependencyOrder } from './start-in-order.ts';
import { attachedEvolutionPreflight, attachPreflight, PREFLIGHT_MARK } from '../attach/attach-preflight.ts';
import { bindAddressFor, type AttachSession } from '../attach/attach-session.ts';

function checkAborted(options: BackendStartOptions): void {
  if (options.signal?.aborted) throw new InfrastructureError(ErrorCodes.interrupted, 'interrupted while starting the sim backend');
}

/**
 * The sim backend: every planned service runs in this process on a loopback port, as a twin, with a
 * recording proxy on each link (Evolution → Chatwoot, Chatwoot → Evolution, Chatwoot → storage) and a
 * log capture per service. Cells get their own Chatwoot account and instance prefix on shared services.
 */
export interface SimBackendOptions {
  /**
   * `threads` (default): twins run in worker threads (see HOST_NAMES), so they use other cores than
   * the proxies, the evidence hub and vitest. `in-process`: everything in this thread.
   */
  serviceHosts?: 'threads' | 'in-process';
  /**
   * The attach backend (issue 20): the plan's standard Chatwoot is this running server. The session's ledger records every
   * account and user the run creates there; a preflight proves both directions before any account of a cell is made.
   */
  attached?: AttachSession;
}

export function createSimBackend(backendOptions: SimBackendOptions = {}): Backend {
  return {
    name: backendOptions.attached ? 'attach' : 'sim',
    async start(plan: RunPlan, options: BackendStartOptions): Promise<StartedEnvironment> {
      // The AWS SDK (used by the S3 stand-in's clients) warns once per thread that its 2027 releases will
      // need Node 22; on Node 20 that is noise in every run's output. An explicit setting wins.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const attached = backendOptions.attached;
      const env = new SimEnvironment(plan, options, attached);
      const progress = (phase: string, message: string) => options.onProgress?.({ phase, message });
      let preflightAccountPath: string | undefined;
      try {
        await mkdir(options.artifactsDir, { recursive: true });
        if (attached) {
          attached.startLedger(options.artifactsDir, options.runId);
          // Added first, so it runs last: whatever the closers before it did not delete, the ledger does.
          env.resources.add('attached ledger', async () => void (await attached.cleanup()));
          env.bindHost = await bindAddressFor(attached.chatwoot.advertiseHost);
        }
        await timed(env, 'hosts', async () => {
          const names = hostsNeeded(plan);
          const hosts =
            backendOptions.serviceHosts === 'in-process'
              ? names.map(() => createInProcessServiceHost())
              : await Promise.all(names.map((name) => createWorkerServiceHost(name)));
          names.forEach((name, index) => {
            const host = hosts[index]!;
            env.hosts.set(name, host);
            env.resources.add(`service host ${name}`, () => host.close());
          });
        });
        await timed(env, 'start', () =>
          startInDependencyOrder(plan.services, options.jobs, async (service) => {
            checkAborted(options);
            try {
              await startService(env, service);
            } catch (error) {
              if (error instanceof HarnessError) throw error;
              throw new InfrastructureError(
                ErrorCodes.serviceStart,
                `could not start ${service.id}: ${error instanceof Error ? error.message : String(error)}`,
                { cause: error },
              );
            }
            progress('start', `${service.id} up`);
          }),
        );
        checkAborted(options);
        if (attached) {
          await timed(env, 'preflight', async () => {
            const chatwoot = [...env.chatwoots.values()][0];
            const evolution = [...env.evolutions.values()].find((runtime) => runtime.service.variant === 'standard');
            if (!chatwoot || !evolution) throw new InfrastructureError(ErrorCodes.internal, 'the attach plan has no standard Chatwoot or Evolution');
            const advertised = attached.chatwoot.advertiseHost;
            const outcome = attached.evolution
              ? await attachedEvolutionPreflight({
                  session: attached,
                  chatwootFromEvolution: advertised ? `http://${advertised}:${chatwoot.front.port}` : chatwoot.front.url,
                  chatwootRecorded: (filter) => chatwoot.front.recorded(filter),
                  evolutionUrl: evolution.front.url,
                  runId: options.runId,
                })
              : await attachPreflight({
                  session: attached,
                  chatwootFromEvolution: chatwoot.front.url,
                  evolution: { frontUrl: evolution.front.url, serverUrl: evolution.serverUrl, recorded: (filter) => evolution.front.recorded(filter) },
                  runId: options.runId,
                });
            // What the cells check webhook_url against is the attached Evolution's own SERVER_URL.
            if (outcome.serverUrl) for (const runtime of env.evolutions.values()) runtime.serverUrl = outcome.serverUrl;
            if (outcome.accountId !== undefined) preflightAccountPath = `/accounts/${outcome.accountId}/`;
            progress('preflight', `Evolution → Chatwoot ${outcome.evolutionToChatwootMs} ms, Chatwoot → Evolution webhook ${outcome.chatwootToEvolutionMs} ms`);
          });
          checkAborted(options);
        }
        await timed(env, 'bootstrap', () =>
          startInDependencyOrder(
            [...env.chatwoots.values()].map((runtime) => ({ id: runtime.service.id, dependsOn: [], runtime })),
            options.jobs,
            async ({ runtime }) => {
              await bootstrapChatwoot(env, runtime, options.runId);
              progress('bootstrap', `${runtime.service.id}: ${runtime.accounts.size} cell account(s)${runtime.ptBr ? ' + pt_BR' : ''}`);
            },
          ),
        );
        checkAborted(options);
        await timed(env, 'evidence', async () => {
          const markers = new Map<string, string[]>();
          for (const cell of plan.cells) markers.set(cell.id, [env.instancePrefix(cell)]);
          for (const runtime of env.chatwoots.values()) {
            for (const [accountId, cells] of runtime.accountCells) for (const cellId of cells) markers.get(cellId)?.push(`/accounts/${accountId}/`);
          }
          const logSources: LogSource[] = [...env.captures.values()].map(({ capture, cells }) => ({
            service: capture.service,
            cells,
            entries: (filter) => capture.entries(filter),
          }));
          env.hub = new EvidenceHub({
            exchangeSources: env.proxies.map((proxy, index) => ({
              name: `${proxy.link}#${index}`,
              // The attach preflight's webhooks are the run's, not any cell's.
              list: (filter) =>
                attached
                  ? proxy
                      .recorded(filter)
                      .filter(
                        ({ exchange }) =>
                          !exchange.request.url.includes(PREFLIGHT_MARK) &&
                          !exchange.request.body.includes(PREFLIGHT_MARK) &&
                          (preflightAccountPath === undefined || !exchange.request.url.includes(preflightAccountPath)),
                      )
                  : proxy.recorded(filter),
            })),
            logSources,
            redactor: env.redactor,
            logMarkers: markers,
          });
          const served = await serveEvidenceHub(env.hub);
          env.resources.add('evidence hub', () => served.close());
          for (const cell of plan.cells) env.stacks.set(cell.id, buildStack(env, cell, served.cellUrl(cell.id)));
        });
        return env;
      } catch (error) {
        await env.stop();
        throw error;
      }
    },
  };
}
