/**
 * The server file: `<DATABASE_PATH>.server.json`, written by a running server, read by the CLI,
 * so that `duban import suggestions` hands its rows to the server that holds the same database
 * instead of writing the file beside it (issue 11; src/transports/http/cli-import-routes.ts).
 *
 * Named after the database, not a port: a server on PORT may serve another file, and the server
 * that matters is the one holding this one. It holds the server's pid, its loopback URL and a
 * token drawn at each start; it is written with mode 0600, so only the user who can read (and
 * write) the database can read it. A server killed with -9 leaves it behind: a reader ignores a
 * file whose process is gone, and the CLI imports by itself when the server does not answer.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

export interface ServerFile {
  pid: number;
  url: string;
  token: string;
}

const serverFileSchema = z.object({ pid: z.number().int().positive(), url: z.string().url(), token: z.string().min(32) });

export const serverFilePath = (databasePath: string): string => `${databasePath}.server.json`;

/** A fresh token for this start. */
export const newServerToken = (): string => randomBytes(24).toString('hex');

/** Writes the file whole (a temporary file renamed over it): a reader never sees half of it. */
export function writeServerFile(databasePath: string, file: ServerFile): void {
  const path = serverFilePath(databasePath);
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(file)}\n`, { mode: 0o600 });
  renameSync(partial, path);
}

/** Removes the file if it is still this server's (another server may have started on the same database since). */
export function removeServerFile(databasePath: string, token: string): void {
  if (readServerFile(databasePath, { checkAlive: false })?.token === token) rmSync(serverFilePath(databasePath), { force: true });
}

/** The running server of this database, if its file is there, readable and its process alive. */
export function readServerFile(databasePath: string, options: { checkAlive?: boolean } = {}): ServerFile | undefined {
  if (databasePath === ':memory:') return undefined;
  let content: string;
  try {
    content = readFileSync(serverFilePath(databasePath), 'utf8');
  } catch {
    return undefined;
  }
  let parsed: ServerFile;
  try {
    const result = serverFileSchema.safeParse(JSON.parse(content));
    if (!result.success) return undefined;
    parsed = result.data;
  } catch {
    return undefined;
  }
  if (options.checkAlive !== false && !processAlive(parsed.pid)) return undefined;
  return parsed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's; only ESRCH says it is gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
