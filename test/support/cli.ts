/**
 * Runs the real `duban` command (bin/duban.js through Node, as an operator would) in a child
 * process, with the project root as its working directory and its own database file.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { tempDir } from './world.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DUBAN_BIN = join(PROJECT_ROOT, 'bin', 'duban.js');

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A fresh, not yet existing database path in its own temp directory. */
export function freshDbPath(): string {
  return join(tempDir('duban-cli-'), 'duban.db');
}

/** The environment of a CLI run: the test's own, a database of its own, quiet logs, plus `extra`. */
export function cliEnv(databasePath: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_PATH: databasePath, LOG_LEVEL: 'silent', ...extra };
  // Configuration inherited from the machine running the tests must not leak into them.
  for (const name of Object.keys(env)) {
    if ((name.startsWith('LARK_') || name.startsWith('DUBAN_') || name === 'PORT' || name === 'ADMIN_TOKEN') && !(name in extra)) delete env[name];
  }
  return env;
}

/** Runs `duban <args>` to completion. A run that hangs is killed after `timeoutMs`. */
export function runCli(args: string[], databasePath: string, extraEnv: Record<string, string> = {}, timeoutMs = 45_000): CliResult {
  const r = spawnSync(process.execPath, [DUBAN_BIN, ...args], {
    cwd: PROJECT_ROOT,
    env: cliEnv(databasePath, extraEnv),
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `duban <args>` and leaves it running (for `serve`). */
export function startCli(args: string[], databasePath: string, extraEnv: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [DUBAN_BIN, ...args], {
    cwd: PROJECT_ROOT,
    env: cliEnv(databasePath, extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves with the first match of `pattern` in the child's stdout; rejects if it exits or `timeoutMs` passes first. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const finish = (fn: () => void) => {
      clearTimeout(timer);
      child.stdout?.off('data', onOut);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
      fn();
    };
    const onOut = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = out.match(pattern);
      if (m) finish(() => resolve(m));
    };
    const onErr = (chunk: Buffer) => {
      err += chunk.toString('utf8');
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish(() => reject(new Error(`duban exited (code ${code}, signal ${signal}) before printing ${pattern}\nstdout: ${out}\nstderr: ${err}`)));
    const timer = setTimeout(
      () => finish(() => reject(new Error(`duban did not print ${pattern} within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`))),
      timeoutMs,
    );
    child.stdout?.on('data', onOut);
    child.stderr?.on('data', onErr);
    child.on('exit', onExit);
  });
}

/** Resolves with how the child ended; rejects if it is still running after `timeoutMs`. */
export function waitForExit(child: ChildProcess, timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`duban still running ${timeoutMs} ms after the signal`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** Runs `query` against the database file, opened read-only (the CLI has exited and closed it). */
export function queryDb<T>(path: string, query: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return query(db);
  } finally {
    db.close();
  }
}

export function countRows(path: string, table: string): number {
  return queryDb(path, (db) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n);
}

/** The rows a `duban import suggestions` run lists as rejected: spreadsheet row number → the line. */
export function rejectedRows(stdout: string): Map<number, string> {
  const rows = new Map<number, string>();
  for (const line of stdout.split('\n')) {
    const m = line.match(/^\s*第 (\d+) 行/);
    if (m) rows.set(Number(m[1]), line);
  }
  return rows;
}
