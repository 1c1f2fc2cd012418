/**
 * Delivers the outbox to Lark (SPEC §6): oldest first per suggestion, within Lark's rate limits,
 * with retries and back-off for what can succeed later (429 / 99991400 after
 * `x-ogw-ratelimit-reset`, 230020, 5xx, timeouts, an invalid token after refreshing it), and a
 * kept, visible failure for what cannot. Every send carries the row id as Lark's `uuid`, so a
 * crash between sending and recording never sends twice: the retry gets the original back.
 */
import type { WorkingDayCalendar } from '../../core/calendar/working-day-calendar.ts';
import { renderFixedCard } from '../cards/render-card.ts';
import type { Clock } from '../../core/clock.ts';
import type { Policy } from '../../core/deadlines/policy.ts';
import type { SqliteDb } from '../sqlite/db.ts';
import { cardRecord, markCardSent, type CardRecord } from '../sqlite/card-store.ts';
import { CARD_LIFETIME_DAYS, cardExpired } from '../../core/living-cards.ts';
import { LarkApiError, type LarkApi, type SentMessage } from './lark-api.ts';
import { lostGroups } from './lost-groups.ts';
import type { Logger } from '../logger.ts';
import { chatOfSuggestion, recordChat } from '../sqlite/chat-store.ts';
import { storeBotMessage } from '../sqlite/message-store.ts';
import { renderPostedCard } from '../cards/posted-card.ts';
import { dueRows, groupCreation, hasLaterPatch, markFailed, markSent, markSkipped, pendingAtLeast, reschedule, type OutboxRow } from '../sqlite/outbox-store.ts';
import type { DbOrTx } from '../sqlite/db.ts';
import type { OutboxPayload } from '../sqlite/outbox-payload.ts';
import { apiOf, limitsOf, type PacingRules } from './lark-pacing.ts';
import { SlidingWindowLimiter, type Limit } from './rate-limiter.ts';

export interface OutboxSenderDeps {
  db: SqliteDb;
  lark: LarkApi;
  clock: Clock;
  logger: Logger;
  policy: Policy;
  calendar: WorkingDayCalendar;
  timeZone: string;
  limits?: { maxAttempts?: number; pollMs?: number };
  /** Lark's rate limits as the sender keeps to them (tests may tighten them). */
  pacing?: PacingRules;
  /** Wall time in ms for the pacing: Lark counts its limits in real time, whatever `clock` says. */
  wallClock?: () => number;
  /** Runs a function soon, after the current work (setImmediate on Node; a zero timeout elsewhere). */
  defer?: (run: () => void) => void;
  /** The supervisors' group (DUBAN_SUPERVISOR_CHAT_ID): told when Lark's answer shows a group is lost. */
  supervisorChatId?: string | undefined;
  /**
   * Whether long work (an import) shares this event loop now: the drain is then held to
   * CALLS_PER_SECOND_WHILE_BUSY, so that the webhook keeps its share (src/app/long-work.ts).
   */
  longWorkRunning?: () => boolean;
}

export interface OutboxSender {
  /** Tries every row that is due now, once. Resolves with how many rows reached a final state. */
  deliverDue(): Promise<number>;
  /** Delivers soon (after a change queued rows). */
  kick(): void;
  start(): void;
  /** Stops polling and waits for the delivery in progress. */
  stop(): Promise<void>;
}

/** A row that cannot go yet (its chat or card is not there); not an error, try again later. */
class NotReady extends Error {}
/** A row whose purpose is gone (a card that was never sent); skip it. */
class NothingToDo extends Error {}
/** A row that can never go because one it depends on failed for good. */
class Blocked extends Error {}

const BATCH = 50;
const MAX_IN_FLIGHT = 32;
const MAX_BACKOFF_MS = 5 * 60_000;
/**
 * How long one pump may spend starting calls before it hands the event loop back and pumps again
 * soon: starting a card's call renders it (a few ms each), and 32 of them at once held a server
 * importing 10,000 rows for hundreds of ms, with the webhook waiting behind (issue 11).
 */
const PUMP_BUDGET_MS = 8;
/**
 * The drain's pace while long work runs in the same process: each call costs the event loop 2–3 ms
 * (a card rendered, the SDK's request, the answer recorded), and at Lark's own limits (50 calls a
 * second per API) the drain after a big import took a third of a core. The calls wait in the
 * outbox, none is lost, and Lark's 1,000 calls a minute per API bind a long drain anyway.
 */
