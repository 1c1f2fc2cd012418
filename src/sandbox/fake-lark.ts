/**
 * A faithful fake of the Lark Open API endpoints duban uses (API.md §5), as a Hono app the caller
 * serves on loopback. The real @larksuiteoapi/node-sdk talks to it when its `domain` is the
 * sandbox URL. It also serves the sandbox UI at `/` and a small control API under `/sandbox/`.
 *
 * The endpoints are in open-api/: serve.ts answers each call (counting, faults, tokens, app
 * limits, the error envelope), one file per API group keeps the endpoints' own rules. This file
 * puts them together with the control API under /sandbox/ and the controls tests use directly.
 */
import { refuseCrossOrigin } from './same-origin.ts';
import { Hono } from 'hono';
import { isMovableClock, movableClock, type Clock, type MovableClock } from '../core/clock.ts';
import { applyCardCallbackResponse, type CardCallbackOutcome } from './card-callback.ts';
import { mountChatControls } from './chat-controls.ts';
import { mountRecallControls } from './recall-controls.ts';
import { pressRefusal } from './card-lifetime.ts';
import { mountClockRoutes } from './clock-routes.ts';
import type { EventSender } from './event-sender.ts';
import { FaultRegistry, type FaultSpec } from './faults.ts';
import { newMessageId, randomHex } from './ids.ts';
import { DEFAULT_LIMITS, type FakeCore, type FakeLimits } from './open-api/fake-core.ts';
import { groupMadeByPeople, p2pChatWith } from './open-api/chats.ts';
import { storeMessage } from './open-api/messages.ts';
import { serveOpenApi } from './open-api/serve.ts';
import { SlidingWindowLimiter } from '../adapters/lark/rate-limiter.ts';
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
import { mountSandboxUi } from './ui/mount-ui.ts';

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
  /**
   * The fake's clock: token expiry, rate limits, uuid windows, the 14-day card rule. Moved forward
   * with POST /sandbox/clock; a clock that is not movable is wrapped in one.
   */
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
  /** The sandbox's time, moved forward by tests and people (POST /sandbox/clock). */
  clock: MovableClock;
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
  /**
   * Test controls for states the bot cannot produce itself. They change the state only; what a
   * person does, with the event Lark pushes for it, is chat-controls.ts (POST /sandbox/chats/…).
   */
  removeBotFromChat(chatId: string): void;
  addBotToChat(chatId: string): void;
  dissolveChat(chatId: string): void;
  removePersonFromChat(chatId: string, openId: string): void;
  /** A group people made and added the bot to (e.g. the supervisors' group), with its id given or made. */
  openGroupMadeByPeople(input: { chatId?: string; name: string; members: string[]; ownerId?: string }): FakeChat;
  recallMessage(messageId: string): void;
  /** The bot's private (p2p) chat with a person, opened as Lark opens it when they first write to the bot. */
  privateChatWith(openId: string): FakeChat;
  addPersonToChat(chatId: string, openId: string): void;
  /** Stores a message a person posted (the UI and the event sender call this). */
  recordUserMessage(input: UserMessageInput): FakeMessage;
  /** Why the Lark client would refuse a press on this message's card now (older than 14 days), or undefined. */
  pressRefusal(messageId: string): { code: number; msg: string } | undefined;
  /** Applies the card a card-action callback answered with to the message, as the Lark client does. */
  applyCardCallbackResponse(messageId: string, responseBody: unknown): CardCallbackOutcome;
  resetRateLimits(): void;
  snapshot(): SandboxSnapshot;
}

export function createFakeLark(options: FakeLarkOptions): FakeLark {
  const clock = options.clock && isMovableClock(options.clock) ? options.clock : movableClock(options.clock);
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
  // Before every route: no other site may drive the sandbox through a visitor's browser.
  refuseCrossOrigin(app);
  serveOpenApi(app, core, faults);

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
  mountClockRoutes(app, clock, core.changed);
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
    addBotToChat(chatId) {
      const chat = requireChat(chatId);
      if (!chat.bots.includes(options.appId)) chat.bots.push(options.appId);
      core.changed();
    },
    removePersonFromChat(chatId, openId) {
      const chat = requireChat(chatId);
      chat.members = chat.members.filter((id) => id !== openId);
      core.changed();
    },
    openGroupMadeByPeople: (input) => groupMadeByPeople(core, input),
    privateChatWith: (openId) => p2pChatWith(core, openId),
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
      const content = input.content ?? JSON.stringify({ text: input.text ?? '' });
      let body: unknown;
      try {
        body = JSON.parse(content);
      } catch {
        body = content;
      }
      const existing = input.messageId ? state.messages.get(input.messageId) : undefined;
      if (existing) return existing; // a redelivered event: the message is already in the chat
      return storeMessage(core, chat, {
        messageId: input.messageId ?? newMessageId(),
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
        uuid: undefined,
        mentions: input.mentions ?? [],
      });
    },
    pressRefusal: (messageId) => pressRefusal(state.messages.get(messageId), core.now()),
    applyCardCallbackResponse(messageId, responseBody) {
      return applyCardCallbackResponse(core, state.messages.get(messageId), responseBody);
    },
    resetRateLimits: () => limiter.reset(),
    snapshot: () => snapshotState(state),
  };

  mountChatControls(app, fake);
  mountRecallControls(app, fake);
  mountSandboxUi(app, fake);
  return fake;
}
