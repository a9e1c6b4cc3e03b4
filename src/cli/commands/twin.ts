import { isListenFailure, listenError } from '../../common/listen-error.ts';
import { startTwin } from '../../twins/start-twin.ts';
import { parseCommandOptions } from '../options/option-fields.ts';
import { TwinOptions, type TwinOptionsInput } from '../options/twin-options.ts';
import { installStopSignals, untilStopped } from '../signals.ts';

/**
 * `twin <role>`: starts one twin with the upstream env vars of the current process, prints its URL
 * once it answers, and stops cleanly on SIGINT/SIGTERM. Other tools call this interface: keep it.
 */
export async function twinCommand(given: TwinOptionsInput): Promise<number> {
  const { role, version, port, host } = parseCommandOptions('twin', TwinOptions, given);
  const env: Record<string, string | undefined> = { ...process.env };
  if (version !== undefined) env.TWIN_VERSION = version;
  // Listening before the URL is printed: whoever waits for that line may stop the twin at once. A copy of the
  // signal (npm relays it) is not taken as "force" (signals.ts).
  const stop = installStopSignals({ action: `stopping the ${role} twin`, stderr: process.stderr });
  // Twins that bind through listenOn already say which port is busy; this catches any that listen themselves.
  const twin = await startTwin(role, { env, port, host }).catch((error: unknown) => {
    stop.dispose();
    throw isListenFailure(error) ? listenError(error, host, port) : error;
  });
  // The URL goes to stdout for scripts; on a terminal that is where a person reads it too, so stderr does not repeat it.
  const where = process.stdout.isTTY === true ? ' (Ctrl-C stops it):' : ` on ${twin.url}`;
  process.stderr.write(`${role} twin${twin.version ? ` ${twin.version}` : ''} listening${where}\n`);
  process.stdout.write(`${twin.url}\n`);
  await untilStopped(stop);
  await twin.close();
  return 0;
}
