/**
 * The command line (SPEC §7): `npx duban <command>`. Each command builds the Node runtime from
 * the environment, so the CLI and the server always agree on the database and configuration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { DomainError } from '../../core/errors.ts';
import { DirectoryFileError, parseDirectory } from '../../app/import/read-directory.ts';
import { loadDirectory } from '../../app/directory.ts';
import type { AppContext } from '../../app/context.ts';
import { commandPacing } from '../../app/long-work.ts';
import { runSweep } from '../../app/sweep.ts';
import { VERSION } from '../../app/version.ts';
import { appliedMigrations } from '../../app/health.ts';
import { describeVerdict, verifyAuditLog } from '../../app/audit.ts';
import { formatOfPath, readTable, TableReadError } from './read-table.ts';
import { formatSweep } from './format-sweep.ts';
import { registerReportCommand } from './report-command.ts';
import { registerLedgerCommand } from './ledger-command.ts';
import { registerPublishCommand } from './publish-command.ts';
import { registerSearchCommand } from './search-command.ts';
import { importSuggestionsCommand } from './import-suggestions-command.ts';
import { HandOffError, type RunningServerAddress } from './hand-off-import.ts';
import { DemoError, runDemo } from '../../app/demo.ts';

/** The demo's directory and suggestions, shipped with duban (demo/ at the package's root). */
const DEMO_DIR = new URL('../../../demo/', import.meta.url);

/** What the command line needs from the runtime it runs on (src/runtimes/node/cli.ts). */
export interface CliHost {
  /** The application over the configured database, migrated; `close` when done. */
  open(): OpenedApp;
  /** Starts the server as `npm start` does. */
  serve(): Promise<{ context: AppContext; url: string; sandboxUrl?: string | undefined; close(): Promise<void> }>;
  /** Errors the operator can fix (bad configuration, an unreadable policy): one message, no stack. */
  isUserError(error: unknown): boolean;
  /** The server running on this database, if any: `import suggestions` hands its rows to it. */
  runningServer?(databasePath: string): RunningServerAddress | undefined;
}

export interface OpenedApp {
  context: AppContext;
  /** A consistent online copy of the live database. */
  backup(file: string): Promise<{ totalPages: number }>;
  close(): void;
}

/** An error the user can fix: printed as one clear message, exit code 1, no stack trace. */
class UserError extends Error {}

