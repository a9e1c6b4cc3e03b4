/**
 * The one exit point of the CLI: commands are exported functions returning an exit code; every
 * error ends here and is printed once, with its stable code, and mapped to an exit code.
 */
import { cac, type Command } from 'cac';
import { ExitCodes, UsageError, toHarnessError } from '../errors/index.ts';
import { debugWanted, formatError } from '../errors/format-error.ts';
import { createRedactor } from '../common/redact.ts';
import { CHATWOOT_VERSIONS, EVOLUTION_VERSIONS } from '../model/axes.ts';
import { checkCommandLine, joinNegativeValues, type CommandLineRules } from './command-line.ts';
import { REFUSED_CREDENTIAL_FLAGS } from './options/attach-options.ts';
import type { CanIUpgradeOptionsInput } from './options/can-i-upgrade-options.ts';
import type { CleanOptionsInput } from './options/clean-options.ts';
import type { DoctorOptionsInput } from './options/doctor-options.ts';
import type { DriftOptionsInput } from './options/drift-options.ts';
import type { ListOptionsInput } from './options/list-options.ts';
import type { MergeOptionsInput } from './options/merge-options.ts';
import type { ReportOptionsInput } from './options/report-options.ts';
import type { ReproOptionsInput } from './options/repro-options.ts';
import type { RunOptionsInput } from './options/run-options.ts';
import type { TwinOptionsInput } from './options/twin-options.ts';

type CommandRunner = () => Promise<number>;

/** The attach flags of run, repro and can-i-upgrade (options/attach-options.ts); credentials never among them. */
function withAttachOptions(command: Command): Command {
  return command
    .option('--chatwoot-url <url>', 'Run against this running Chatwoot (PlatformApp token in EVOCHAT_CHATWOOT_PLATFORM_TOKEN or --config)')
    .option('--as-version <version>', 'With --chatwoot-url: the profile a fork or unknown release runs as')
    .option('--advertise-host <host>', 'With --chatwoot-url: the address of this machine the attached servers call back (webhooks)')
    .option('--evolution-url <url>', 'With --chatwoot-url: also attach this running Evolution (global key in EVOCHAT_EVOLUTION_KEY or --config)')
    .option('--config <file>', 'With --chatwoot-url: JSON/YAML file with platformToken and evolutionKey (keep it private)');
}

/**
 * cac types an action's options as `any`; once checkCommandLine has replaced its coercions they are each command's
 * options input (strings as typed, lists, booleans), which the command parses once (options/).
 */
