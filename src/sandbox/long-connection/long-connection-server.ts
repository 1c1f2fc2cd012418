/**
 * Lark's side of the long connection (SPEC §9, API.md §6.3), as the SDK's WSClient speaks it
 * (node-sdk ws-client/index.ts): discovery at `POST /callback/ws/endpoint` (endpoint.ts), then a
 * WebSocket at the URL it handed out, carrying the SDK's protobuf frames (sdk-protocol.ts).
 *
 * - Events and card callbacks are pushed as data frames (`method` 1) with the headers `type`
 *   (`event`, for card callbacks too: the SDK drops any other type), `message_id`, `sum`/`seq`
 *   (one fragment here) and `trace_id`, the plaintext schema 2.0 envelope as payload. One open
 *   connection, chosen at random as Lark does, receives each.
 * - The SDK answers with the same frame, a `biz_rt` header added and `{"code": 200 | 500,
 *   "data"?: base64 of the handler's answer}` as payload (`handleEventData`); that answer is what
 *   a card press shows. No answer within the timeout (Lark: 3 s) is a failed delivery.
 * - The SDK pings with control frames (`method` 0, `type` ping) every PingInterval; each gets a
 *   pong carrying the ClientConfig again (`handleControlData` reads it).
 * - Frames that cannot be decoded are recorded with protobufjs's reason and otherwise ignored:
 *   the connection stays up.
 *
 * Tests (and `POST /sandbox/long-connection/drop`) can drop every connection, and keep the door
 * shut until `restore()`, to watch the SDK reconnect by itself (`reConnect`).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Hono } from 'hono';
import type { Delivery } from '../event-sender.ts';
import { randomHex } from '../ids.ts';
import { DEFAULT_CLIENT_CONFIG, mountEndpoint, type ClientConfig, type Ticket } from './endpoint.ts';
import { decodeFrame, encodeFrame, FrameType, HeaderKey, headerOf, MessageType, ws, type Frame, type ServerSocket } from './sdk-protocol.ts';

export interface LongConnectionOptions {
  appId: string;
  appSecret: string;
  /** The sandbox's own URL (http://host:port); known once it listens. */
  baseUrl: () => string;
  /** ClientConfig overrides in seconds (tests shorten the reconnect interval); the SDK's defaults otherwise. */
  clientConfig?: Partial<ClientConfig>;
  /** How long Lark waits for the bot's answer (3 s). */
  timeoutMs?: number;
  /** Lark allows 50 connections per app. */
  maxConnections?: number;
}

export interface UndecodableFrame {
  deviceId: string;
  reason: string;
  bytes: number;
}

