/**
 * Keeps the cards people still need alive (SPEC §4 "Cards live 14 days in Lark"): Lark lets a card
 * be pressed or updated for 14 days after it was sent, and the handling takes months. Run by the
 * sweep every day, rest days included (it is not a reminder): every copy of a card that still
 * needs to live (src/core/living-cards.ts) and is `cards.refreshAfterDays` days old is replaced by
 * a new copy posted below, and the earlier copies are updated (while Lark still lets them) to a
 * buttonless notice saying where the current one is; from then on only the new copy is updated.
 * When a newer copy was posted meanwhile (`/status` posts the board again), that one takes over
 * and nothing is posted. A copy past 14 days that nothing needs any more is retired: never read
 * again.
 *
 * Everything is read and written in one immediate transaction: two sweeps the same day, or at
 * once, replace a card once. The new card is queued before the updates of the old ones, so the
 * outbox (oldest first per suggestion) sends it first and the notice can say when it was posted.
 */
import type { CardKind } from '../adapters/cards/card-model.ts';
import { loadAggregate } from '../adapters/sqlite/aggregate-store.ts';
import { liveCardsSentBy, liveCopies, retireCards, type CardRecord } from '../adapters/sqlite/card-store.ts';
import type { SqliteDb } from '../adapters/sqlite/db.ts';
import { outboxWriter } from '../adapters/sqlite/outbox-writer.ts';
import type { WorkingDayCalendar } from '../core/calendar/working-day-calendar.ts';
import { DAY_MS, localDate } from '../core/clock.ts';
import { openDeadlines } from '../core/deadlines/deadlines.ts';
import type { Policy } from '../core/deadlines/policy.ts';
import { cardExpired, cardNeedsToLive, SUPERVISORS_GROUP_CARD_KINDS } from '../core/living-cards.ts';

export interface CardRefresh {
  suggestionId: string;
  kind: CardKind;
  subjectId: string;
  /** The copies replaced (cd_…), oldest first. */
  replaces: string[];
  /** The copy that replaces them: posted now (null in a dry run), or a newer one already there. */
  card: string | null;
  reposted: boolean;
}

export interface LivingCardsResult {
  refreshed: CardRefresh[];
  /** Copies past Lark's 14 days that nothing needs any more: no longer looked after. */
  lapsed: number;
}

export interface LivingCardsDeps {
  db: SqliteDb;
  calendar: WorkingDayCalendar;
  policy: Policy;
  timeZone: string;
  /** Where the 协调处理 and 质量评审 cards live; without it they are not re-posted. */
  supervisorChatId?: string | undefined;
}

type Plan = { lapse: string[] } | { refresh: CardRefresh; copies: CardRecord[] };

export function refreshLivingCards(deps: LivingCardsDeps, options: { now: Date; dryRun: boolean }): LivingCardsResult {
  const run = () => {
    const plans = plan(deps, options.now);
    if (!options.dryRun) write(deps, plans, options.now);
    return {
      refreshed: plans.flatMap((p) => ('refresh' in p ? [p.refresh] : [])),
      lapsed: plans.reduce((n, p) => n + ('lapse' in p ? p.lapse.length : 0), 0),
    };
  };
  return options.dryRun ? run() : deps.db.transaction(run, { behavior: 'immediate' });
}

function plan(deps: LivingCardsDeps, now: Date): Plan[] {
  const { db, policy } = deps;
  const refreshBy = new Date(now.getTime() - policy.cards.refreshAfterDays * DAY_MS).toISOString();
  const today = localDate(now, deps.timeZone);
  const due = liveCardsSentBy(db, new Date(refreshBy));
  const bySuggestion = new Map<string, Map<string, CardRecord>>();
  for (const card of due) {
    if (!card.suggestionId) continue;
    const cards = bySuggestion.get(card.suggestionId) ?? new Map<string, CardRecord>();
    cards.set(`${card.kind}|${card.subjectId}`, card);
    bySuggestion.set(card.suggestionId, cards);
  }
  const plans: Plan[] = [];
  for (const [suggestionId, cards] of bySuggestion) {
    const agg = loadAggregate(db, suggestionId);
    const deadlines = agg ? openDeadlines(agg, { policy, calendar: deps.calendar, timeZone: deps.timeZone }) : [];
    for (const { kind, subjectId } of cards.values()) {
      // A copy still waiting in the outbox stays as it is: it is sent, and looked at, later.
      const copies = liveCopies(db, kind, subjectId).filter((c) => c.messageId !== null);
      const postable = !SUPERVISORS_GROUP_CARD_KINDS.has(kind) || deps.supervisorChatId !== undefined;
      if (!agg || !postable || !cardNeedsToLive(agg, { kind, subjectId }, { today, deadlines })) {
        const lapse = copies.filter((c) => cardExpired(c.sentAt, now)).map((c) => c.id);
        if (lapse.length > 0) plans.push({ lapse });
        continue;
      }
      const newest = copies.at(-1)!;
      const newestIsYoung = newest.sentAt! > refreshBy;
      const replaced = newestIsYoung ? copies.slice(0, -1) : copies;
      plans.push({
        copies: replaced,
        refresh: { suggestionId, kind, subjectId, replaces: replaced.map((c) => c.id), card: newestIsYoung ? newest.id : null, reposted: !newestIsYoung },
      });
    }
  }
  return plans;
}

function write(deps: LivingCardsDeps, plans: Plan[], now: Date): void {
  const outbox = outboxWriter(deps.db);
  for (const p of plans) {
    if ('lapse' in p) {
      retireCards(deps.db, p.lapse, now, null);
      continue;
    }
    const r = p.refresh;
    const chatId = SUPERVISORS_GROUP_CARD_KINDS.has(r.kind) ? deps.supervisorChatId : undefined;
    r.card ??= outbox.postCard({ suggestionId: r.suggestionId, kind: r.kind, subjectId: r.subjectId, ...(chatId && { chatId }) }, now);
    retireCards(deps.db, r.replaces, now, r.card);
    // The notice on each old copy, while Lark still takes an update of it.
    for (const copy of p.copies) {
      if (!cardExpired(copy.sentAt, now)) outbox.enqueue(r.suggestionId, { kind: 'patch_card', cardMessageId: copy.id }, now);
    }
  }
}
