/**
 * What the sandbox takes from @larksuiteoapi/node-sdk to speak Lark's long-connection protocol
 * exactly as the SDK's WSClient expects it (API.md §6.3):
 *
 * - the protobuf frame codec `pbbp2.Frame` the SDK generated (node-sdk ws-client/proto-buf/pbbp2.js;
 *   it registers itself in protobufjs's default root when the SDK loads, and the SDK does not
 *   export it otherwise), so frames are encoded and decoded by the very code the bot runs;
 * - the `ws` package the WSClient connects with, resolved from the SDK's own dependencies, so the
 *   server and the client always speak the same version;
 * - the protocol's constants, as named in node-sdk ws-client/enum.ts.
 *
 * Both modules are loaded through the SDK's own `require`: duban itself depends on neither.
 */
import { createRequire } from 'node:module';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** node-sdk ws-client/enum.ts `FrameType`: the frame's `method`. */
export const FrameType = { control: 0, data: 1 } as const;
/** node-sdk ws-client/enum.ts `HeaderKey`. */
export const HeaderKey = {
  type: 'type',
  message_id: 'message_id',
  sum: 'sum',
  seq: 'seq',
  trace_id: 'trace_id',
  biz_rt: 'biz_rt',
  handshake_status: 'handshake-status',
  handshake_msg: 'handshake-msg',
  handshake_autherrcode: 'handshake-autherrcode',
} as const;
/** node-sdk ws-client/enum.ts `MessageType`: the `type` header. Card callbacks travel as `event`. */
export const MessageType = { event: 'event', card: 'card', ping: 'ping', pong: 'pong' } as const;
/** node-sdk ws-client/enum.ts `ErrorCode`: the endpoint's `code`; only `internal_error` is retried by the SDK. */
export const ErrorCode = { ok: 0, system_busy: 1, forbidden: 403, auth_failed: 514, internal_error: 1000040343, exceed_conn_limit: 1000040350 } as const;

export interface FrameHeader {
  key: string;
  value: string;
}

/** pbbp2.Frame (node-sdk ws-client/proto-buf/pbbp2.d.ts); 64-bit ids are plain numbers (the SDK sets `util.Long = undefined`). */
export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: FrameHeader[];
  payloadEncoding?: string;
  payloadType?: string;
  payload?: Uint8Array;
  LogIDNew?: string;
}

interface FrameCodec {
  encode(frame: Frame): { finish(): Uint8Array };
  decode(bytes: Uint8Array): Frame;
}

/** The part of `ws` the sandbox uses (ws 8, lib/websocket-server.js and lib/websocket.js). */
export interface ServerSocket {
  readonly readyState: number;
  send(data: Uint8Array, callback?: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

export interface SocketServer {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, done: (socket: ServerSocket, request: IncomingMessage) => void): void;
  close(callback?: () => void): void;
}

interface WsModule {
  WebSocketServer: new (options: { noServer: true; clientTracking?: boolean; perMessageDeflate?: boolean }) => SocketServer;
  OPEN: number;
}

const sdkRequire = createRequire(createRequire(import.meta.url).resolve('@larksuiteoapi/node-sdk'));

function loadFrameCodec(): FrameCodec {
  // Loading the SDK runs its generated protobuf module, which fills protobufjs's default root.
  sdkRequire('@larksuiteoapi/node-sdk');
  const protobuf = sdkRequire('protobufjs/minimal') as { roots: Record<string, { pbbp2?: { Frame?: FrameCodec } }> };
  const codec = protobuf.roots.default?.pbbp2?.Frame;
  if (!codec) throw new Error('@larksuiteoapi/node-sdk no longer registers pbbp2.Frame in protobufjs: the sandbox cannot speak its long-connection protocol');
  return codec;
}

const codec = loadFrameCodec();
export const ws = sdkRequire('ws') as WsModule;

export const encodeFrame = (frame: Frame): Uint8Array => codec.encode(frame).finish();
/** Throws protobufjs's own error (e.g. "invalid wire type 4 at offset 3") for bytes that are no frame. */
export const decodeFrame = (bytes: Uint8Array): Frame => codec.decode(bytes);

export const headerOf = (frame: Frame, key: string): string | undefined => frame.headers.find((h) => h.key === key)?.value;