const CALLS_PER_SECOND_WHILE_BUSY = 10;
const WHILE_BUSY: Limit = { key: 'duban:long-work', rules: [{ limit: CALLS_PER_SECOND_WHILE_BUSY, windowMs: 1000 }] };
/**
 * A backlog longer than Lark lets through in two minutes (1,000 calls a minute per API; after a
 * 10,000-row import, 40,000 calls) is spread over each minute, at EVEN_PER_API calls a second per
 * API: sending a minute's 1,000 in 20 s (Lark's 50 a second) and then nothing for 40 delivers no
 * sooner over the backlog and takes three times the event loop while it goes, which the webhook
 * felt (issue 11). A shorter burst goes at Lark's own pace.
 */
const LONG_BACKLOG = 2000;
const EVEN_PER_API = [{ limit: 17, windowMs: 1000 }] as const;
/** How often the backlog's length is looked at. */
const BACKLOG_CHECK_MS = 1000;

export function createOutboxSender(deps: OutboxSenderDeps): OutboxSender {
  const { db, lark, logger } = deps;
  const limiter = new SlidingWindowLimiter();
  const wallClock = deps.wallClock ?? Date.now;
  const maxAttempts = deps.limits?.maxAttempts ?? 15;
  const pollMs = deps.limits?.pollMs ?? 250;
  let timer: ReturnType<typeof setInterval> | undefined;
  const defer = deps.defer ?? ((run: () => void) => void setTimeout(run, 0));

  const chatOf = (suggestionId: string | null): string | undefined => (suggestionId ? chatOfSuggestion(db, suggestionId) : undefined);
  const lost = lostGroups({ db, clock: deps.clock, logger, supervisorChatId: deps.supervisorChatId });

  const cardMessage = (id: string) => cardRecord(db, id);

  function renderStoredCard(card: CardRecord): string {
    const rendered = renderPostedCard(db, card, { now: deps.clock(), timeZone: deps.timeZone, policy: deps.policy, calendar: deps.calendar });
    if (!rendered) throw new NothingToDo(`card ${card.kind} ${card.subjectId} has nothing to show`);
    return JSON.stringify(rendered);
  }

  /** When Lark took a message: its create_time (a card's 14 days count from it), else now. */
  const sentAtOf = (sent: SentMessage): Date => (sent.createTime ? new Date(Number(sent.createTime)) : deps.clock());

  function recordBotMessage(tx: DbOrTx, sent: SentMessage, suggestionId: string | null, msgType: string, content: string, text: string) {
    const at = deps.clock().toISOString();
    const sentAt = sentAtOf(sent).toISOString();
    storeBotMessage(tx, { messageId: sent.messageId, chatId: sent.chatId, suggestionId, msgType, text, content, rootId: sent.rootId ?? null, parentId: sent.parentId ?? null, sentAt }, at);
  }

  /**
   * The chat of the row's suggestion. Not there yet: wait for the group to be created. Never
   * coming (its creation failed for good): this row fails too, saying why.
   */
  function requireChat(row: OutboxRow): string {
    const chatId = chatOf(row.suggestionId);
    if (chatId) return chatId;
    const creation = row.suggestionId ? groupCreation(db, row.suggestionId) : undefined;
    if (creation?.status === 'failed') throw new Blocked(`the group was not created (outbox ${creation.id}: ${creation.lastError ?? 'failed'}); retry that row first`);
    throw new NotReady('the group is not created yet');
  }

  /**
   * Performs one row's call. Returns what to store as its result, and what to record about it,
   * which is written in the same transaction as marking the row sent.
   */
  async function perform(row: OutboxRow): Promise<{ result: unknown; record?: (tx: DbOrTx) => void }> {
    const p = row.payload;
    switch (p.kind) {
      case 'create_chat': {
        if (chatOf(row.suggestionId)) throw new NothingToDo('the suggestion already has its group');
        const { chatId } = await lark.createChat({ name: p.name, description: p.description, memberOpenIds: p.memberOpenIds, uuid: row.id });
        return {
          result: { chatId },
          record: (tx) =>
            recordChat(tx, row.suggestionId!, chatId, deps.clock()),
        };
      }
      case 'add_members':
        return { result: await lark.addMembers({ chatId: requireChat(row), openIds: p.openIds }) };
      case 'remove_members':
        return { result: await lark.removeMembers({ chatId: requireChat(row), openIds: p.openIds }) };
      case 'send_card': {
        const card = cardMessage(p.cardMessageId) ?? nothing('unknown card');
        if (card.messageId) throw new NothingToDo('already sent');
        const chatId = p.chatId ?? requireChat(row);
        const content = p.model ? JSON.stringify(renderFixedCard(p.model)) : renderStoredCard(card);
        const sent = await lark.sendMessage({ chatId, msgType: 'interactive', content, uuid: row.id });
        return {
          result: { messageId: sent.messageId },
          record: (tx) => {
            markCardSent(tx, card.id, sent.messageId, sentAtOf(sent));
            recordBotMessage(tx, sent, row.suggestionId, 'interactive', content, `[card:${card.kind}]`);
          },
        };
      }
      case 'patch_card': {
        if (hasLaterPatch(db, row, p.cardMessageId)) throw new NothingToDo('a later update of the same card supersedes this one');
        const card = cardMessage(p.cardMessageId) ?? nothing('unknown card');
        if (!card.messageId) throw new NothingToDo('the card was never sent');
        if (card.kind === 'reminder' || card.kind === 'digest' || card.kind === 'search_results' || card.kind === 'escalations') throw new NothingToDo('a reminder, digest, search result or escalations card is not updated');
        if (cardExpired(card.sentAt, deps.clock())) throw new NothingToDo(`Lark no longer updates a card sent more than ${CARD_LIFETIME_DAYS} days ago (230031)`);
        await lark.patchMessage({ messageId: card.messageId, content: renderStoredCard(card) });
        return { result: { messageId: card.messageId } };
      }
      case 'send_text': {
        const content = JSON.stringify({ text: p.text });
        const sent = p.replyToMessageId
          ? await lark.replyMessage({ messageId: p.replyToMessageId, msgType: 'text', content, uuid: row.id })
          : p.openId
            ? await lark.sendMessage({ openId: p.openId, msgType: 'text', content, uuid: row.id })
            : await lark.sendMessage({ chatId: p.chatId ?? requireChat(row), msgType: 'text', content, uuid: row.id });
        const ownGroup = !p.chatId && !p.openId;
        return { result: { messageId: sent.messageId }, record: (tx) => recordBotMessage(tx, sent, ownGroup ? row.suggestionId : null, 'text', content, p.text) };
      }
      case 'urgent': {
        const card = cardMessage(p.cardMessageId) ?? nothing('unknown card');
        if (!card.messageId) throw new NotReady('the card is not sent yet');
        return { result: await lark.urgent({ messageId: card.messageId, openIds: p.openIds, channel: p.channel }) };
      }
    }
  }

  /** The limits a row's call must fit in (the chat a send posts into, once the group exists). */
  const limitsOfRow = (row: OutboxRow) => {
    const p = row.payload;
    if (p.kind === 'send_text' && p.openId) return limitsOf(p, `user:${p.openId}`, deps.pacing);
    return limitsOf(p, p.kind === 'send_card' || p.kind === 'send_text' ? (p.chatId ?? chatOf(row.suggestionId)) : undefined, deps.pacing);
  };

  async function deliver(row: OutboxRow): Promise<boolean> {
    // A lost group (the bot removed, the chat disbanded) is never called: the row fails at once.
    if (lost.failIfLost(row)) return true;
    try {
      const { result, record } = await perform(row);
      db.transaction((tx) => {
        record?.(tx);
        markSent(tx, row.id, deps.clock(), result);
      });
      return true;
    } catch (error) {
      return handleFailure(row, error);
    }
  }

  function handleFailure(row: OutboxRow, error: unknown): boolean {
    const now = deps.clock();
    const log = { outboxId: row.id, kind: row.kind, suggestionId: row.suggestionId, attempts: row.attempts + 1 };
    if (error instanceof NothingToDo) {
      markSkipped(db, row.id, error.message);
      return true;
    }
    if (error instanceof NotReady) {
      reschedule(db, row.id, new Date(now.getTime() + 1000), error.message);
      return false;
    }
    if (error instanceof Blocked) {
      markFailed(db, row.id, error.message);
      return true;
    }
    if (error instanceof LarkApiError && lost.noteRefusal(row, error)) return true;
    if (!(error instanceof LarkApiError)) {
      logger.error({ ...log, err: error }, 'outbox row failed: unexpected error');
      markFailed(db, row.id, `unexpected error: ${(error as Error).message ?? String(error)}`);
      return true;
    }
    if (error.kind === 'permanent' || row.attempts + 1 >= maxAttempts) {
      logger.warn({ ...log, error: error.message }, 'outbox row failed for good');
      markFailed(db, row.id, error.message);
      return true;
    }
    const delay =
      error.kind === 'rate_limited'
        ? (error.retryAfterMs ?? 1000)
        : error.kind === 'token_invalid'
          ? 0
          : Math.min(MAX_BACKOFF_MS, 1000 * 2 ** row.attempts) * (0.75 + Math.random() * 0.5);
    logger.info({ ...log, error: error.message, retryInMs: Math.round(delay) }, 'outbox row will be retried');
    reschedule(db, row.id, new Date(now.getTime() + delay), error.message);
    return false;
  }

  /**
   * Rows of different suggestions go out independently: a slow call holds back only the rows of
   * its own suggestion. At most MAX_IN_FLIGHT calls at a time.
   */
  const inFlight = new Map<string, Promise<boolean>>();
  let pumpQueued = false;
  let stopped = false;
  const queueKey = (row: OutboxRow) => row.suggestionId ?? row.id;

  let backlogCheckedAt = -Infinity;
  let backlogIsLong = false;
  function longBacklog(nowMs: number): boolean {
    if (nowMs - backlogCheckedAt >= BACKLOG_CHECK_MS) {
      backlogCheckedAt = nowMs;
      backlogIsLong = pendingAtLeast(db, LONG_BACKLOG);
    }
    return backlogIsLong;
  }

  function pump(): Array<Promise<boolean>> {
    if (stopped) return [];
    const started: Array<Promise<boolean>> = [];
    let rows: OutboxRow[];
    try {
      rows = dueRows(db, deps.clock(), BATCH + inFlight.size);
    } catch (error) {
      logger.error({ err: error }, 'outbox: cannot read due rows');
      return [];
    }
    const t = wallClock();
    // Elapsed time of this process, not a moment of the handling: the injected clock does not apply.
    const began = performance.now();
    let soonest = Infinity;
    for (const row of rows) {
      if (inFlight.size >= MAX_IN_FLIGHT) break;
      if (performance.now() - began >= PUMP_BUDGET_MS) {
        schedulePump();
        break;
      }
      const key = queueKey(row);
      if (inFlight.has(key)) continue;
      // A call goes only when it fits in Lark's limits; otherwise it stays due, and the pump comes
      // back when the first slot frees rather than spinning.
      const limits = limitsOfRow(row);
      if (longBacklog(t)) limits.push({ key: `duban:even:${apiOf(row.payload)}`, rules: EVEN_PER_API });
      if (deps.longWorkRunning?.()) limits.push(WHILE_BUSY);
      const wait = limiter.waitMs(limits, t);
      if (wait > 0) {
        soonest = Math.min(soonest, wait);
        continue;
      }
      const answered = limiter.take(limits, t);
      const delivery = deliver(row)
        .catch((error) => {
          logger.error({ err: error, outboxId: row.id }, 'outbox delivery crashed');
          return false;
        })
        .finally(() => {
          answered(wallClock());
          inFlight.delete(key);
          schedulePump();
        });
      inFlight.set(key, delivery);
      started.push(delivery);
    }
    if (soonest < Infinity) wakeIn(soonest);
    return started;
  }

  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  let wakeAt = Infinity;
  /** Pumps again in `ms` (the earliest of the wake-ups asked for). */
  function wakeIn(ms: number) {
    const at = wallClock() + ms;
    if (wakeTimer && wakeAt <= at) return;
    if (wakeTimer) clearTimeout(wakeTimer);
    wakeAt = at;
    wakeTimer = setTimeout(() => {
      wakeTimer = undefined;
      wakeAt = Infinity;
      schedulePump();
    }, ms);
  }

  function schedulePump() {
    if (pumpQueued || stopped) return;
    pumpQueued = true;
    defer(() => {
      pumpQueued = false;
      pump();
    });
  }

  async function deliverDue(): Promise<number> {
    const done = await Promise.all([...pump(), ...inFlight.values()]);
    return done.filter(Boolean).length;
  }

  return {
    deliverDue,
    kick: schedulePump,
    start() {
      stopped = false;
      if (!timer) timer = setInterval(() => pump(), pollMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (wakeTimer) clearTimeout(wakeTimer);
      timer = undefined;
      await Promise.all(inFlight.values());
    },
  };
}

function notReady(message: string): never {
  throw new NotReady(message);
}

function nothing(message: string): never {
  throw new NothingToDo(message);
}