export function createProgram(host: CliHost): Command {
  const program = new Command()
    .name('duban')
    .description('督办 duban — supervise the handling of deputies’ suggestions on Lark / Feishu')
    .version(VERSION)
    .showHelpAfterError();

  /** Runs a command against the opened database and closes it, whatever happens. */
  const withApp = async <T>(run: (app: OpenedApp) => T | Promise<T>): Promise<T> => {
    const app = host.open();
    try {
      return await run(app);
    } finally {
      app.close();
    }
  };

  program
    .command('serve')
    .description('start the HTTP server (npm start)')
    .action(async () => {
      const duban = await host.serve();
      const { context, url, sandboxUrl } = duban;
      // Before the line that says the server is up: whoever waits for it (a supervisor, a test) may
      // stop the server at once, and a stop must still close it cleanly (the server file removed).
      const shutdown = async (signal: string) => {
        context.logger.info({ signal }, 'shutting down');
        await duban.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      context.logger.info({ url, database: context.config.databasePath, sandbox: sandboxUrl }, 'duban is listening');
      console.log(`duban ${VERSION} listening on ${url}  (health: ${url}/healthz)`);
      if (sandboxUrl) {
        console.log(
          [
            '',
            `No LARK_APP_ID: running against the built-in Lark sandbox at ${sandboxUrl}`,
            `  Open ${sandboxUrl}/ in a browser to act as a deputy, a liaison, a head or a supervisor,`,
            '  see the groups and cards, and press buttons. Load people and suggestions first, e.g.:',
            '    npx duban demo     (sample data dated relative to today, some of it moved along), or',
            '    npx duban import directory test/fixtures/directory.yaml',
            '    npx duban import suggestions test/fixtures/suggestions.csv',
            '',
          ].join('\n'),
        );
      }
      if (!context.config.adminToken) console.log('The admin API is disabled: set ADMIN_TOKEN to enable /api/*.');
    });

  program
    .command('migrate')
    .description('create the database or bring it up to date')
    .action(() =>
      withApp(({ context }) => {
        console.log(`数据库已是最新 Database is up to date: ${resolve(context.config.databasePath)} (${appliedMigrations(context)} migrations applied)`);
      }),
    );

  const importCommand = program.command('import').description('load the directory or suggestions from a file');

  importCommand
    .command('directory <file>')
    .description('load units, deputies, supervisors and leaders from a YAML or JSON file (SPEC §8)')
    .action((file: string) => {
      const directory = parseDirectory(readInput(file).toString('utf8'));
      return withApp(({ context }) => {
        const r = loadDirectory(context, directory);
        console.log(
          [
            `名录已导入 Directory loaded from ${file}`,
            `  单位 units:      created ${r.units.created}, updated ${r.units.updated}, unchanged ${r.units.unchanged}`,
            `  代表 deputies:   created ${r.deputies.created}, updated ${r.deputies.updated}, unchanged ${r.deputies.unchanged}`,
            `  督办 supervisors: ${r.supervisors.total} (added ${r.supervisors.added}, removed ${r.supervisors.removed})`,
            ...(directory.leaders.length ? [`  领导 leaders:    created ${r.leaders.created}, updated ${r.leaders.updated}, unchanged ${r.leaders.unchanged}`] : []),
            ...(r.groupsChanged ? [`  群组 groups:      ${r.groupsChanged} follow the change (members added or removed)`] : []),
          ].join('\n'),
        );
      });
    });

  importCommand
    .command('suggestions <file>')
    .description('import suggestions from a .csv, .xlsx or .json file (SPEC §8)')
    .action(async (file: string) => {
      const rows = await readTable(readInput(file), formatOfPath(file));
      const rejected = await withApp(({ context }) => importSuggestionsCommand(context, file, rows, host.runningServer?.(context.config.databasePath)));
      if (rejected > 0) process.exitCode = 1;
    });

  program
    .command('sweep')
    .description('run one reminder sweep now (SPEC §4); with --dry-run, list what it would send and why')
    .option('--now <iso>', 'the moment to sweep at, e.g. 2026-03-02T09:00:00+08:00 (default: now)')
    .option('--dry-run', 'send nothing, only list')
    .action((options: { now?: string; dryRun?: boolean }) => {
      const now = options.now ? new Date(options.now) : new Date();
      if (Number.isNaN(now.getTime())) throw new UserError(`--now is not a date-time: ${options.now}`);
      return withApp(async ({ context }) => console.log(formatSweep(await runSweep(context, { now, dryRun: options.dryRun === true }, commandPacing()))));
    });

  program
    .command('backup <file>')
    .description('write a consistent copy of the live database to <file> (safe while the server runs)')
    .option('--force', 'overwrite <file> if it exists')
    .action((file: string, options: { force?: boolean }) => {
      if (existsSync(file) && !options.force) throw new UserError(`${file} already exists: choose another name or pass --force`);
      return withApp(async (app) => {
        const pages = await app.backup(file);
        console.log(`备份完成 Backup written to ${resolve(file)} (${pages.totalPages} pages)`);
      });
    });

  program
    .command('demo')
    .description('load a sample directory and 30 suggestions dated relative to today, some moved along, into an empty database: then npm start shows them in the sandbox')
    .action(async () => {
      const directory = parseDirectory(readFileSync(new URL('directory.yaml', DEMO_DIR), 'utf8'));
      const rows = await readTable(readFileSync(new URL('suggestions.csv', DEMO_DIR)), 'csv');
      return withApp(({ context }) => {
        const result = runDemo(context, directory, rows);
        const steps = Object.entries(result.steps)
          .map(([type, n]) => `${type} ×${n}`)
          .join(', ');
        console.log(
          [
            `演示数据已载入 Demo loaded into ${resolve(context.config.databasePath)} (today ${result.today})`,
            `  ${result.suggestions} suggestions; moved along by ${steps}`,
            `  overdue: No. ${result.overdue}; waiting to be signed today: No. ${result.fresh.join(', ')}`,
            `  Now run \`npm start\` and open the sandbox URL it prints (SANDBOX_PORT, default PORT + 1).`,
          ].join('\n'),
        );
      });
    });

  program
    .command('audit')
    .description('the audit log')
    .command('verify')
    .description('prove the audit log untouched: recompute its hash chain; exit 0 with the count, 2 naming the first broken row')
    .action(() =>
      withApp(async ({ context }) => {
        const verdict = await verifyAuditLog(context);
        if (verdict.ok) console.log(describeVerdict(verdict));
        else {
          console.error(`duban: ${describeVerdict(verdict)}`);
          process.exitCode = 2;
        }
      }),
    );

  registerReportCommand(program, withApp);
  registerLedgerCommand(program, withApp);
  registerPublishCommand(program, withApp);
  registerSearchCommand(program, withApp);
  return program;
}

function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UserError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

const USER_ERRORS = [UserError, DirectoryFileError, TableReadError, DemoError, HandOffError];

/** Runs the command line; an error the user can fix is one line on stderr and exit code 1. */
export async function runCli(argv: string[], host: CliHost): Promise<void> {
  try {
    await createProgram(host).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    if (error instanceof DomainError) {
      // A refusal of what was asked (e.g. a search with no word to look for): why, in both languages.
      console.error(`duban: ${error.zh} — ${error.en}`);
      process.exit(1);
    }
    if (USER_ERRORS.some((type) => error instanceof type) || host.isUserError(error)) {
      console.error(`duban: ${(error as Error).message}`);
      process.exit(1);
    }
    throw error;
  }
}