export function buildCli(onAction: (run: CommandRunner) => void) {
  const cli = cac('evochat-matrix');

  cli
    .command('twin <role>', 'Start a twin (chatwoot | evolution | s3 | proxy) by hand; stops on SIGINT/SIGTERM')
    .option('--version <version>', `Version profile: chatwoot ${CHATWOOT_VERSIONS.join('|')}, evolution ${EVOLUTION_VERSIONS.join('|')}`)
    .option('--port <port>', 'Port to listen on (default: the upstream default, 3000 / 8080)')
    .option('--host <host>', 'Interface to bind', { default: '127.0.0.1' })
    .action((role: string, options: Omit<TwinOptionsInput, 'role'>) =>
      onAction(async () => (await import('./commands/twin.ts')).twinCommand({ ...options, role })),
    );

  const run = cli
    .command('run', 'Run the matrix (all cells of matrix.json, or a filtered subset)')
    .option('--matrix <file>', 'Matrix file', { default: 'matrix.json' })
    .option('--backend <backend>', 'auto | sim | docker', { default: 'auto' })
    .option('--images <kind>', 'docker backend: upstream | twin', { default: 'upstream' })
    .option('--chatwoot <versions>', 'Only these Chatwoot versions (comma-separated)')
    .option('--evolution <versions>', 'Only these Evolution versions (comma-separated)')
    .option('--storage <kinds>', 'Only these storages: local,minio')
    .option('--suite <ids>', 'Only these suites (comma-separated)')
    .option('--jobs <n>', 'How many cells / stacks at once')
    .option('--out <dir>', 'Where result.json and the reports go', { default: 'out' })
    .option('--compare <file>', 'A previous result.json: mark cells whose verdict changed')
    .option('--shard <i/n>', 'Run only shard i of n (cells sharing a Chatwoot stay together); merge puts the shards together')
    .option('--shard-times <file>', 'A previous result.json whose cell durations the shard split uses as costs')
    .option('--no-progress', 'No live progress display');
  withAttachOptions(run).action((options: RunOptionsInput) => onAction(async () => (await import('./commands/run.ts')).runCommand(options)));

  cli
    .command('list', 'List the cells and suites matrix.json selects')
    .option('--matrix <file>', 'Matrix file', { default: 'matrix.json' })
    .option('--chatwoot <versions>', 'Only these Chatwoot versions (comma-separated)')
    .option('--evolution <versions>', 'Only these Evolution versions (comma-separated)')
    .option('--storage <kinds>', 'Only these storages: local,minio')
    .option('--suite <ids>', 'Only these suites (comma-separated)')
    .option('--shard <i/n>', 'Show the split into n shards, and the cells of shard i')
    .option('--shard-times <file>', 'A previous result.json whose cell durations the shard split uses as costs')
    .option('--json', 'Machine-readable output')
    .action((options: ListOptionsInput) => onAction(async () => (await import('./commands/list.ts')).listCommand(options)));

  cli
    .command('merge [...inputs]', 'Merge shard results (run --shard i/n) into one result with every report')
    .option('--out <dir>', 'Where result.json and the reports go', { default: 'out' })
    .option('--matrix <file>', 'Matrix file the shards ran (default: the one they recorded)')
    .option('--compare <file>', 'A previous result.json: mark cells whose verdict changed')
    .action((inputs: string[], options: Omit<MergeOptionsInput, 'inputs'>) =>
      onAction(async () => (await import('./commands/merge.ts')).mergeCommand({ ...options, inputs })),
    );

  cli
    .command('report [result]', 'Render an earlier result.json again, or (--history DIR) the compatibility table of past results')
    .option('--format <formats>', 'terminal,junit,markdown,html,json', { default: 'terminal' })
    .option('--out <dir>', 'Where files go (junit/markdown/html)')
    .option('--compare <file>', 'A previous result.json to compare with')
    .option('--history <dir>', 'A folder of past (merged) results: write compatibility.md and compatibility.html')
    .action((result: string | undefined, options: Omit<ReportOptionsInput, 'result'>) =>
      onAction(async () => (await import('./commands/report.ts')).reportCommand({ ...options, ...(result !== undefined ? { result } : {}) })),
    );

  const canIUpgrade = cli
    .command('can-i-upgrade', 'Answer: does the target pair work, and what is the smallest change that makes it work')
    .option('--chatwoot <version>', 'Current Chatwoot version')
    .option('--evolution <version>', 'Current Evolution version')
    .option('--storage <kind>', 'local | minio', { default: 'local' })
    .option('--to <targets>', 'e.g. chatwoot@3.8.0 or chatwoot@3.8.0,evolution@1.7.5')
    .option('--from-result <file>', 'Answer from an earlier result.json without running')
    .option('--backend <backend>', 'auto | sim | docker', { default: 'auto' })
    .option('--images <kind>', 'docker backend: upstream | twin', { default: 'upstream' })
    .option('--matrix <file>', 'Matrix file whose settings and suites the runs use (default: matrix.json, or matrix.extended.json for versions only it lists)')
    .option('--jobs <n>', 'How many cells / stacks at once')
    .option('--out <dir>', 'Where the result of the runs goes (default out/can-i-upgrade)')
    .option('--json', 'Machine-readable answer')
    .option('--no-progress', 'No live progress display');
  withAttachOptions(canIUpgrade).action((options: CanIUpgradeOptionsInput) =>
    onAction(async () => (await import('./commands/can-i-upgrade.ts')).canIUpgradeCommand(options)),
  );

  cli
    .command('doctor', 'Read-only checks of a running Chatwoot + Evolution deployment')
    .option('--chatwoot-url <url>', 'Chatwoot base URL (env EVOCHAT_CHATWOOT_URL)')
    .option('--chatwoot-token <token>', 'User access token (env EVOCHAT_CHATWOOT_TOKEN)')
    .option('--account <id>', 'Chatwoot account id (env EVOCHAT_ACCOUNT)')
    .option('--evolution-url <url>', 'Evolution base URL (env EVOCHAT_EVOLUTION_URL)')
    .option('--evolution-key <key>', 'Evolution global API key (env EVOCHAT_EVOLUTION_KEY)')
    .option('--instance <name>', 'Evolution instance to inspect')
    .option('--config <file>', 'JSON/YAML file with the same settings')
    .option('--allow-writes', 'Also run the bot status round trip (writes a message)')
    .option('--result <file>', 'Matrix result.json for the known verdict of this pair (default out/result.json if present)')
    .option('--timeout <ms>', 'Deadline per probe in milliseconds', { default: 5000 })
    .option('--out <dir>', 'Write result.json and reports there')
    .option('--json', 'Print the JSON result')
    .option('--verbose', 'Show the evidence of passing checks too')
    .action((options: DoctorOptionsInput) => onAction(async () => (await import('./commands/doctor.ts')).doctorCommand(options)));

  cli
    .command(
      'drift',
      'How far the twin is from a running Chatwoot: contract probes against it and the twin of its profile. Exit 0 no difference a verdict reads, 1 one that does, 2 usage/config, 3 infrastructure',
    )
    .option('--chatwoot-url <url>', 'The Chatwoot to compare with (PlatformApp token in EVOCHAT_CHATWOOT_PLATFORM_TOKEN)')
    .option('--as-version <version>', 'The profile a fork or unknown release is compared with')
    .option('--advertise-host <host>', 'The address of this machine the Chatwoot delivers the probe webhook to')
    .option('--out <dir>', 'Where drift.md and drift.json go', { default: 'out/drift' })
    .option('--timeout <ms>', 'Deadline per request in milliseconds', { default: 10000 })
    .action((options: DriftOptionsInput) => onAction(async () => (await import('./commands/drift.ts')).driftCommand(options)));

  const repro = cli
    .command('repro <file>', 'Reproduce a bug report (YAML/JSON) and write a bundle')
    .option('--out <dir>', 'Bundle directory', { default: 'repro-bundle' })
    .option('--backend <backend>', 'auto | sim | docker', { default: 'auto' })
    .option('--images <kind>', 'docker backend: upstream | twin', { default: 'upstream' })
    .option('--keep', 'Leave the stack running and print its URLs until interrupted')
    .option('--no-progress', 'No live progress display');
  withAttachOptions(repro).action((file: string, options: Omit<ReproOptionsInput, 'file'>) =>
    onAction(async () => (await import('./commands/repro.ts')).reproCommand({ ...options, file })),
  );

  cli
    .command('clean', 'Remove what runs whose process is gone left behind: containers, networks, temp folders')
    .option('--older-than <minutes>', 'Only what is older than this; also the age from which leftovers of unknown owner go (default 24 h)')
    .option('--dry-run', 'Only list what would be removed and what is kept, and why')
    .option('--force', 'Also remove resources and temp folders of live or unknown owners')
    .option('--attached <run-dir>', 'Only delete what an attach run left on its Chatwoot (its ledger; token in EVOCHAT_CHATWOOT_PLATFORM_TOKEN)')
    .option('--config <file>', 'With --attached: JSON/YAML file with platformToken (when it is not in the env)')
    .action((options: CleanOptionsInput) => onAction(async () => (await import('./commands/clean.ts')).cleanCommand(options)));

  cli.option('--debug', 'Print stack traces with errors (also EVOCHAT_DEBUG=1)');
  cli.help();
  return cli;
}

