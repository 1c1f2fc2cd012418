/**
 * The `duban` command on Node: the command line of src/transports/cli with what it needs from
 * this runtime — the database file opened and migrated, the server as `npm start` runs it,
 * better-sqlite3's online backup, and the server file of a server running on the same database.
 */
import { ConfigError } from '../../app/config.ts';
import { StartupError } from '../../app/compose-context.ts';
import { runCli } from '../../transports/cli/program.ts';
import { buildRuntime } from './build-runtime.ts';
import { startDuban } from './start-duban.ts';
import { readServerFile } from './server-file.ts';

await runCli(process.argv, {
  open() {
    const runtime = buildRuntime();
    return {
      context: runtime,
      backup: (file) => runtime.db.$client.backup(file),
      close: () => runtime.db.$client.close(),
    };
  },
  async serve() {
    const duban = await startDuban();
    return { context: duban.runtime, url: duban.server.url, sandboxUrl: duban.sandbox?.url, close: () => duban.close() };
  },
  isUserError: (error) => error instanceof ConfigError || error instanceof StartupError,
  runningServer: (databasePath) => readServerFile(databasePath),
});
