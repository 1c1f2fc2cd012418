/**
 * LARK_EVENT_MODE=websocket on Node (SPEC §6, API.md §6.3): the SDK's WSClient opens Lark's long
 * connection — discovery at `${LARK_BASE_URL}/callback/ws/endpoint`, then the SDK's protobuf
 * frames over a WebSocket — so duban needs no public URL, only a way out to Lark. It reconnects by
 * itself (`autoReconnect`), and hands every event, card presses included, to the same handlers as
 * the webhook (transports/lark/long-connection-events.ts). The connection's state, and since when
 * it has held, is what /healthz shows.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../adapters/logger.ts';
import type { MessageRecorder } from '../../adapters/sqlite/message-store.ts';
import type { LongConnectionState, LongConnectionStatus } from '../../app/health.ts';
import { createEventHandlers } from '../../transports/lark/event-handlers.ts';
import { longConnectionEvents } from '../../transports/lark/long-connection-events.ts';
import type { NodeRuntime } from './build-runtime.ts';

export interface LongConnection {
  status(): LongConnectionStatus;
  /** Opens the connection (once LARK_BASE_URL is final: the sandbox's is known only after it starts). */
  start(): void;
  /** Resolves once connected (at once if connected now); rejects if the SDK gives up first. */
  whenConnected(): Promise<void>;
  close(): void;
}

export interface LongConnectionDeps {
  messages: MessageRecorder;
  onQueued(): void;
}

/**
 * The WSClient calls `invoke(envelope, { needCheck: false })` with each event as Lark sent it
 * (node-sdk ws-client/index.ts `handleEventData`). The stock dispatcher would then flatten header
 * and event into one object (node-sdk dispatcher/request-handle.ts `parse`), in which a card
 * press's `event.token` (the card's update token) overwrites `header.token` (the verification
 * token). Taking the envelope before that keeps the webhook's shape: one set of checks and
 * handlers serves both ways in.
 */
class EnvelopeDispatcher extends lark.EventDispatcher {
  readonly #receive: (envelope: unknown) => Promise<object>;

  constructor(receive: (envelope: unknown) => Promise<object>, logger: lark.Logger) {
    super({ logger, loggerLevel: lark.LoggerLevel.debug });
    this.#receive = receive;
  }

  override invoke(envelope: unknown): Promise<object> {
    return this.#receive(envelope);
  }
}

/** The SDK's log lines into duban's log; its chatty info lines (banners, "reconnect") go to debug. */
function sdkLogger(logger: Logger): lark.Logger {
  // The SDK's LoggerProxy passes its arguments on as one array.
  const text = (args: unknown[]) =>
    args
      .flat()
      .map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a)))
      .join(' ');
  const fields = { source: 'lark-long-connection' };
  return {
    error: (...args: unknown[]) => logger.error(fields, text(args)),
    warn: (...args: unknown[]) => logger.warn(fields, text(args)),
    info: (...args: unknown[]) => logger.debug(fields, text(args)),
    debug: (...args: unknown[]) => logger.debug(fields, text(args)),
    trace: (...args: unknown[]) => logger.debug(fields, text(args)),
  };
}

/** The SDK's own view (`getConnectionStatus`) in /healthz's words: it is reconnecting by itself, or has given up. */
const STATE_OF: Record<lark.WSConnectionState, LongConnectionState> = {
  connected: 'connected',
  connecting: 'connecting',
  reconnecting: 'connecting',
  idle: 'disconnected',
  failed: 'disconnected',
};

export function createLongConnection(runtime: NodeRuntime, deps: LongConnectionDeps): LongConnection {
  const logger = runtime.logger;
  const handlers = createEventHandlers({ context: runtime, messages: deps.messages, onQueued: deps.onQueued });
  const receive = longConnectionEvents({ verificationToken: runtime.config.lark.verificationToken, logger, handle: (envelope) => handlers.handle(envelope) });
  let client: lark.WSClient | undefined;
  let current: { connection: LongConnectionState; since: string; error?: string } = { connection: 'connecting', since: runtime.clock().toISOString() };
  const watchers = new Set<{ resolve(): void; reject(error: Error): void }>();

  function enter(connection: LongConnectionState, error?: Error): void {
    if (connection === current.connection && !error) return;
    current = { connection, since: runtime.clock().toISOString(), ...(error && { error: error.message }) };
    const fields = { connection, ...(error && { reason: error.message }) };
    if (connection === 'connected') logger.info(fields, 'lark long connection connected');
    else if (connection === 'connecting') logger.warn(fields, 'lark long connection lost: reconnecting');
    else logger.error(fields, 'lark long connection closed for good: events no longer arrive');
    for (const watcher of [...watchers]) {
      if (connection === 'connected') watcher.resolve();
      else if (error) watcher.reject(error);
      else continue;
      watchers.delete(watcher);
    }
  }

  return {
    status() {
      // The callbacks below keep `since`; the SDK's snapshot catches a change they did not report.
      const seen = client ? STATE_OF[client.getConnectionStatus().state] : current.connection;
      if (client && seen !== current.connection) enter(seen);
      return { mode: 'websocket', ...current };
    },

    start() {
      const { appId, appSecret, baseUrl } = runtime.config.lark;
      if (!appId || !appSecret) throw new Error('LARK_EVENT_MODE=websocket needs LARK_APP_ID and LARK_APP_SECRET');
      const sdkLog = sdkLogger(logger);
      client = new lark.WSClient({
        appId,
        appSecret,
        domain: baseUrl,
        autoReconnect: true,
        logger: sdkLog,
        loggerLevel: lark.LoggerLevel.debug,
        onReady: () => enter('connected'),
        onReconnecting: () => enter('connecting'),
        onReconnected: () => enter('connected'),
        onError: (error) => enter('disconnected', error),
      });
      void client.start({ eventDispatcher: new EnvelopeDispatcher(receive, sdkLog) });
    },

    whenConnected() {
      if (this.status().connection === 'connected') return Promise.resolve();
      return new Promise((resolve, reject) => watchers.add({ resolve, reject }));
    },

    close() {
      if (!client) return;
      client.close({ force: true });
      client = undefined;
      current = { connection: 'disconnected', since: runtime.clock().toISOString() };
      logger.info('lark long connection closed (shutting down)');
      for (const watcher of watchers) watcher.reject(new Error('the long connection was closed'));
      watchers.clear();
    },
  };
}
