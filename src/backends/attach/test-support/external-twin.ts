/**
 * Test-only: a Chatwoot twin started the way a user starts one (`npm run twin -- chatwoot …`, a child process on its own
 * port), standing in for "your staging server", and what a test asks of it afterwards: does any account or user exist.
 */
import { request } from 'undici';
import { reserveClosedPort } from '../../../common/closed-port.ts';
import { killLeftover, startCli, type CliProcess } from '../../../cli/test-support/cli-process.ts';

export interface ExternalTwin {
  url: string;
  token: string;
  cli: CliProcess;
  /** Ids (1…upTo) of accounts and users that still exist on it, as its Platform API says. */
  leftovers(upTo: number): Promise<{ accounts: number[]; users: number[] }>;
  stop(): Promise<void>;
}

export async function startExternalChatwootTwin(input: { version: string; token?: string; env?: Record<string, string> }): Promise<ExternalTwin> {
  const token = input.token ?? `platform-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const port = await reserveClosedPort();
  const url = `http://127.0.0.1:${port}`;
  const cli = startCli('tsx', ['twin', 'chatwoot', '--version', input.version, '--port', String(port)], {
    TWIN_PLATFORM_TOKEN: token,
    // data_url and every generated URL point where the harness reaches the server, as a well-configured staging server's do.
    FRONTEND_URL: url,
    ...input.env,
  });
  try {
    await cli.waitForStdout(/^http:\/\/127\.0\.0\.1:\d+$/m, 60_000);
  } catch (error) {
    killLeftover(cli);
    throw error;
  }
  const exists = async (path: string) =>
    (await request(`${url}${path}`, { headers: { api_access_token: token } }).then(async (response) => {
      await response.body.text();
      return response.statusCode;
    })) === 200;
  return {
    url,
    token,
    cli,
    async leftovers(upTo) {
      const accounts: number[] = [];
      const users: number[] = [];
      for (let id = 1; id <= upTo; id++) {
        if (await exists(`/platform/api/v1/accounts/${id}`)) accounts.push(id);
        if (await exists(`/platform/api/v1/users/${id}`)) users.push(id);
      }
      return { accounts, users };
    },
    async stop() {
      cli.signal('SIGTERM');
      await cli.exit;
      killLeftover(cli);
    },
  };
}

export interface ExternalEvolutionTwin {
  url: string;
  key: string;
  cli: CliProcess;
  /** Names of the instances that exist on it (test-only: it reads them all). */
  instances(): Promise<string[]>;
  stop(): Promise<void>;
}

/** An Evolution twin started as a user starts one (`npm run twin -- evolution …`), its SERVER_URL its own address. */
export async function startExternalEvolutionTwin(input: { version: string; env?: Record<string, string> }): Promise<ExternalEvolutionTwin> {
  const key = `evokey-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const port = await reserveClosedPort();
  const url = `http://127.0.0.1:${port}`;
  const cli = startCli('tsx', ['twin', 'evolution', '--version', input.version, '--port', String(port)], {
    SERVER_URL: url,
    AUTHENTICATION_TYPE: 'apikey',
    AUTHENTICATION_API_KEY: key,
    TWIN_QR_REFRESH_MS: '1000',
    ...input.env,
  });
  try {
    await cli.waitForStdout(/^http:\/\/127\.0\.0\.1:\d+$/m, 60_000);
  } catch (error) {
    killLeftover(cli);
    throw error;
  }
  return {
    url,
    key,
    cli,
    async instances() {
      const response = await request(`${url}/instance/fetchInstances`, { headers: { apikey: key } });
      const body = (await response.body.json()) as { instance?: { instanceName?: string }; name?: string }[];
      return body.map((entry) => entry.instance?.instanceName ?? entry.name ?? '?');
    },
    async stop() {
      cli.signal('SIGTERM');
      await cli.exit;
      killLeftover(cli);
    },
  };
}
