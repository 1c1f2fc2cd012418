/**
 * Runs `wrangler dev` (4.80, offline) as a child process and tells when it is ready and on which
 * port. wrangler's bin script is a wrapper that spawns its real CLI and forwards no signals, so the
 * CLI is run directly. It stays in its parent's process group: a signal to the group (Ctrl-C in a
 * terminal, or a supervisor stopping `npm run workers:dev` by its group) reaches wrangler and its
 * workerd processes at once, so even SIGKILL leaves none of them behind. `stop` signals wrangler,
 * which stops its workerd processes itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const WRANGLER_CLI = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'wrangler-dist', 'cli.js');
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const READY = /\bReady on (https?:\/\/\S+?:(\d+))\s*$/m;

/** Non-interactive and offline: no prompts, no telemetry, no fetch of Request.cf from Cloudflare. */
const QUIET: Record<string, string> = {
  CI: '1',
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

export interface WranglerDevOptions {
  cwd: string;
  /** 0: a port the OS picks (the ready line says which). */
  port: number;
  /** Another wrangler.toml than the one in `cwd` (a test Worker's). */
  config?: string;
  /** The interface to listen on (default loopback). */
  ip?: string;
  /** Where the Durable Objects' SQLite files are kept between runs. */
  persistTo: string;
  vars: Record<string, string>;
  /** More environment for wrangler itself (e.g. WRANGLER_LOG_PATH: where its debug log goes). */
  env?: Record<string, string>;
  /** Each line wrangler prints (its logs and the Worker's). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  timeoutMs?: number;
}

export interface WranglerDev {
  url: string;
  port: number;
  child: ChildProcess;
  /** Stops wrangler, which stops its workerd processes (SIGTERM unless told otherwise). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const args = ['--no-warnings', '--experimental-vm-modules', WRANGLER_CLI, 'dev', '--ip', options.ip ?? '127.0.0.1', '--port', String(options.port), '--inspector-port', '0', '--persist-to', options.persistTo];
  if (options.config) args.push('--config', options.config);
  for (const [key, value] of Object.entries(options.vars)) args.push('--var', `${key}:${value}`);
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: { ...process.env, ...options.env, ...QUIET }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const running = () => child.exitCode === null && child.signalCode === null;
    if (!running()) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill(signal);
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
    if (running()) child.kill('SIGKILL');
  };
  // What wrangler printed until it was ready, for the error if it never is (not kept after: it
  // prints a line per request).
  let seen = '';
  let ready = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => void stop().then(() => reject(new Error(`wrangler dev was not ready after ${options.timeoutMs ?? 60_000} ms:\n${seen}`))), options.timeoutMs ?? 60_000);
    const read = (stream: 'stdout' | 'stderr') => {
      let partial = '';
      child[stream]!.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (partial + chunk.replace(ANSI, '')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          options.onLine?.(line, stream);
          if (ready) continue;
          seen += `${line}\n`;
          const at = READY.exec(line);
          if (at) {
            ready = true;
            seen = '';
            clearTimeout(timer);
            resolve({ url: at[1]!, port: Number(at[2]), child, stop });
          }
        }
      });
    };
    read('stdout');
    read('stderr');
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`wrangler dev exited (code ${code}, signal ${signal}) before it was ready:\n${seen}`));
    });
  });
}
