/**
 * Starts duban on Node: the HTTP server, the outbox worker, the schedules, Lark's long connection when
 * LARK_EVENT_MODE=websocket, and — when no Lark credentials are configured — the built-in Lark sandbox on
 * loopback with the bot pointed at it (SPEC §9), subscribed the way LARK_EVENT_MODE says.
 * `close` shuts down in order: stop taking events from the long connection, stop the schedules and the worker
 * (waiting for work in progress), stop taking requests, stop the sandbox, close the database.
 */
import { randomBytes } from 'node:crypto';
import { isMovableClock, movableClock, type Clock } from '../../core/clock.ts';
import { createOutboxSender, type OutboxSender } from '../../adapters/lark/outbox-sender.ts';
import { createSdkLarkClient } from '../../adapters/lark/sdk-lark-client.ts';

import { WEBHOOK_EVENTS } from '../../app/health.ts';
import { createLongWork } from '../../app/long-work.ts';
import { newServerToken, removeServerFile, writeServerFile } from './server-file.ts';
import type { ClientConfig } from '../../sandbox/long-connection/endpoint.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/start-sandbox.ts';
import { buildRuntime, type NodeRuntime } from './build-runtime.ts';
import { createGroupCommitRecorder } from './group-commit-recorder.ts';
import { createLongConnection, type LongConnection } from './long-connection.ts';
import { sandboxPeople } from './sandbox-people.ts';
import { startServer, type RunningServer } from './serve.ts';
import { startSchedules } from './schedule.ts';
import { startIdleCheckpoints } from './idle-checkpoints.ts';

export interface RunningDuban {
  runtime: NodeRuntime;
  server: RunningServer;
  worker: OutboxSender;
  sandbox?: RunningSandbox | undefined;
  /** Present when LARK_EVENT_MODE=websocket. */
  longConnection?: LongConnection | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  hostname?: string;
  /** Options for the outbox worker (tests shorten the poll interval). */
  outbox?: Parameters<typeof createOutboxSender>[0]['limits'];
  /** Sandbox settings for tests: its limits, port, event retries and long connection's ClientConfig (its clock is duban's). */
  sandbox?: { port?: number; limits?: false | Record<string, number>; retries?: { delaysMs: number[] }; longConnection?: Partial<ClientConfig> };
}

const secret = (bytes: number) => randomBytes(bytes).toString('hex');

export async function startDuban(env: Record<string, string | undefined> = process.env, clock?: Clock, options: StartOptions = {}): Promise<RunningDuban> {
  // One clock for duban and the sandbox (SPEC §9): moving the sandbox's (POST /sandbox/clock) moves
  // duban's today with it. Against Lark nobody moves it, and it is the given clock or the system's.
  const shared = clock && isMovableClock(clock) ? clock : movableClock(clock);
  const runtime = buildRuntime(env, shared);
  const sandboxMode = runtime.config.sandbox;
  if (sandboxMode) {
    // Fresh credentials each start: the sandbox and the bot share them, nobody else needs them.
    runtime.config = {
      ...runtime.config,
      // An app id as Lark issues them (cli_ and 16 hex digits): the SDK's WSClient refuses any other.
      lark: { ...runtime.config.lark, appId: `cli_${secret(8)}`, appSecret: secret(16), encryptKey: secret(16), verificationToken: secret(12), baseUrl: 'http://127.0.0.1' },
    };
  }
  let worker: OutboxSender | undefined;
  const onQueued = () => worker?.kick();
  const messages = createGroupCommitRecorder(runtime.db);
  const websocket = runtime.config.lark.eventMode === 'websocket';
  const longConnection = websocket ? createLongConnection(runtime, { messages, onQueued }) : undefined;
  // An import through the admin API (or handed over by the CLI), or a sweep, paces the outbox while it runs.
  const longWork = createLongWork();
  // `duban import suggestions` finds this server through the server file and hands it its rows.
  const databasePath = runtime.config.databasePath;
  const cliImportToken = databasePath === ':memory:' ? undefined : newServerToken();
  const server = await startServer(runtime, {
    ...(options.hostname && { hostname: options.hostname }),
    onQueued,
    messages,
    longWork,
    cliImportToken,
    larkEvents: () => longConnection?.status() ?? WEBHOOK_EVENTS,
  });

  let sandbox: RunningSandbox | undefined;
  if (sandboxMode) {
    const lark = runtime.config.lark;
    sandbox = await startSandbox({
      appId: lark.appId!,
      appSecret: lark.appSecret!,
      encryptKey: lark.encryptKey!,
      verificationToken: lark.verificationToken!,
      webhookUrl: `${server.url}/lark/events`,
      directory: { people: sandboxPeople(runtime.db) },
      // A fixed port (SANDBOX_PORT, default PORT + 1) so the URL to open stays the same between starts.
      port: options.sandbox?.port ?? runtime.config.sandboxPort,
      ...(options.sandbox?.limits !== undefined && { limits: options.sandbox.limits }),
      ...(options.sandbox?.retries !== undefined && { retries: options.sandbox.retries }),
      ...(options.sandbox?.longConnection !== undefined && { longConnection: options.sandbox.longConnection }),
      subscription: websocket ? 'long_connection' : 'webhook',
      clock: shared,
    });
    runtime.config = { ...runtime.config, lark: { ...lark, baseUrl: sandbox.url } };
  }
  longConnection?.start();
  // The sandbox UI's "act as" list follows the directory, which may be loaded while running.
  const refreshPeople = sandbox && setInterval(() => sandbox.fake.setDirectory({ people: sandboxPeople(runtime.db) }), 2000);
  refreshPeople?.unref();

  worker = createOutboxSender({
    db: runtime.db,
    lark: createSdkLarkClient({
      appId: runtime.config.lark.appId!,
      appSecret: runtime.config.lark.appSecret!,
      baseUrl: runtime.config.lark.baseUrl,
      now: () => shared().getTime(),
      logger: runtime.logger,
    }),
    clock: runtime.clock,
    logger: runtime.logger,
    policy: runtime.policy,
    calendar: runtime.calendar,
    timeZone: runtime.config.timeZone,
    supervisorChatId: runtime.config.supervisorChatId,
    ...(options.outbox && { limits: options.outbox }),
    defer: setImmediate,
    longWorkRunning: longWork.running,
  });
  worker.start();
  worker.kick();
  const schedules = startSchedules(runtime, () => worker!.kick(), longWork);
  const checkpoints = startIdleCheckpoints(runtime.db, runtime.config.databasePath, runtime.logger, { longWorkRunning: longWork.running });
  if (cliImportToken) {
    try {
      writeServerFile(databasePath, { pid: process.pid, url: server.url, token: cliImportToken });
    } catch (error) {
      // Not fatal: the CLI then writes the database itself, as it does with no server.
      runtime.logger.warn({ err: error }, 'cannot write the server file: duban import suggestions will not hand its rows to this server');
    }
  }

  return {
    runtime,
    server,
    worker,
    sandbox,
    longConnection,
    async close() {
      if (cliImportToken) removeServerFile(databasePath, cliImportToken);
      longConnection?.close();
      if (refreshPeople) clearInterval(refreshPeople);
      await schedules.stop();
      await worker!.stop();
      await server.close();
      await sandbox?.close();
      // The report thread's reads end first: the last checkpoint then empties the WAL.
      await runtime.reports.close();
      checkpoints.stop();
      runtime.db.$client.close();
    },
  };
}
