import { Worker } from 'node:worker_threads';
import type { LogSink } from '../../common/log-sink.ts';
import { ErrorCodes, InfrastructureError } from '../../errors/index.ts';
import type { StartedTwin, TwinRole } from '../../model/twin-types.ts';
import { serviceHostBundle } from './service-host-bundle.ts';

export type HostRequest = { type: 'start'; id: number; role: TwinRole; env: Record<string, string | undefined>; port: number } | { type: 'close'; id: number };

export type HostReply =
  | { type: 'started'; id: number; url: string; port: number; version: string | undefined }
  | { type: 'failed'; id: number; name: string; message: string; code: string | undefined }
  | { type: 'log'; id: number; line: string }
  | { type: 'closed'; id: number };

/** Where twins run: a worker thread (a "service host") or this thread. Both give the same StartedTwin. */
export interface ServiceHost {
  name: string;
  start(role: TwinRole, options: { env: Record<string, string | undefined>; log: LogSink }): Promise<StartedTwin>;
  close(): Promise<void>;
}

/** Starts a worker-thread service host; every twin started through it lives and dies with it. */
export async function createWorkerServiceHost(name: string): Promise<ServiceHost> {
  const worker = new Worker(await serviceHostBundle(), { name: `evochat-sim-${name}` });
  let nextId = 1;
  const pending = new Map<number, { resolve: (reply: HostReply) => void; reject: (error: Error) => void }>();
  const logs = new Map<number, LogSink>();
  let exited: Error | undefined;

  worker.on('message', (reply: HostReply) => {
    if (reply.type === 'log') {
      logs.get(reply.id)?.write(reply.line);
      return;
    }
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    waiter?.resolve(reply);
  });
  const failAll = (error: Error) => {
    exited = error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('error', (error) =>
    failAll(new InfrastructureError(ErrorCodes.serviceStart, `sim service host ${name} crashed: ${error.message}`, { cause: error })),
  );
  worker.on('exit', (code) => failAll(new InfrastructureError(ErrorCodes.serviceStart, `sim service host ${name} exited (code ${code})`)));

  const call = (request: HostRequest) =>
    new Promise<HostReply>((resolve, reject) => {
      if (exited) return reject(exited);
      pending.set(request.id, { resolve, reject });
      worker.postMessage(request);
    });

  let closing: Promise<void> | undefined;
  return {
    name,
    async start(role, options) {
      const id = nextId++;
      logs.set(id, options.log);
      const reply = await call({ type: 'start', id, role, env: options.env, port: 0 });
      if (reply.type === 'failed') {
        logs.delete(id);
        throw new InfrastructureError(ErrorCodes.serviceStart, `${role} twin did not start: ${reply.message}`, {
          details: { name: reply.name, code: reply.code },
        });
      }
      if (reply.type !== 'started') throw new InfrastructureError(ErrorCodes.internal, `unexpected reply ${reply.type} from service host ${name}`);
      let stopping: Promise<void> | undefined;
      return {
        role,
        version: reply.version,
        url: reply.url,
        port: reply.port,
        close() {
          stopping ??= call({ type: 'close', id }).then(
            () => undefined,
            () => undefined,
          );
          return stopping;
        },
      };
    },
    close() {
      closing ??= worker.terminate().then(() => undefined);
      return closing;
    },
  };
}

/** Runs twins in this thread (the simplest host: debugging, or a one-core machine). */
export function createInProcessServiceHost(): ServiceHost {
  return {
    name: 'in-process',
    async start(role, options) {
      const { startTwin } = await import('../../twins/start-twin.ts');
      return startTwin(role, { env: options.env, port: 0, log: options.log });
    },
    close: () => Promise.resolve(),
  };
}
