/**
 * Delivers the outbox to Lark (SPEC §6): oldest first per suggestion, within Lark's rate limits,
 * with retries and back-off for what can succeed later (429 / 99991400 after
 * `x-ogw-ratelimit-reset`, 230020, 5xx, timeouts, an invalid token after refreshing it), and a
 * kept, visible failure for what cannot. Every send carries the row id as Lark's `uuid`, so a
 * crash between sending and recording never sends twice: the retry gets the original back.
 */
import { eq } from 'drizzle-orm';
import type { WorkingDayCalendar } from '../calendar/working-day-calendar.ts';
import { renderCard } from '../cards/render-card.ts';
import type { CardKind } from '../cards/card-model.ts';
import type { Clock } from '../domain/clock.ts';
import type { Policy } from '../domain/policy.ts';
import type { Db } from '../db/open-database.ts';
import * as schema from '../db/schema.ts';
import { LarkApiError, type LarkApi, type SentMessage } from '../lark/lark-api.ts';
import type { Logger } from '../logger.ts';
import { loadAggregate } from '../store/aggregate-store.ts';
import { chatOfSuggestion } from '../store/chat-store.ts';
import { buildCardModel } from './card-views.ts';
import { dueRows, hasLaterPatch, markFailed, markSent, markSkipped, reschedule, type OutboxRow } from './outbox-store.ts';
import { SlidingWindowLimiter } from './rate-limiter.ts';

export interface OutboxWorkerDeps {
  db: Db;
  lark: LarkApi;
  clock: Clock;
  logger: Logger;
  policy: Policy;
  calendar: WorkingDayCalendar;
  timeZone: string;
  limits?: { appPerSecond?: number; chatPerSecond?: number; maxAttempts?: number; pollMs?: number };
}

