/**
 * Serves the app on Node with @hono/node-server. `close` stops taking requests and lets in-flight
 * ones finish; the caller closes the database after it (src/runtimes/node/start-duban.ts).
 */
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../transports/http/app.ts';
import type { NodeRuntime } from './build-runtime.ts';
import { createGroupCommitRecorder } from './group-commit-recorder.ts';
import { readNodeRequest } from './read-node-request.ts';

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export function startServer(runtime: NodeRuntime, options: { hostname?: string; onQueued?: () => void } = {}): Promise<RunningServer> {
  const app = createApp({ context: runtime, messages: createGroupCommitRecorder(runtime.db), onQueued: options.onQueued, readRequest: readNodeRequest });
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
              server.close(() => done());
            }),
        });
      });
      server.on('error', reject);
    } catch (error) {
      reject(error);
    }
  });
}
