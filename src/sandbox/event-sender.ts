/**
 * Plays Lark's side of the event subscription (API.md §1–3): takes the `im.message.receive_v1`,
 * `card.action.trigger` and chat event envelopes of event-envelopes.ts, encrypts and signs them over the exact
 * bytes sent, POSTs them to the bot's webhook, and retries failed deliveries as Lark does (on a
 * scaled-down schedule, off unless configured). When the app subscribes through the long
 * connection instead, the same envelopes go there in plaintext (long-connection/), with the same
 * retries and the same handling of the bot's answer.
 */
import { systemClock, type Clock } from '../core/clock.ts';
import { encryptEvent, signEvent } from '../transports/lark/crypto.ts';
import type { CardCallbackOutcome, CallbackToast } from './card-callback.ts';
import { cardActionEvent, chatEvent, messageEvent, recallEvent, type ButtonPressInput, type ChatEventInput, type EventSource, type MessageEventInput, type RecallEventInput } from './event-envelopes.ts';
import type { UserMessageInput } from './fake-lark.ts';
import { newEventId, newMessageId, newNonce, randomHex } from './ids.ts';

export type { ButtonPressInput, ChatEventInput, ChatEventType, MessageEventInput, RecallEventInput, RecallType } from './event-envelopes.ts';

export interface EventSenderOptions {
  /** The bot's webhook, e.g. http://127.0.0.1:8787/lark/events (a function when known later). */
  webhookUrl: string | (() => string);
  /** When set, bodies are sent as {"encrypt":…} and signed (X-Lark-Signature). */
  encryptKey?: string;
  verificationToken: string;
  appId: string;
  tenantKey?: string;
  /** The bot's open_id, for `mentionBot`. */
  botOpenId?: string;
  botName?: string;
  clock?: Clock;
  /**
   * Lark retries a delivery answered non-200 or slower than the timeout after 15 s, 5 min, 1 h
   * and 6 h. Give scaled-down delays here (e.g. [150, 3000, 36000, 216000]); off by default.
   */
  retries?: { delaysMs: number[] } | false;
  /** How long Lark waits for the bot (3 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Called before a person's message is delivered, so the fake shows it in the chat. */
  onUserMessage?: (message: UserMessageInput) => void;
  /** Called with the bot's answer to a card action, so the fake applies the returned card. */
  onCardResponse?: (messageId: string, responseBody: unknown) => CardCallbackOutcome | undefined;
  /**
   * The app's subscription mode (the developer console's 订阅方式): when it says long connection,
   * events are pushed there and never POSTed to the webhook.
   */
  longConnection?: { subscribed(): boolean; push(plainText: string, eventId: string | undefined, attempt: number): Promise<Delivery> };
  /** Why the Lark client would not send a press on this card at all (it is too old), if it would not. */
  refusePress?: (messageId: string) => { code: number; msg: string } | undefined;
}

/** Per-delivery tampering, for tests of the bot's verification. */
export interface DeliveryOptions {
  /** The X-Lark-Request-Timestamp to send (default: now on the clock, unix seconds). */
  timestamp?: string;
  /** Shifts the timestamp, e.g. -600 for a stale one. */
  timestampOffsetSeconds?: number;
  nonce?: string;
  /** Sends a signature that does not match the body. */
  badSignature?: boolean;
  /** Overrides header.token (the Verification Token) in the envelope. */
  token?: string;
  /** Extra or replacement headers. */
  headers?: Record<string, string>;
}

export interface Delivery {
  eventId: string | undefined;
  attempt: number;
  status: number;
  /** The bot's answer, parsed as JSON when it is JSON, else the text. */
  body: unknown;
  rawBody: string;
  timedOut: boolean;
  durationMs: number;
}

export interface MessageEventResult extends Delivery {
  eventId: string;
  messageId: string;
}

export interface ButtonPressResult extends Delivery {
  eventId: string;
  toast?: CallbackToast;
  /** The `card` of the bot's answer, if any. */
  card?: unknown;
  cardUpdated: boolean;
  /**
   * The error the Lark client would show (200341 timeout, 200671 non-200, 200672, 200673, 200830;
   * 230031 for a card older than 14 days, whose press the client never sends: `attempt` is 0).
   */
  clientError?: { code: number; msg: string };
}

