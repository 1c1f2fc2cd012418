/**
 * `npm run workers:dev`: duban's Workers build run locally under `wrangler dev`, with the same
 * environment variables as `npm start` (PORT, LARK_*, ADMIN_TOKEN, DUBAN_*), passed to the Worker
 * as its variables. The Durable Objects' SQLite is kept beside DATABASE_PATH (`<file>.wrangler/`),
 * so two runs with different databases never share it. Without Lark credentials it starts the
 * built-in Lark sandbox on SANDBOX_PORT (default PORT + 1), as `npm start` does.
 * wrangler and its workerd processes run in this program's process group: stop it by its group
 * (Ctrl-C does) and nothing is left behind, even with SIGKILL; SIGINT or SIGTERM to this process
 * alone stops wrangler first.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../app/config.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/start-sandbox.ts';
import { tenantConfig } from '../workers/tenants.ts';
import { startWranglerDev } from './wrangler-dev.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The variables the Worker reads: the same as on Node. */
const PASSED = /^(LARK_|DUBAN_|ADMIN_TOKEN$|LOG_LEVEL$|DATABASE_PATH$|PORT$)/;

const secret = (bytes: number) => randomBytes(bytes).toString('hex');

/** A port the OS has free now (wrangler needs a number to give the sandbox the webhook URL up front). */
const freePort = () =>
  new Promise<number>((done, fail) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
    probe.on('error', fail);
  });

async function main(): Promise<void> {
  const env = process.env;
  // The Worker's own rules (LARK_EVENT_MODE=websocket is refused), before wrangler takes its time to start.
  const config = tenantConfig(env);
  const port = config.port === 0 ? await freePort() : config.port;
  const vars: Record<string, string> = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => PASSED.test(e[0]) && typeof e[1] === 'string' && e[1] !== ''));
  let sandbox: RunningSandbox | undefined;
  if (config.sandbox) {
    const lark = { appId: `cli_sandbox${secret(4)}`, appSecret: secret(16), encryptKey: secret(16), verificationToken: secret(12) };
    sandbox = await startSandbox({ ...lark, webhookUrl: `http://127.0.0.1:${port}/lark/events`, port: Number(env.SANDBOX_PORT || port + 1) });
    Object.assign(vars, { LARK_APP_ID: lark.appId, LARK_APP_SECRET: lark.appSecret, LARK_ENCRYPT_KEY: lark.encryptKey, LARK_VERIFICATION_TOKEN: lark.verificationToken, LARK_BASE_URL: sandbox.url });
  }
  const worker = await startWranglerDev({
    cwd: ROOT,
    port,
    ip: config.host,
    persistTo: `${resolve(config.databasePath)}.wrangler`,
    vars,
    onLine: (line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`),
  });
  console.log(`duban (Workers, wrangler dev) listening on ${worker.url}  (health: ${worker.url}/healthz)`);
  if (sandbox) console.log(`No LARK_APP_ID: running against the built-in Lark sandbox at ${sandbox.url}`);
  const shutdown = async () => {
    await worker.stop();
    await sandbox?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  worker.child.once('exit', (code) => {
    void sandbox?.close();
    process.exit(code ?? 1);
  });
}

main().catch((error: unknown) => {
  console.error(`duban: ${error instanceof ConfigError ? error.message : (error as Error).stack ?? String(error)}`);
  process.exit(1);
});