export interface OutboxWorker {
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

const BATCH = 50;
const MAX_BACKOFF_MS = 5 * 60_000;

export function createOutboxWorker(deps: OutboxWorkerDeps): OutboxWorker {
  const { db, lark, logger } = deps;
  const appLimit = new SlidingWindowLimiter(deps.limits?.appPerSecond ?? 50, 1000);
  const chatLimit = new SlidingWindowLimiter(deps.limits?.chatPerSecond ?? 5, 1000);
  const maxAttempts = deps.limits?.maxAttempts ?? 15;
  const pollMs = deps.limits?.pollMs ?? 250;
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<number> | undefined;
  let again = false;

  const chatOf = (suggestionId: string | null): string | undefined => (suggestionId ? chatOfSuggestion(db, suggestionId) : undefined);

  const cardMessage = (id: string) => db.select().from(schema.cardMessages).where(eq(schema.cardMessages.id, id)).get();

  function renderStoredCard(card: { kind: string; subjectId: string; suggestionId: string | null }): string {
    const agg = card.suggestionId ? loadAggregate(db, card.suggestionId) : undefined;
    const model = agg && buildCardModel(db, agg, { kind: card.kind as CardKind, subjectId: card.subjectId }, { now: deps.clock(), timeZone: deps.timeZone, policy: deps.policy, calendar: deps.calendar });
    if (!model) throw new NothingToDo(`card ${card.kind} ${card.subjectId} has nothing to show`);
    return JSON.stringify(renderCard(model));
  }

  function recordBotMessage(sent: SentMessage, suggestionId: string | null, msgType: string, content: string, text: string) {
    const at = deps.clock().toISOString();
    db.insert(schema.groupMessages)
      .values({
        messageId: sent.messageId,
        chatId: sent.chatId,
        suggestionId,
        senderOpenId: null,
        senderType: 'app',
        msgType,
        text,
        content,
        rootId: sent.rootId ?? null,
        parentId: sent.parentId ?? null,
        threadId: null,
        sentAt: sent.createTime ? new Date(Number(sent.createTime)).toISOString() : at,
        receivedAt: at,
      })
      .onConflictDoNothing()
      .run();
  }

  /** Performs one row's call; returns what to store as its result. */
  async function perform(row: OutboxRow): Promise<unknown> {
    const p = row.payload;
    switch (p.kind) {
      case 'create_chat': {
        if (chatOf(row.suggestionId)) throw new NothingToDo('the suggestion already has its group');
        const { chatId } = await lark.createChat({ name: p.name, description: p.description, memberOpenIds: p.memberOpenIds, uuid: row.id });
        db.insert(schema.suggestionChats).values({ suggestionId: row.suggestionId!, chatId, createdAt: deps.clock().toISOString() }).onConflictDoNothing().run();
        return { chatId };
      }
      case 'add_members': {
        const chatId = chatOf(row.suggestionId) ?? notReady('the group is not created yet');
        return lark.addMembers({ chatId, openIds: p.openIds });
      }
      case 'send_card': {
        const card = cardMessage(p.cardMessageId) ?? nothing('unknown card');
        if (card.messageId) throw new NothingToDo('already sent');
        const chatId = p.chatId ?? chatOf(row.suggestionId) ?? notReady('the group is not created yet');
        const content = renderStoredCard(card);
        const sent = await lark.sendMessage({ chatId, msgType: 'interactive', content, uuid: row.id });
        db.transaction((tx) => {
          tx.update(schema.cardMessages).set({ messageId: sent.messageId }).where(eq(schema.cardMessages.id, card.id)).run();
        });
        recordBotMessage(sent, row.suggestionId, 'interactive', content, `[card:${card.kind}]`);
        return { messageId: sent.messageId };
      }
      case 'patch_card': {
        if (hasLaterPatch(db, row, p.cardMessageId)) throw new NothingToDo('a later update of the same card supersedes this one');
        const card = cardMessage(p.cardMessageId) ?? nothing('unknown card');
        if (!card.messageId) throw new NothingToDo('the card was never sent');
        await lark.patchMessage({ messageId: card.messageId, content: renderStoredCard(card) });
        return { messageId: card.messageId };
      }
      case 'send_text': {
        const chatId = p.chatId ?? chatOf(row.suggestionId) ?? notReady('the group is not created yet');
        const content = JSON.stringify({ text: p.text });
        const sent = p.replyToMessageId
          ? await lark.replyMessage({ messageId: p.replyToMessageId, msgType: 'text', content, uuid: row.id })
          : await lark.sendMessage({ chatId, msgType: 'text', content, uuid: row.id });
        recordBotMessage(sent, p.chatId ? null : row.suggestionId, 'text', content, p.text);
        return { messageId: sent.messageId };
      }
      case 'urgent': {
        const card = cardMessage(p.cardMessageId) ?? nothing('unknown card');
        if (!card.messageId) throw new NotReady('the card is not sent yet');
        return lark.urgent({ messageId: card.messageId, openIds: p.openIds, channel: p.channel });
      }
    }
  }

  /** The chat a row posts into, for the per-chat limit; undefined for calls that post nothing. */
  function limitedChat(row: OutboxRow): string | undefined {
    const p = row.payload;
    if (p.kind === 'send_card' || p.kind === 'send_text') return p.chatId ?? chatOf(row.suggestionId);
    if (p.kind === 'patch_card') return `card:${p.cardMessageId}`;
    return undefined;
  }

  async function deliver(row: OutboxRow): Promise<boolean> {
    const now = deps.clock();
    const t = now.getTime();
    const chatKey = limitedChat(row);
    const wait = Math.max(appLimit.waitMs('app', t), chatKey ? chatLimit.waitMs(chatKey, t) : 0);
    if (wait > 0) return false; // stays pending and due; picked up again on a later pass
    appLimit.take('app', t);
    if (chatKey) chatLimit.take(chatKey, t);
    try {
      const result = await perform(row);
      markSent(db, row.id, deps.clock(), result);
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

  async function deliverDue(): Promise<number> {
    const rows = dueRows(db, deps.clock(), BATCH);
    const done = await Promise.all(rows.map((row) => deliver(row)));
    return done.filter(Boolean).length;
  }

  /** One pass at a time; a kick during a pass asks for another pass after it. */
  function tick(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      try {
        let delivered: number;
        do {
          again = false;
          delivered = await deliverDue();
          total += delivered;
        } while (again || delivered > 0);
      } catch (error) {
        logger.error({ err: error }, 'outbox pass failed');
      } finally {
        running = undefined;
      }
      return total;
    })();
    return running;
  }

  return {
    deliverDue,
    kick: () => void tick(),
    start() {
      if (!timer) timer = setInterval(() => void tick(), pollMs);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

function notReady(message: string): never {
  throw new NotReady(message);
}

function nothing(message: string): never {
  throw new NothingToDo(message);
}
