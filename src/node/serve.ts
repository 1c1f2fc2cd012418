/**
 * Serves the app on Node with @hono/node-server, and shuts down cleanly: stop taking requests,
 * let in-flight ones finish, then close the database.
 */
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../http/app.ts';
import type { Runtime } from '../runtime.ts';

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export function startServer(runtime: Runtime, options: { hostname?: string } = {}): Promise<RunningServer> {
  const app = createApp(runtime);
  const hostname = options.hostname ?? '0.0.0.0';
  return new Promise((resolve, reject) => {
    let server: ServerType;
    try {
      server = serve({ fetch: app.fetch, port: runtime.config.port, hostname }, (info) => {
        const url = `http://${hostname === '0.0.0.0' ? '127.0.0.1' : hostname}:${info.port}`;
        resolve({
          port: info.port,
          url,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => {
                runtime.db.$client.close();
                done();
              });
            }),
        });
      });
      server.on('error', reject);
    } catch (error) {
      reject(error);
    }
  });
}
