/**
 * Serves the app on Node with @hono/node-server. `close` stops taking requests and lets in-flight
 * ones finish; the caller closes the database after it (src/runtimes/node/start-duban.ts).
 */
import { serve, type ServerType } from '@hono/node-server';
import type { MessageRecorder } from '../../adapters/sqlite/message-store.ts';
import type { LarkEventsStatus } from '../../app/health.ts';
import { createApp } from '../../transports/http/app.ts';
import type { LongWork } from '../../app/long-work.ts';
import type { NodeRuntime } from './build-runtime.ts';
import { createGroupCommitRecorder } from './group-commit-recorder.ts';
import { readNodeRequest } from './read-node-request.ts';

export interface RunningServer {
  port: number;
  /** The address it listens on, as the OS reports it. */
  address: string;
  url: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  hostname?: string;
  onQueued?: () => void;
  /** How messages are committed (group commit by default); shared with the long connection when there is one. */
  messages?: MessageRecorder;
  /** How Lark's events arrive, for /healthz. */
  larkEvents?: () => LarkEventsStatus;
  /** Long admin work in progress, shared with the outbox sender, which paces itself by it. */
  longWork?: LongWork;
  /** The server file's token, with which the CLI hands its imports over (src/runtimes/node/server-file.ts). */
  cliImportToken?: string | undefined;
}

export function startServer(runtime: NodeRuntime, options: ServerOptions = {}): Promise<RunningServer> {
  const app = createApp({
    context: runtime,
    messages: options.messages ?? createGroupCommitRecorder(runtime.db),
    onQueued: options.onQueued,
    readRequest: readNodeRequest,
    larkEvents: options.larkEvents,
    longWork: options.longWork,
    cliImportToken: options.cliImportToken,
  });
  // HOST (default 127.0.0.1): the admin API and the webhook listen on loopback unless told otherwise.
  const hostname = options.hostname ?? runtime.config.host;
  return new Promise((resolve, reject) => {
    let server: ServerType;
    try {
      server = serve({ fetch: app.fetch, port: runtime.config.port, hostname }, (info) => {
        const reachable = hostname === '0.0.0.0' ? '127.0.0.1' : hostname === '::' ? '[::1]' : hostname.includes(':') ? `[${hostname}]` : hostname;
        resolve({
          port: info.port,
          address: info.address,
          url: `http://${reachable}:${info.port}`,
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
