/**
 * Entry of a sim service host (a worker thread): starts and stops twins on request from the main
 * thread and forwards their log lines. Twins then use another core than the proxies, the evidence hub
 * and vitest's main thread. Messages: see service-host.ts.
 */
import { parentPort } from 'node:worker_threads';
import { startTwin } from '../../twins/start-twin.ts';
import type { StartedTwin } from '../../model/twin-types.ts';
import type { HostReply, HostRequest } from './service-host.ts';

if (!parentPort) throw new Error('service-host-worker.ts must run in a worker thread');
const port = parentPort;
const twins = new Map<number, StartedTwin>();
const reply = (message: HostReply) => port.postMessage(message);

port.on('message', (request: HostRequest) => {
  void (async () => {
    if (request.type === 'start') {
      try {
        const twin = await startTwin(request.role, {
          env: request.env,
          port: request.port,
          host: '127.0.0.1',
          log: { write: (line) => reply({ type: 'log', id: request.id, line }) },
        });
        twins.set(request.id, twin);
        reply({ type: 'started', id: request.id, url: twin.url, port: twin.port, version: twin.version });
      } catch (error) {
        const failure = error as { name?: string; message?: string; code?: string };
        reply({ type: 'failed', id: request.id, name: failure.name ?? 'Error', message: failure.message ?? String(error), code: failure.code });
      }
    } else if (request.type === 'close') {
      const twin = twins.get(request.id);
      twins.delete(request.id);
      try {
        await twin?.close();
      } finally {
        reply({ type: 'closed', id: request.id });
      }
    }
  })();
});