export interface LongConnectionServer {
  /** Open connections now. */
  connections(): number;
  /** Pushes a plaintext envelope to one open connection and waits for the SDK's answer. */
  push(plainText: string, eventId: string | undefined, attempt: number): Promise<Delivery>;
  /** Sends bytes as-is to every open connection (a frame no SDK can decode, in tests). */
  sendRaw(bytes: Uint8Array): void;
  /** Closes every connection abruptly; with `stayDown`, refuses new ones until `restore()`. */
  drop(options?: { stayDown?: boolean }): void;
  restore(): void;
  /** Resolves when at least `count` connections are open. */
  whenConnected(count?: number): Promise<void>;
  /** Connections accepted, upgrades refused, events pushed, pings answered, frames that were no frame. */
  stats: { connects: number; refusedUpgrades: number; pushes: number; pings: number; pongs: number; undecodable: UndecodableFrame[] };
  /** Answers the HTTP upgrade when it is for the long connection; false otherwise. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): Promise<void>;
}

interface Connection {
  socket: ServerSocket;
  deviceId: string;
  serviceId: number;
}

interface Pending {
  settle(delivery: Omit<Delivery, 'eventId' | 'attempt' | 'durationMs'>): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function createLongConnectionServer(app: Hono, options: LongConnectionOptions): LongConnectionServer {
  const timeoutMs = options.timeoutMs ?? 3000;
  const clientConfig = (): ClientConfig => ({ ...DEFAULT_CLIENT_CONFIG, ...options.clientConfig });
  const server = new ws.WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });
  const tickets = new Map<string, Ticket>();
  const open = new Set<Connection>();
  const pending = new Map<string, Pending>();
  const waiters = new Set<() => void>();
  let down = false;
  let seq = 0;
  const stats: LongConnectionServer['stats'] = { connects: 0, refusedUpgrades: 0, pushes: 0, pings: 0, pongs: 0, undecodable: [] };

  mountEndpoint(app, {
    appId: options.appId,
    appSecret: options.appSecret,
    clientConfig,
    socketBase: () => options.baseUrl().replace(/^http/, 'ws'),
    openConnections: () => open.size,
    maxConnections: options.maxConnections ?? 50,
    issue: (ticket, granted) => tickets.set(ticket, granted),
  });
  app.get('/sandbox/long-connection', (c) => c.json({ connections: open.size, down, ...stats }));
  app.post('/sandbox/long-connection/drop', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { stayDown?: unknown };
    longConnection.drop({ stayDown: body.stayDown === true });
    return c.json({ ok: true });
  });
  app.post('/sandbox/long-connection/restore', (c) => {
    longConnection.restore();
    return c.json({ ok: true });
  });

  const send = (connection: Connection, frame: Frame) => {
    if (connection.socket.readyState === ws.OPEN) connection.socket.send(encodeFrame(frame));
  };

  function onFrame(connection: Connection, bytes: Buffer): void {
    let frame: Frame;
    try {
      frame = decodeFrame(bytes);
    } catch (error) {
      stats.undecodable.push({ deviceId: connection.deviceId, reason: (error as Error).message, bytes: bytes.length });
      return;
    }
    const type = headerOf(frame, HeaderKey.type);
    if (frame.method === FrameType.control && type === MessageType.ping) {
      stats.pings++;
      const pong = { ...frame, headers: [{ key: HeaderKey.type, value: MessageType.pong }], payload: encoder.encode(JSON.stringify(clientConfig())) };
      send(connection, pong);
      stats.pongs++;
      return;
    }
    if (frame.method === FrameType.data) {
      // The SDK's answer to a push: the pushed frame back, with its result as payload.
      const messageId = headerOf(frame, HeaderKey.message_id);
      const waiting = messageId === undefined ? undefined : pending.get(messageId);
      if (!waiting) return; // too late (already timed out) or not ours
      pending.delete(messageId!);
      waiting.settle(ackOf(frame));
    }
  }

  function accept(socket: ServerSocket, ticket: Ticket): void {
    const connection: Connection = { socket, deviceId: ticket.deviceId, serviceId: ticket.serviceId };
    open.add(connection);
    stats.connects++;
    socket.on('message', (data) => onFrame(connection, data));
    socket.on('error', () => {}); // a reset connection also emits 'close', handled there
    socket.on('close', () => open.delete(connection));
    for (const wake of [...waiters]) wake();
  }

  function refuseUpgrade(socket: Duplex, status: number, message: string): void {
    stats.refusedUpgrades++;
    // node-sdk ws-client/enum.ts names the handshake headers Lark answers a refused upgrade with.
    socket.end(
      `HTTP/1.1 ${status} ${status === 503 ? 'Service Unavailable' : 'Forbidden'}\r\n` +
        `${HeaderKey.handshake_status}: ${status}\r\n${HeaderKey.handshake_msg}: ${message}\r\n` +
        'Connection: close\r\nContent-Length: 0\r\n\r\n',
    );
  }

  const longConnection: LongConnectionServer = {
    stats,
    connections: () => open.size,

    push(plainText, eventId, attempt) {
      const started = Date.now();
      const done = (d: Omit<Delivery, 'eventId' | 'attempt' | 'durationMs'>): Delivery => ({ ...d, eventId, attempt, durationMs: Date.now() - started });
      const all = [...open];
      const connection = all[Math.floor(Math.random() * all.length)];
      if (!connection) return Promise.resolve(done({ status: 0, body: 'no long connection is open', rawBody: '', timedOut: false }));
      const messageId = randomHex(16);
      return new Promise<Delivery>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(messageId);
          resolve(done({ status: 0, body: undefined, rawBody: '', timedOut: true }));
        }, timeoutMs);
        pending.set(messageId, {
          settle: (d) => {
            clearTimeout(timer);
            resolve(done(d));
          },
        });
        stats.pushes++;
        send(connection, {
          SeqID: ++seq,
          LogID: Number(BigInt(`0x${randomHex(6)}`)),
          service: connection.serviceId,
          method: FrameType.data,
          headers: [
            { key: HeaderKey.type, value: MessageType.event },
            { key: HeaderKey.message_id, value: messageId },
            { key: HeaderKey.sum, value: '1' },
            { key: HeaderKey.seq, value: '0' },
            { key: HeaderKey.trace_id, value: randomHex(16) },
          ],
          payload: encoder.encode(plainText),
        });
      });
    },

    sendRaw(bytes) {
      for (const connection of open) connection.socket.send(bytes);
    },

    drop({ stayDown = false } = {}) {
      down = stayDown;
      for (const connection of open) connection.socket.terminate();
    },

    restore() {
      down = false;
    },

    whenConnected(count = 1) {
      if (open.size >= count) return Promise.resolve();
      return new Promise((resolve) => {
        const wake = () => {
          if (open.size < count) return;
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
      });
    },

    handleUpgrade(request, socket, head) {
      const url = new URL(request.url ?? '/', 'http://sandbox');
      if (url.pathname !== '/ws/v2') return false;
      if (down) {
        refuseUpgrade(socket, 503, 'the sandbox dropped the long connection and is keeping it down');
        return true;
      }
      const ticketId = url.searchParams.get('ticket') ?? '';
      const ticket = tickets.get(ticketId);
      if (!ticket || url.searchParams.get('device_id') !== ticket.deviceId) {
        refuseUpgrade(socket, 403, 'invalid ticket: ask POST /callback/ws/endpoint for a connection URL');
        return true;
      }
      tickets.delete(ticketId); // a ticket opens one connection
      server.handleUpgrade(request, socket, head, (upgraded) => accept(upgraded, ticket));
      return true;
    },

    close() {
      for (const connection of open) connection.socket.terminate();
      for (const [id, waiting] of pending) {
        pending.delete(id);
        waiting.settle({ status: 0, body: 'the sandbox closed', rawBody: '', timedOut: false });
      }
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return longConnection;
}

/** The SDK's answer: `{"code", "data"?}` with `data` the handler's result, base64 JSON. */
function ackOf(frame: Frame): Omit<Delivery, 'eventId' | 'attempt' | 'durationMs'> {
  let ack: { code?: unknown; data?: unknown };
  try {
    ack = JSON.parse(decoder.decode(frame.payload ?? new Uint8Array())) as typeof ack;
  } catch {
    return { status: 0, body: 'the answer frame does not carry JSON', rawBody: '', timedOut: false };
  }
  const rawBody = typeof ack.data === 'string' ? Buffer.from(ack.data, 'base64').toString('utf8') : '';
  let body: unknown = rawBody === '' ? undefined : rawBody;
  try {
    if (rawBody !== '') body = JSON.parse(rawBody);
  } catch {
    // Not JSON: keep the text, as the webhook delivery does.
  }
  return { status: typeof ack.code === 'number' ? ack.code : 0, body, rawBody, timedOut: false };
}