export interface ChallengeResult extends Delivery {
  challenge: string;
  /** True when the bot answered 200 with exactly {"challenge": <the same string>}. */
  ok: boolean;
}

export interface EventSender {
  sendMessageEvent(input: MessageEventInput, options?: DeliveryOptions): Promise<MessageEventResult>;
  pressButton(input: ButtonPressInput, options?: DeliveryOptions): Promise<ButtonPressResult>;
  /** A chat event (the bot removed or added, the chat disbanded, a member gone), retried like any event. */
  sendChatEvent(input: ChatEventInput, options?: DeliveryOptions): Promise<Delivery & { eventId: string }>;
  /** im.message.recalled_v1 for a message recalled in a chat, signed and retried like any event. */
  sendRecallEvent(input: RecallEventInput, options?: DeliveryOptions): Promise<Delivery & { eventId: string }>;
  challenge(input?: { encrypted?: boolean; challenge?: string; token?: string; signed?: boolean }): Promise<ChallengeResult>;
  /** Sends a body as-is (a string is sent verbatim); `sign` adds Lark's headers over those bytes. */
  sendRaw(body: unknown, headers?: Record<string, string>, options?: { sign?: boolean }): Promise<Delivery>;
  /** Resends an earlier event unchanged (same event_id) with a fresh timestamp, nonce and signature. */
  redeliver(eventId: string, options?: DeliveryOptions): Promise<Delivery>;
  /** Resends an earlier event under a new event_id (the same message_id), which Lark may also do. */
  resendAsNewEvent(eventId: string, options?: DeliveryOptions): Promise<Delivery>;
  /** Every delivery attempt so far, retries included. */
  deliveries: Delivery[];
  /** The plaintext envelope of an event sent earlier. */
  envelope(eventId: string): Record<string, unknown> | undefined;
  /** Resolves when no retry is scheduled or in flight. */
  idle(): Promise<void>;
  /** Cancels scheduled retries. */
  close(): void;
}

