/**
 * Test child: starts the Chatwoot, Evolution and S3 twins on free loopback ports (each makes its own temp
 * folder), prints `ready` and waits; on SIGTERM it closes them (which removes the folders) and exits 0.
 * Run with tsx; tests SIGKILL it to leave the folders behind as a killed run would.
 */
import { startTwin } from '../../twins/start-twin.ts';
import type { StartedTwin } from '../../model/twin-types.ts';

const silent = { write() {} };
const twins: StartedTwin[] = [];
for (const role of ['chatwoot', 'evolution', 's3']) {
  twins.push(
    await startTwin(role, {
      env: { TWIN_VERSION: role === 'chatwoot' ? '3.8.0' : role === 'evolution' ? '1.7.5' : undefined },
      port: 0,
      host: '127.0.0.1',
      log: silent,
    }),
  );
}
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void Promise.all(twins.map((twin) => twin.close())).then(() => process.exit(0));
});
setInterval(() => undefined, 1 << 30);
