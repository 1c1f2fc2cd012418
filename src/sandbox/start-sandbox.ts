/**
 * Serves the fake Lark on loopback and wires its event sender to the bot's webhook, or to its long
 * connection when the app subscribes that way: what `npm start` runs without Lark credentials
 * (SPEC §9), and what end-to-end tests start. Point the bot's Lark client at `url` (the SDK's `domain`).
 */
import { serve, type ServerType } from '@hono/node-server';
import type { Clock } from '../core/clock.ts';
import { createEventSender, type EventSender } from './event-sender.ts';
import { createFakeLark, type FakeLark } from './fake-lark.ts';
import type { ClientConfig } from './long-connection/endpoint.ts';
import { createLongConnectionServer, type LongConnectionServer } from './long-connection/long-connection-server.ts';
import type { FakeLimits } from './open-api/fake-core.ts';
import type { SandboxDirectory } from './sandbox-state.ts';

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback by default; the sandbox has no authentication of its own. */
  hostname?: string;
  appId: string;
  appSecret: string;
  encryptKey?: string;
  verificationToken: string;
  /** The bot's event URL; a function when the bot's port is only known later. */
  webhookUrl: string | (() => string);
  directory?: SandboxDirectory;
  botName?: string;
  clock?: Clock;
  limits?: Partial<FakeLimits> | false;
  /**
   * Token lifetime on the fake clock (Lark: 7200 s). The SDK caches tokens on the wall clock, so
   * a test that moves the fake clock by hours sees 99991663 unless the bot refreshes on it.
   */
  tokenTtlSeconds?: number;
  /** Scaled-down retry delays for failed event deliveries; off when omitted. */
  retries?: { delaysMs: number[] } | false;
  /** How long the event sender waits for the bot (Lark: 3 s). */
  timeoutMs?: number;
  /**
   * How the app receives events (the developer console's 订阅方式): POSTs to `webhookUrl`
   * (default), or pushes over the long connection the SDK's WSClient opens.
   */
  subscription?: 'webhook' | 'long_connection';
  /** The long connection's ClientConfig in seconds (default: the SDK's, ping 120, reconnect every 120 after up to 30 of jitter). */
  longConnection?: Partial<ClientConfig>;
}

export interface RunningSandbox {
  /** e.g. http://127.0.0.1:41234 — the Lark `domain` for the bot, and the UI. */
  url: string;
  port: number;
  fake: FakeLark;
  events: EventSender;
  longConnection: LongConnectionServer;
  close(): Promise<void>;
}

export function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const fake = createFakeLark({
    appId: options.appId,
    appSecret: options.appSecret,
    ...(options.botName !== undefined && { botName: options.botName }),
    ...(options.directory !== undefined && { directory: options.directory }),
    ...(options.clock !== undefined && { clock: options.clock }),
    ...(options.limits !== undefined && { limits: options.limits }),
    ...(options.tokenTtlSeconds !== undefined && { tokenTtlSeconds: options.tokenTtlSeconds }),
  });
  const hostname = options.hostname ?? '127.0.0.1';
  let url = '';
  const longConnection = createLongConnectionServer(fake.app, {
    appId: options.appId,
    appSecret: options.appSecret,
    baseUrl: () => url,
    ...(options.longConnection !== undefined && { clientConfig: options.longConnection }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  });
  const subscription = options.subscription ?? 'webhook';
  const events = createEventSender({
    webhookUrl: options.webhookUrl,
    verificationToken: options.verificationToken,
    appId: options.appId,
    tenantKey: fake.tenantKey,
    botOpenId: fake.botOpenId,
    botName: fake.botName,
    ...(options.encryptKey !== undefined && { encryptKey: options.encryptKey }),
    clock: fake.clock,
    ...(options.retries !== undefined && { retries: options.retries }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    onUserMessage: (message) => {
      if (fake.chat(message.chatId)) fake.recordUserMessage(message);
    },
    onCardResponse: (messageId, body) => fake.applyCardCallbackResponse(messageId, body),
    longConnection: { subscribed: () => subscription === 'long_connection', push: (...args) => longConnection.push(...args) },
    refusePress: (messageId) => fake.pressRefusal(messageId),
  });
  fake.attachEventSender(events);

  return new Promise((resolve, reject) => {
    let server: ServerType;
    try {
      server = serve({ fetch: fake.app.fetch, port: options.port ?? 0, hostname }, (info) => {
        url = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${info.port}`;
        resolve({
          url,
          port: info.port,
          fake,
          events,
          longConnection,
          close: () =>
            new Promise<void>((done) => {
              events.close();
              void longConnection.close();
              server.close(() => done());
              // Keep-alive sockets from the SDK's HTTP agent would otherwise hold close() open.
              (server as { closeAllConnections?: () => void }).closeAllConnections?.();
            }),
        });
      });
      server.on('error', reject);
      server.on('upgrade', (request, socket, head) => {
        if (!longConnection.handleUpgrade(request, socket, head)) socket.destroy();
      });
    } catch (error) {
      reject(error);
    }
  });
}