export function createEventSender(options: EventSenderOptions): EventSender {
  const clock = options.clock ?? systemClock;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 3000;
  const tenantKey = options.tenantKey ?? randomHex(8);
  const botOpenId = options.botOpenId ?? `ou_${randomHex(16)}`;
  const retryDelays = options.retries ? options.retries.delaysMs : [];
  const envelopes = new Map<string, Record<string, unknown>>();
  const deliveries: Delivery[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  /** Retry sequences still running, each with the function that settles its waiters. */
  const inFlight = new Map<Promise<void>, () => void>();
  let closed = false;

  const url = () => (typeof options.webhookUrl === 'function' ? options.webhookUrl() : options.webhookUrl);

  /** Posts exactly `raw` with `headers`, waiting at most the timeout. */
  async function post(raw: string, headers: Record<string, string>, eventId: string | undefined, attempt: number): Promise<Delivery> {
    const started = Date.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let delivery: Delivery;
    try {
      const res = await doFetch(url(), {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Lark-Sandbox/1.0', ...headers },
        body: raw,
        redirect: 'manual',
        signal: controller.signal,
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Not JSON: keep the text.
      }
      delivery = { eventId, attempt, status: res.status, body, rawBody: text, timedOut: false, durationMs: Date.now() - started };
    } catch (error) {
      const timedOut = controller.signal.aborted;
      delivery = {
        eventId,
        attempt,
        status: 0,
        body: timedOut ? undefined : String(error),
        rawBody: '',
        timedOut,
        durationMs: Date.now() - started,
      };
    } finally {
      clearTimeout(timer);
    }
    deliveries.push(delivery);
    return delivery;
  }

  /** Serializes compactly, encrypts when configured, and signs the exact bytes sent. */
  async function seal(plain: unknown, tamper: DeliveryOptions = {}, sign = true): Promise<{ raw: string; headers: Record<string, string> }> {
    const plainText = typeof plain === 'string' ? plain : JSON.stringify(plain);
    const headers: Record<string, string> = {};
    let raw = plainText;
    if (options.encryptKey !== undefined) {
      raw = JSON.stringify({ encrypt: await encryptEvent(plainText, options.encryptKey) });
      if (sign) {
        const seconds = Math.floor(clock().getTime() / 1000) + (tamper.timestampOffsetSeconds ?? 0);
        const timestamp = tamper.timestamp ?? String(seconds);
        const nonce = tamper.nonce ?? newNonce();
        let signature = await signEvent(timestamp, nonce, options.encryptKey, raw);
        if (tamper.badSignature) signature = signature.replace(/^./, (ch) => (ch === '0' ? '1' : '0'));
        headers['X-Lark-Request-Timestamp'] = timestamp;
        headers['X-Lark-Request-Nonce'] = nonce;
        headers['X-Lark-Signature'] = signature;
      }
    }
    return { raw, headers: { ...headers, ...tamper.headers } };
  }

  function withToken(envelope: Record<string, unknown>, token: string | undefined): Record<string, unknown> {
    if (token === undefined) return envelope;
    const header = envelope.header as Record<string, unknown>;
    return { ...envelope, header: { ...header, token } };
  }

  async function deliver(envelope: Record<string, unknown>, tamper: DeliveryOptions, attempt: number): Promise<Delivery> {
    const eventId = (envelope.header as { event_id?: string } | undefined)?.event_id;
    const plain = withToken(envelope, tamper.token);
    if (options.longConnection?.subscribed()) {
      // Over the long connection Lark sends the envelope in plaintext, unsigned (API.md §6.3).
      const delivery = await options.longConnection.push(JSON.stringify(plain), eventId, attempt);
      deliveries.push(delivery);
      return delivery;
    }
    const { raw, headers } = await seal(plain, tamper);
    return post(raw, headers, eventId, attempt);
  }

  /** Lark retries a failed event on its schedule; card callbacks are never retried. */
  function scheduleRetries(envelope: Record<string, unknown>, first: Delivery): void {
    if (retryDelays.length === 0 || (first.status === 200 && !first.timedOut)) return;
    let settle!: () => void;
    const finished = new Promise<void>((resolve) => (settle = resolve));
    const done = () => {
      inFlight.delete(finished);
      settle();
    };
    inFlight.set(finished, done);
    const attemptAt = (index: number) => {
      if (closed || index >= retryDelays.length) {
        done();
        return;
      }
      const timer = setTimeout(async () => {
        timers.delete(timer);
        const delivery = await deliver(envelope, {}, index + 2);
        if (delivery.status === 200 && !delivery.timedOut) {
          done();
        } else {
          attemptAt(index + 1);
        }
      }, retryDelays[index]);
      timers.add(timer);
    };
    attemptAt(0);
  }

  const source: EventSource = { verificationToken: options.verificationToken, appId: options.appId, tenantKey };

  const sender: EventSender = {
    deliveries,

    async sendMessageEvent(input, tamper = {}) {
      const eventId = input.eventId ?? newEventId();
      const messageId = input.messageId ?? newMessageId();
      const nowMs = String(clock().getTime());
      const bot = { openId: botOpenId, name: options.botName ?? 'duban' };
      const { envelope, content, mentions } = messageEvent(source, input, { eventId, messageId, createTime: nowMs }, bot);
      const senderType = input.senderType ?? 'user';
      envelopes.set(eventId, envelope);
      if (senderType === 'user') {
        options.onUserMessage?.({
          chatId: input.chatId,
          senderOpenId: input.senderOpenId,
          content,
          messageId,
          ...(input.rootId !== undefined && { rootId: input.rootId }),
          ...(input.parentId !== undefined && { parentId: input.parentId }),
          ...(input.threadId !== undefined && { threadId: input.threadId }),
          mentions: mentions.map((m) => ({ key: m.key, id: m.id.open_id, id_type: 'open_id', name: m.name, tenant_key: tenantKey })),
        });
      }
      const delivery = await deliver(envelope, tamper, 1);
      scheduleRetries(envelope, delivery);
      return { ...delivery, eventId, messageId };
    },

    async pressButton(input, tamper = {}) {
      const eventId = input.eventId ?? newEventId();
      // The client refuses the press itself: nothing reaches the bot.
      const refused = options.refusePress?.(input.messageId);
      if (refused) return { eventId, attempt: 0, status: 0, body: undefined, rawBody: '', timedOut: false, durationMs: 0, cardUpdated: false, clientError: refused };
      // Card callbacks carry create_time in microseconds (16 digits).
      const nowMicros = `${clock().getTime()}000`;
      const envelope = cardActionEvent(source, input, eventId, nowMicros);
      envelopes.set(eventId, envelope);
      const delivery = await deliver(envelope, tamper, 1);
      const result: ButtonPressResult = { ...delivery, eventId, cardUpdated: false };
      if (delivery.timedOut) {
        result.clientError = { code: 200341, msg: `the bot did not answer within ${timeoutMs} ms` };
      } else if (delivery.status !== 200) {
        result.clientError = { code: 200671, msg: `the bot answered HTTP ${delivery.status}` };
      } else if (typeof delivery.body !== 'object' || delivery.body === null) {
        result.clientError = { code: 200672, msg: 'the bot answered a body that is not a JSON object' };
      } else {
        const body = delivery.body as { toast?: CallbackToast; card?: unknown };
        if (body.toast !== undefined) result.toast = body.toast;
        if (body.card !== undefined) result.card = body.card;
        const outcome = options.onCardResponse?.(input.messageId, delivery.body);
        if (outcome) {
          result.cardUpdated = outcome.cardUpdated;
          if (outcome.clientError) result.clientError = outcome.clientError;
        }
      }
      return result;
    },

    async sendChatEvent(input, tamper = {}) {
      const eventId = input.eventId ?? newEventId();
      const envelope = chatEvent(source, input, eventId, String(clock().getTime()));
      envelopes.set(eventId, envelope);
      const delivery = await deliver(envelope, tamper, 1);
      scheduleRetries(envelope, delivery);
      return { ...delivery, eventId };
    },

    async sendRecallEvent(input, tamper = {}) {
      const eventId = input.eventId ?? newEventId();
      const envelope = recallEvent(source, input, eventId, String(clock().getTime()));
      envelopes.set(eventId, envelope);
      const delivery = await deliver(envelope, tamper, 1);
      scheduleRetries(envelope, delivery);
      return { ...delivery, eventId };
    },

    async challenge(input = {}) {
      const challenge = input.challenge ?? randomHex(16);
      const plain = { challenge, token: input.token ?? options.verificationToken, type: 'url_verification' };
      // Whether Lark signs the challenge is UNCONFIRMED; by default it is sent without X-Lark-*
      // headers, so a bot that verifies before answering the challenge fails here.
      let raw = JSON.stringify(plain);
      let headers: Record<string, string> = {};
      if (input.encrypted) {
        if (options.encryptKey === undefined) throw new Error('challenge({ encrypted: true }) needs an encryptKey');
        ({ raw, headers } = await seal(plain, {}, input.signed ?? false));
      }
      const delivery = await post(raw, headers, undefined, 1);
      const body = delivery.body as { challenge?: unknown } | undefined;
      const ok =
        delivery.status === 200 &&
        typeof body === 'object' &&
        body !== null &&
        body.challenge === challenge &&
        Object.keys(body).length === 1;
      return { ...delivery, challenge, ok };
    },

    async sendRaw(body, headers = {}, rawOptions = {}) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      let signed: Record<string, string> = {};
      if (rawOptions.sign && options.encryptKey !== undefined) {
        const timestamp = String(Math.floor(clock().getTime() / 1000));
        const nonce = newNonce();
        signed = {
          'X-Lark-Request-Timestamp': timestamp,
          'X-Lark-Request-Nonce': nonce,
          'X-Lark-Signature': await signEvent(timestamp, nonce, options.encryptKey, raw),
        };
      }
      return post(raw, { ...signed, ...headers }, undefined, 1);
    },

    async redeliver(eventId, tamper = {}) {
      const envelope = envelopes.get(eventId);
      if (!envelope) throw new Error(`No event ${eventId} was sent by this event sender`);
      const attempt = deliveries.filter((d) => d.eventId === eventId).length + 1;
      return deliver(envelope, tamper, attempt);
    },

    async resendAsNewEvent(eventId, tamper = {}) {
      const envelope = envelopes.get(eventId);
      if (!envelope) throw new Error(`No event ${eventId} was sent by this event sender`);
      const newId = newEventId();
      const copy = { ...envelope, header: { ...(envelope.header as Record<string, unknown>), event_id: newId } };
      envelopes.set(newId, copy);
      return deliver(copy, tamper, 1);
    },

    envelope: (eventId) => envelopes.get(eventId),

    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight.keys()]);
    },

    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      // Settle waiters: scheduled retries will not run.
      for (const done of [...inFlight.values()]) done();
    },
  };
  return sender;
}
