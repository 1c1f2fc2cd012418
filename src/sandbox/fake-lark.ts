/**
 * A faithful fake of the Lark Open API endpoints duban uses (API.md §5), as a Hono app the caller
 * serves on loopback. The real @larksuiteoapi/node-sdk talks to it when its `domain` is the
 * sandbox URL. It also serves the sandbox UI at `/` and a small control API under `/sandbox/`.
 *
 * Every call passes, in order: request counting → fault injection → bearer token check →
 * the app rate limit of its API (tier 4) → the endpoint's own rules (fake-open-api.ts).
 */
import { Hono, type Context } from 'hono';
import { systemClock, type Clock } from '../core/clock.ts';
import { applyCardCallbackResponse, type CardCallbackOutcome } from './card-callback.ts';
import type { EventSender } from './event-sender.ts';
import {
  addChatMembers,
  createChat,
  DEFAULT_LIMITS,
  getChat,
  isValidToken,
  issueTenantToken,
  LarkError,
  patchMessage,
  replyMessage,
  sendMessage,
  sendUrgent,
  type FakeCore,
  type FakeLimits,
  type RouteInput,
  type RouteOutput,
} from './fake-open-api.ts';
import { FaultRegistry, type FaultSpec } from './faults.ts';
import { newLogId, newMessageId, randomHex } from './ids.ts';
import { SlidingWindowLimiter } from './rate-limiter.ts';
import {
  emptyState,
  snapshotState,
  type FakeChat,
  type FakeLarkState,
  type FakeMessage,
  type MessageMention,
  type SandboxDirectory,
  type SandboxPerson,
  type SandboxSnapshot,
} from './sandbox-state.ts';
import { mountSandboxUi } from './ui.ts';

export interface FakeLarkOptions {
  appId: string;
  appSecret: string;
  /** The bot's display name and open_id (used when people @-mention it). */
  botName?: string;
  botOpenId?: string;
  tenantKey?: string;
  directory?: SandboxDirectory;
  /** When true only directory people exist; by default any `ou_` + hex open_id does. */
  strictDirectory?: boolean;
  /** The fake's clock: token expiry, rate limits, uuid windows, the 14-day edit rule. */
  clock?: Clock;
  /** Partial overrides of the limits, or false to switch every limit off. */
  limits?: Partial<FakeLimits> | false;
  tokenTtlSeconds?: number;
  /** Card and post content limit in bytes (API.md §4.3: 30 KB). */
  cardMaxBytes?: number;
  /** Text content limit in bytes (150 KB). */
  textMaxBytes?: number;
  /** The event sender the UI uses to post messages and press buttons as a person. */
  events?: EventSender;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  keys: string[];
  auth: boolean;
  handle: (core: FakeCore, input: RouteInput) => RouteOutput;
}

