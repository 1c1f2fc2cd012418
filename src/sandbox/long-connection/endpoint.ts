/**
 * `POST /callback/ws/endpoint`, the long connection's discovery (API.md §6.3), answered as the
 * SDK's WSClient reads it (node-sdk ws-client/index.ts `pullConnectConfig`): the request is
 * `{"AppID", "AppSecret"}`; the answer `{code, msg, data: {URL, ClientConfig}}`, where the SDK
 * takes `device_id` and `service_id` from URL with `qs.parse` over the whole URL (so neither may
 * come first: Lark's URL starts with `fpid`), and ClientConfig's intervals are in seconds.
 * A `code` other than 0 stops the SDK for good, except `internal_error`, which it retries; its
 * `data` must still be an object, since the SDK destructures it before looking at the code.
 */
import type { Hono } from 'hono';
import { randomHex } from '../ids.ts';
import { ErrorCode } from './sdk-protocol.ts';

/**
 * node-sdk ws-client/index.ts reads these four, in seconds. The values are the SDK's own defaults
 * (ws-client/ws-config.ts: ping every 120 s, reconnect forever every 120 s after up to 30 s of
 * jitter); what Lark's endpoint really answers is UNCONFIRMED.
 */
export interface ClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

export const DEFAULT_CLIENT_CONFIG: ClientConfig = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 };

/** What one discovery hands out: the connection's ids and its one-time ticket. */
export interface Ticket {
  deviceId: string;
  serviceId: number;
}

export interface EndpointDeps {
  appId: string;
  appSecret: string;
  clientConfig: () => ClientConfig;
  /** `ws://host:port` of the sandbox. */
  socketBase: () => string;
  /** Open connections now, against Lark's limit of 50 per app. */
  openConnections: () => number;
  maxConnections: number;
  /** Records a ticket for the upgrade to redeem. */
  issue(ticket: string, granted: Ticket): void;
}

const refusal = (code: number, msg: string) => ({ code, msg, data: {} });

export function mountEndpoint(app: Hono, deps: EndpointDeps): void {
  app.post('/callback/ws/endpoint', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { AppID?: unknown; AppSecret?: unknown } | null;
    if (!body || body.AppID !== deps.appId || body.AppSecret !== deps.appSecret) {
      // UNCONFIRMED: Lark's exact answer to wrong credentials; 514 is the SDK's `auth_failed`.
      return c.json(refusal(ErrorCode.auth_failed, 'auth failed: AppID or AppSecret is wrong'));
    }
    if (deps.openConnections() >= deps.maxConnections) {
      return c.json(refusal(ErrorCode.exceed_conn_limit, `exceed connection limit: at most ${deps.maxConnections} connections per app`));
    }
    const ticket = randomHex(16);
    const granted: Ticket = { deviceId: String(BigInt(`0x${randomHex(7)}`)), serviceId: 33554678 };
    deps.issue(ticket, granted);
    const query = `fpid=493&aid=552564&device_id=${granted.deviceId}&access_key=${randomHex(16)}&service_id=${granted.serviceId}&ticket=${ticket}`;
    return c.json({ code: ErrorCode.ok, msg: 'ok', data: { URL: `${deps.socketBase()}/ws/v2?${query}`, ClientConfig: deps.clientConfig() } });
  });
}
