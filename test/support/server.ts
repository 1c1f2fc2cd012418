/**
 * Starts the real HTTP server on a free loopback port over a fresh SQLite file, with a clock the
 * test can move. Requests go through real sockets with fetch.
 */
import { join } from 'node:path';
import { buildRuntime } from '../../src/runtimes/node/build-runtime.ts';
import { startServer } from '../../src/runtimes/node/serve.ts';
import { tempDir } from './world.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export async function startTestServer(env: Record<string, string> = {}, start = '2026-02-10T01:00:00Z') {
  let now = new Date(start);
  const runtime = buildRuntime(
    { DATABASE_PATH: join(tempDir(), 'duban.db'), PORT: '0', ADMIN_TOKEN, LOG_LEVEL: 'silent', ...env },
    () => now,
  );
  const server = await startServer(runtime, { hostname: '127.0.0.1' });
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  return {
    runtime,
    server,
    request,
    async json(method: string, path: string, body?: unknown) {
      const res = await request(method, path, body);
      return { status: res.status, body: (await res.json()) as any };
    },
    setNow(iso: string) {
      now = new Date(iso);
    },
    close: () => server.close(),
  };
}