function route(method: string, template: string, handle: Route['handle'], auth = true): Route {
  const keys: string[] = [];
  const source = template.replace(/:([a-z_]+)/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { method, template, pattern: new RegExp(`^${source}$`), keys, auth, handle };
}

const ROUTES: Route[] = [
  route('POST', '/open-apis/auth/v3/tenant_access_token/internal', issueTenantToken, false),
  route('POST', '/open-apis/im/v1/chats', createChat),
  route('GET', '/open-apis/im/v1/chats/:chat_id', getChat),
  route('POST', '/open-apis/im/v1/chats/:chat_id/members', addChatMembers),
  route('POST', '/open-apis/im/v1/messages', sendMessage),
  route('POST', '/open-apis/im/v1/messages/:message_id/reply', replyMessage),
  route('PATCH', '/open-apis/im/v1/messages/:message_id', patchMessage),
  route('PATCH', '/open-apis/im/v1/messages/:message_id/urgent_app', (core, input) => sendUrgent(core, 'app', input)),
  route('PATCH', '/open-apis/im/v1/messages/:message_id/urgent_sms', (core, input) => sendUrgent(core, 'sms', input)),
  route('PATCH', '/open-apis/im/v1/messages/:message_id/urgent_phone', (core, input) => sendUrgent(core, 'phone', input)),
];

/** A message a person posts (recorded when the event sender delivers it, as Lark would show it). */
export interface UserMessageInput {
  chatId: string;
  senderOpenId: string;
  text?: string;
  /** Raw content JSON string; defaults to `{"text": text}`. */
  content?: string;
  msgType?: string;
  messageId?: string;
  rootId?: string;
  parentId?: string;
  threadId?: string;
  mentions?: MessageMention[];
  senderType?: 'user' | 'app';
}

export interface FakeLark {
  app: Hono;
  state: FakeLarkState;
  /** `faults.add({ method, path, status, times, delayMs, mode })`; also POST /sandbox/faults. */
  faults: FaultRegistry;
  appId: string;
  botOpenId: string;
  botName: string;
  tenantKey: string;
  clock: Clock;
  directory: SandboxDirectory;
  /** Replaces the directory (the bot's directory was loaded or changed while running). */
  setDirectory(directory: SandboxDirectory): void;
  /** The event sender the UI uses; set by startSandbox. */
  events: EventSender | undefined;
  attachEventSender(events: EventSender): void;
  person(openId: string): SandboxPerson | undefined;
  personName(openId: string): string;
  chat(chatId: string): FakeChat | undefined;
  chats(): FakeChat[];
  message(messageId: string): FakeMessage | undefined;
  /** The messages of a chat in the order they were stored. */
  messagesIn(chatId: string): FakeMessage[];
  /** Calls so far to an endpoint, e.g. `requestCount('POST /open-apis/im/v1/messages')`. */
  requestCount(key: string): number;
  /** Revokes every token issued so far: the next call with one answers 99991663. */
  expireAllTokens(): void;
  /** Test controls for states the bot cannot produce itself. */
  removeBotFromChat(chatId: string): void;
  dissolveChat(chatId: string): void;
  recallMessage(messageId: string): void;
  addPersonToChat(chatId: string, openId: string): void;
  /** Stores a message a person posted (the UI and the event sender call this). */
  recordUserMessage(input: UserMessageInput): FakeMessage;
  /** Applies the card a card-action callback answered with to the message, as the Lark client does. */
  applyCardCallbackResponse(messageId: string, responseBody: unknown): CardCallbackOutcome;
  resetRateLimits(): void;
  snapshot(): SandboxSnapshot;
}

export function createFakeLark(options: FakeLarkOptions): FakeLark {
  const clock = options.clock ?? systemClock;
  const state = emptyState();
  const limiter = new SlidingWindowLimiter();
  const faults = new FaultRegistry();
  const directory: SandboxDirectory = options.directory ?? { people: [] };
  const people = new Map(directory.people.map((p) => [p.openId, p]));
  const limits: FakeLimits = options.limits === false ? { ...DEFAULT_LIMITS, enabled: false } : { ...DEFAULT_LIMITS, ...options.limits };

  const core: FakeCore = {
    appId: options.appId,
    appSecret: options.appSecret,
    botOpenId: options.botOpenId ?? `ou_${randomHex(16)}`,
    tenantKey: options.tenantKey ?? randomHex(8),
    state,
    limits,
    limiter,
    now: () => clock().getTime(),
    person: (openId) => people.get(openId),
    strictDirectory: options.strictDirectory ?? false,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
    cardMaxBytes: options.cardMaxBytes ?? 30 * 1024,
    textMaxBytes: options.textMaxBytes ?? 150 * 1024,
    changed: () => {
      state.version++;
    },
  };

  const app = new Hono();

  const refuse = (c: Context, method: string, path: string, logId: string, error: LarkError) => {
    state.refused.push({ at: core.now(), method, path, status: error.httpStatus, code: error.code, msg: error.message, logId });
    for (const [name, value] of Object.entries(error.extra.headers ?? {})) c.header(name, value);
    return c.json(
      {
        code: error.code,
        msg: error.message,
        error: {
          ...error.extra.error,
          log_id: logId,
          troubleshooter: `排查建议查看(Troubleshooting suggestions): https://open.feishu.cn/search?from=openapi&log_id=${logId}&code=${error.code}`,
        },
      },
      error.httpStatus as 400,
    );
  };

  app.all('/open-apis/*', async (c) => {
    const method = c.req.method.toUpperCase();
    const url = new URL(c.req.url);
    const path = url.pathname;
    const logId = newLogId();
    c.header('X-Tt-Logid', logId);

    const matched = ROUTES.map((r) => ({ r, m: r.method === method ? r.pattern.exec(path) : null })).find((x) => x.m);
    const key = matched ? `${method} ${matched.r.template}` : `${method} ${path}`;
    state.requests.set(key, (state.requests.get(key) ?? 0) + 1);

    const fault = faults.take(method, path);
    // The whole request has arrived before Lark takes its time: a slow call whose caller goes away
    // during the delay is still performed, as Lark would (the case the idempotency uuid is for).
    // The SDK sends `{}` even on GET; bodies of GET requests are ignored.
    const raw = method === 'GET' ? '' : await c.req.text();
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    const faultAnswer = () => {
      const status = fault!.status!;
      const rateLimited = status === 429;
      const body = fault!.body ?? {
        code: rateLimited ? 99991400 : -1,
        msg: rateLimited ? 'request trigger frequency limit' : `sandbox fault: HTTP ${status}`,
        error: { log_id: logId },
      };
      const headers: Record<string, string> = {
        ...(rateLimited && { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '1' }),
        ...fault!.headers,
      };
      const code = (body as { code?: unknown }).code;
      state.refused.push({
        at: core.now(),
        method,
        path,
        status,
        code: typeof code === 'number' ? code : undefined,
        msg: 'injected fault',
        logId,
      });
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json; charset=utf-8', 'X-Tt-Logid': logId, ...headers },
      });
    };
    if (fault?.status !== undefined && fault.mode === 'replace') return faultAnswer();

    if (!matched) {
      state.refused.push({ at: core.now(), method, path, status: 404, code: undefined, msg: '404 page not found', logId });
      return c.text('404 page not found', 404);
    }
    const { r, m } = matched;

    try {
      if (r.auth) {
        const authorization = c.req.header('authorization');
        if (!authorization) {
          throw new LarkError(99991661, 'Missing access token for authorization. Please make a request with token attached.');
        }
        const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
        if (!token || !isValidToken(core, token)) throw new LarkError(99991663, 'Invalid access token for authorization');
      }
      if (limits.enabled) {
        const admission = limiter.tryAcquire(
          `app:${key}`,
          [
            { limit: limits.appPerSecond, windowMs: 1000 },
            { limit: limits.appPerMinute, windowMs: 60_000 },
          ],
          core.now(),
        );
        if (!admission.ok) {
          throw new LarkError(99991400, 'request trigger frequency limit', 429, {
            headers: {
              'x-ogw-ratelimit-limit': String(admission.limit),
              'x-ogw-ratelimit-reset': String(Math.max(1, Math.ceil(admission.retryAfterMs / 1000))),
            },
          });
        }
      }
      let body: Record<string, unknown> = {};
      if (raw.trim() !== '') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          throw new LarkError(9499, 'Bad Request: the body is not valid JSON');
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          throw new LarkError(9499, 'Bad Request: the body is not a JSON object');
        }
        body = parsed as Record<string, unknown>;
      }
      const params = Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m![i + 1]!)]));
      const output = r.handle(core, { params, query: url.searchParams, body });
      if (fault?.status !== undefined) return faultAnswer(); // mode 'after': applied, answer lost
      return c.json({ code: 0, msg: output.msg ?? 'success', ...(output.data !== undefined && { data: output.data }), ...output.top });
    } catch (error) {
      if (error instanceof LarkError) return refuse(c, method, path, logId, error);
      throw error;
    }
  });

  // ---- control API for tests and manual use --------------------------------------------------

  app.get('/sandbox/state', (c) => c.json(snapshotState(state)));
  app.get('/sandbox/faults', (c) => c.json({ faults: faults.list().map((f) => ({ ...f, path: String(f.path) })) }));
  app.post('/sandbox/faults', async (c) => {
    const spec = (await c.req.json().catch(() => null)) as (Omit<FaultSpec, 'path'> & { path?: string; pathRegex?: string }) | null;
    if (!spec || (typeof spec.path !== 'string' && typeof spec.pathRegex !== 'string')) {
      return c.json({ error: 'send {"path": "/open-apis/…" | "pathRegex": "…", "status"?, "times"?, "delayMs"?, "body"?, "headers"?, "method"?, "mode"?}' }, 400);
    }
    const { pathRegex, ...rest } = spec;
    const fault = faults.add({ ...rest, path: pathRegex !== undefined ? new RegExp(pathRegex) : spec.path! });
    return c.json({ id: fault.id });
  });
  app.delete('/sandbox/faults', (c) => {
    faults.clear();
    return c.json({ ok: true });
  });
  app.post('/sandbox/tokens/expire', (c) => {
    fake.expireAllTokens();
    return c.json({ ok: true });
  });

  const requireChat = (chatId: string): FakeChat => {
    const chat = state.chats.get(chatId);
    if (!chat) throw new Error(`The sandbox has no chat ${chatId}`);
    return chat;
  };

  const fake: FakeLark = {
    app,
    state,
    faults,
    appId: options.appId,
    botOpenId: core.botOpenId,
    botName: options.botName ?? 'duban',
    tenantKey: core.tenantKey,
    clock,
    directory,
    setDirectory(next) {
      directory.people = next.people;
      people.clear();
      for (const p of next.people) people.set(p.openId, p);
    },
    events: options.events,
    attachEventSender(events) {
      fake.events = events;
    },
    person: (openId) => people.get(openId),
    personName: (openId) => people.get(openId)?.name ?? openId,
    chat: (chatId) => state.chats.get(chatId),
    chats: () => [...state.chats.values()],
    message: (messageId) => state.messages.get(messageId),
    messagesIn: (chatId) =>
      (state.chats.get(chatId)?.messageIds ?? []).map((id) => state.messages.get(id)).filter((m): m is FakeMessage => m !== undefined),
    requestCount: (key) => state.requests.get(key) ?? 0,
    expireAllTokens() {
      for (const token of state.tokens) token.revoked = true;
      core.changed();
    },
    removeBotFromChat(chatId) {
      const chat = requireChat(chatId);
      chat.bots = chat.bots.filter((id) => id !== options.appId);
      core.changed();
    },
    dissolveChat(chatId) {
      requireChat(chatId).status = 'dissolved';
      core.changed();
    },
    recallMessage(messageId) {
      const message = state.messages.get(messageId);
      if (!message) throw new Error(`The sandbox has no message ${messageId}`);
      message.deleted = true;
      core.changed();
    },
    addPersonToChat(chatId, openId) {
      const chat = requireChat(chatId);
      if (!chat.members.includes(openId)) chat.members.push(openId);
      core.changed();
    },
    recordUserMessage(input) {
      const chat = requireChat(input.chatId);
      const now = core.now();
      const content = input.content ?? JSON.stringify({ text: input.text ?? '' });
      let body: unknown;
      try {
        body = JSON.parse(content);
      } catch {
        body = content;
      }
      const existing = input.messageId ? state.messages.get(input.messageId) : undefined;
      if (existing) return existing; // a redelivered event: the message is already in the chat
      const message: FakeMessage = {
        messageId: input.messageId ?? newMessageId(),
        chatId: chat.chatId,
        msgType: input.msgType ?? 'text',
        content,
        body,
        sender:
          input.senderType === 'app'
            ? { id: options.appId, idType: 'app_id', senderType: 'app' }
            : { id: input.senderOpenId, idType: 'open_id', senderType: 'user' },
        rootId: input.rootId,
        parentId: input.parentId,
        threadId: input.threadId,
        createTime: now,
        updateTime: now,
        deleted: false,
        updated: false,
        uuid: undefined,
        mentions: input.mentions ?? [],
        revisions: [],
        urgents: [],
      };
      state.messages.set(message.messageId, message);
      chat.messageIds.push(message.messageId);
      core.changed();
      return message;
    },
    applyCardCallbackResponse(messageId, responseBody) {
      return applyCardCallbackResponse(core, state.messages.get(messageId), responseBody);
    },
    resetRateLimits: () => limiter.reset(),
    snapshot: () => snapshotState(state),
  };

  mountSandboxUi(app, fake);
  return fake;
}