/** Values are checked by each command's options schema (options/), not here. */
const COMMAND_LINE_RULES: CommandLineRules = {
  repeatable: ['chatwoot', 'evolution', 'storage', 'suite', 'format'],
  refusedCredentials: REFUSED_CREDENTIAL_FLAGS,
};

/** cac's own errors (it has a few checks of its own left) are usage errors. */
function asUsageError(error: unknown): unknown {
  return error instanceof Error && error.name === 'CACError' ? new UsageError(error.message.replace(/`/g, '')) : error;
}

export async function main(argv: string[]): Promise<number> {
  let runner: CommandRunner | undefined;
  const cli = buildCli((run) => {
    runner = run;
  });
  const args = joinNegativeValues(cli, argv);
  cli.parse(['node', 'evochat-matrix', ...args], { run: false });
  if (cli.options.help || cli.options.h) return ExitCodes.ok;
  if (!cli.matchedCommand) {
    const given = cli.args[0];
    cli.outputHelp();
    throw new UsageError(given ? `unknown command ${JSON.stringify(String(given).slice(0, 40))}` : 'no command given');
  }
  checkCommandLine(cli, args, COMMAND_LINE_RULES);
  try {
    await cli.runMatchedCommand();
  } catch (error) {
    throw asUsageError(error);
  }
  if (!runner) throw new UsageError('command did not start');
  return runner();
}

/**
 * Prints an error once (`error CODE: message`, a hint, a stack trace only with --debug or
 * EVOCHAT_DEBUG=1) and returns its exit code. Never throws: a printer that crashes would exit 1,
 * which CI reads as "unexpected break".
 */
export function printError(error: unknown, options: { debug?: boolean } = {}): number {
  let exitCode: number = ExitCodes.infrastructure;
  try {
    exitCode = toHarnessError(error).exitCode;
    // Secrets can reach error messages through URLs or echoed bodies; redact what looks like one.
    const redact = createRedactor();
    const debug = options.debug ?? debugWanted(process.argv.slice(2), process.env);
    process.stderr.write(formatError(error, { debug, redact: (text) => redact.text(text) }));
  } catch {
    process.stderr.write('error EVOCHAT_E_INTERNAL: the error could not be printed\n');
  }
  return exitCode;
}
