/**
 * The command line (SPEC §7): `npx duban <command>`. Each command builds the Node runtime from
 * the environment, so the CLI and the server always agree on the database and configuration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../../app/config.ts';
import { DirectoryFileError, parseDirectory } from '../../app/import/read-directory.ts';
import { formatOfPath, readTable, TableReadError } from './read-table.ts';
import { buildRuntime, StartupError } from '../../runtimes/node/build-runtime.ts';
import { loadDirectory } from '../../adapters/sqlite/directory-store.ts';
import { VERSION } from '../../app/version.ts';
import { runSweep } from '../../app/services.ts';
import { formatSweep } from './format-sweep.ts';
import { registerReportCommand } from './report-command.ts';
import { importSuggestionsCommand } from './import-suggestions-command.ts';
import { startDuban } from '../../runtimes/node/start-duban.ts';

/** An error the user can fix: printed as one clear message, exit code 1, no stack trace. */
class UserError extends Error {}

const program = new Command()
  .name('duban')
  .description('督办 duban — supervise the handling of deputies’ suggestions on Lark / Feishu')
  .version(VERSION)
  .showHelpAfterError();

program
  .command('serve')
  .description('start the HTTP server (npm start)')
  .action(async () => {
    const duban = await startDuban();
    const { runtime, server, sandbox } = duban;
    runtime.logger.info({ url: server.url, database: runtime.config.databasePath, sandbox: sandbox?.url }, 'duban is listening');
    console.log(`duban ${VERSION} listening on ${server.url}  (health: ${server.url}/healthz)`);
    if (sandbox) {
      console.log(
        [
          '',
          `No LARK_APP_ID: running against the built-in Lark sandbox at ${sandbox.url}`,
          `  Open ${sandbox.url}/ in a browser to act as a deputy, a liaison, a head or a supervisor,`,
          '  see the groups and cards, and press buttons. Load people and suggestions first, e.g.:',
          '    npx duban import directory test/fixtures/directory.yaml',
          '    npx duban import suggestions test/fixtures/suggestions.csv',
          '',
        ].join('\n'),
      );
    }
    if (!runtime.config.adminToken) console.log('The admin API is disabled: set ADMIN_TOKEN to enable /api/*.');
    const shutdown = async (signal: string) => {
      runtime.logger.info({ signal }, 'shutting down');
      await duban.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  });

program
  .command('migrate')
  .description('create the database or bring it up to date')
  .action(() => {
    const runtime = buildRuntime();
    const applied = runtime.db.$client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    console.log(`数据库已是最新 Database is up to date: ${resolve(runtime.config.databasePath)} (${applied.n} migrations applied)`);
    runtime.db.$client.close();
  });

const importCommand = program.command('import').description('load the directory or suggestions from a file');

importCommand
  .command('directory <file>')
  .description('load units, deputies and supervisors from a YAML or JSON file (SPEC §8)')
  .action((file: string) => {
    const directory = parseDirectory(readInput(file).toString('utf8'));
    const runtime = buildRuntime();
    const r = loadDirectory(runtime.db, directory);
    console.log(
      [
        `名录已导入 Directory loaded from ${file}`,
        `  单位 units:      created ${r.units.created}, updated ${r.units.updated}, unchanged ${r.units.unchanged}`,
        `  代表 deputies:   created ${r.deputies.created}, updated ${r.deputies.updated}, unchanged ${r.deputies.unchanged}`,
        `  督办 supervisors: ${r.supervisors.total} (added ${r.supervisors.added}, removed ${r.supervisors.removed})`,
      ].join('\n'),
    );
    runtime.db.$client.close();
  });

importCommand
  .command('suggestions <file>')
  .description('import suggestions from a .csv, .xlsx or .json file (SPEC §8)')
  .action(async (file: string) => {
    const format = formatOfPath(file);
    const rows = await readTable(readInput(file), format);
    const runtime = buildRuntime();
    const rejected = importSuggestionsCommand(runtime, file, rows);
    runtime.db.$client.close();
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
    const runtime = buildRuntime();
    const result = runSweep(runtime, { now, dryRun: options.dryRun === true });
    console.log(formatSweep(result));
    runtime.db.$client.close();
  });

program
  .command('backup <file>')
  .description('write a consistent copy of the live database to <file> (safe while the server runs)')
  .option('--force', 'overwrite <file> if it exists')
  .action(async (file: string, options: { force?: boolean }) => {
    if (existsSync(file) && !options.force) throw new UserError(`${file} already exists: choose another name or pass --force`);
    const runtime = buildRuntime();
    const pages = await runtime.db.$client.backup(file);
    console.log(`备份完成 Backup written to ${resolve(file)} (${pages.totalPages} pages)`);
    runtime.db.$client.close();
  });

function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UserError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

registerReportCommand(program, () => buildRuntime());

const USER_ERRORS = [UserError, ConfigError, StartupError, DirectoryFileError, TableReadError];

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (USER_ERRORS.some((type) => error instanceof type)) {
    console.error(`duban: ${(error as Error).message}`);
    process.exit(1);
  }
  throw error;
}
