/**
 * Cards live 14 days in Lark (SPEC §4), on real SQLite files with an injected clock: which cards
 * must outlive that (src/core/living-cards.ts) as a suggestion moves through its life, and the
 * sweep's refresh (src/app/living-cards.ts): a card still needed is re-posted once it is 12 days
 * old, every day including rest days, once however many sweeps run; the earlier copies point to it
 * and are no longer updated; a card nothing needs lapses. The outbox is played by marking cards
 * sent at a given moment, as the sender does (`markCardSent`).
 */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { renderPostedCard } from '../src/adapters/cards/posted-card.ts';
import { cardRecord, markCardSent } from '../src/adapters/sqlite/card-store.ts';
import type { OutboxPayload } from '../src/adapters/sqlite/outbox-payload.ts';
import { outboxWriter } from '../src/adapters/sqlite/outbox-writer.ts';
import * as schema from '../src/adapters/sqlite/schema.ts';
import { sweep } from '../src/app/sweep.ts';
import type { CardKind } from '../src/core/card-kind.ts';
import { DAY_MS } from '../src/core/clock.ts';
import { openDeadlines } from '../src/core/deadlines/deadlines.ts';
import { defaultPolicy } from '../src/core/deadlines/policy.ts';
import { cardNeedsToLive } from '../src/core/living-cards.ts';
import type { NodeDb } from '../src/runtimes/node/open-database.ts';
import {
  calendar,
  daysFrom,
  footprint,
  maxOutboxSeq,
  nineAm,
  oneSuggestionWorld,
  sweepDeps,
  sweepInChildProcess,
  TIME_ZONE,
  type OneSuggestion,
} from './support/sweep-helpers.ts';
import { deputy, supervisor, unit } from './support/world.ts';

const jtw = unit('jtw');
const cgj = unit('cgj');
const zjw = unit('zjw');
const d01 = deputy('d01');
const d02 = deputy('d02');

/** 10:00 in Beijing. */
const at10 = (day: string) => `${day}T02:00:00Z`;

const SUGGESTION: OneSuggestion = {
  number: '0801',
  title: '关于增设社区微循环公交线路的建议',
  assignedOn: '2026-03-02',
  lead: 'jtw',
  co: ['cgj'],
  deputies: ['d01', 'd02'],
  importAt: '2026-03-02T00:30:00Z',
};

type World = ReturnType<typeof oneSuggestionWorld>;

/** Plays the outbox: every card not sent yet is sent at `iso`. */
function sendAll(db: NodeDb, iso: string): void {
  const unsent = db.select().from(schema.cardMessages).where(isNull(schema.cardMessages.messageId)).all();
  for (const card of unsent) markCardSent(db, card.id, `om_${card.id}`, new Date(iso));
}

/** A card (kind, subject) named as people read it: `assignment@jtw`, `answer`, `status_board`. */
function cardName(w: World, kind: string, subjectId: string): string {
  const agg = w.aggregate();
  const unitOf = (assignmentId: string | undefined) => agg.assignments.find((a) => a.id === assignmentId)?.unitId ?? '?';
  if (kind === 'assignment') return `assignment@${unitOf(subjectId)}`;
  if (kind === 'reassign') return `reassign@${unitOf(agg.reassignmentRequests.find((r) => r.id === subjectId)?.assignmentId)}`;
  return kind;
}

/** The cards posted in the group that must outlive Lark's 14 days today, by name. */
function living(w: World, today: string): string[] {
  const agg = w.aggregate();
  const deadlines = openDeadlines(agg, { policy: defaultPolicy, calendar, timeZone: TIME_ZONE });
  const refs = new Map<string, { kind: CardKind; subjectId: string }>();
  for (const c of w.db.select().from(schema.cardMessages).all()) refs.set(`${c.kind}|${c.subjectId}`, { kind: c.kind, subjectId: c.subjectId });
  return [...refs.values()]
    .filter((ref) => cardNeedsToLive(agg, ref, { today, deadlines }))
    .map((ref) => cardName(w, ref.kind, ref.subjectId))
    .sort();
}

/** What a sweep wrote to the outbox, one line per row: `post status_board`, `update status_board (old copy)`. */
function written(w: World, sinceSeq: number): string[] {
  const rows = w.db.select().from(schema.outbox).where(gt(schema.outbox.seq, sinceSeq)).orderBy(schema.outbox.seq).all();
  return rows.map((row) => {
    const p = row.payload as OutboxPayload;
    if (p.kind !== 'send_card' && p.kind !== 'patch_card') return `unexpected ${p.kind}`;
    const card = cardRecord(w.db, p.cardMessageId)!;
    // Reminders and the supervisors' gathered escalations say what was true that day: never re-posted.
    if (card.kind === 'reminder' || card.kind === 'escalations') return card.kind;
    const name = cardName(w, card.kind, card.subjectId);
    return p.kind === 'send_card' ? `post ${name}` : `update ${name}${card.supersededBy ? ' (old copy)' : ''}`;
  });
}

async function sweepAt(w: World, day: string, dryRun = false) {
  const before = maxOutboxSeq(w.db);
  const result = await sweep(sweepDeps(w.db), { now: nineAm(day), dryRun });
  return { result, lines: written(w, before) };
}

/** The copies of a card (kind, subject) in the order posted. */
const copiesOf = (db: NodeDb, kind: string, subjectId: string) =>
  db
    .select()
    .from(schema.cardMessages)
    .where(and(eq(schema.cardMessages.kind, kind as 'status_board'), eq(schema.cardMessages.subjectId, subjectId)))
    .orderBy(sql`rowid`)
    .all();

describe('which cards must outlive 14 days (core/living-cards.ts)', () => {
  it('each card while it waits for a press or will still be updated, and no longer', () => {
    const w = oneSuggestionWorld({ ...SUGGESTION, co: ['cgj'] });
    const lead = () => w.assignment('jtw').id;
    const answerId = () => w.aggregate().answers.at(-1)!.id;
    const commitmentId = () => w.aggregate().commitments.at(-1)!.id;

    // Posted with the group: the board and one assignment card per unit, both waiting for 签收.
    expect(living(w, '2026-03-02')).toEqual(['assignment@cgj', 'assignment@jtw', 'status_board']);
    // Signed: the card keeps its 申请改办 form through the re-assignment window (10 working days, to 03-16).
    w.actAt(at10('2026-03-03'), jtw.liaison, { type: 'sign', assignmentId: lead() });
    expect(living(w, '2026-03-16')).toEqual(['assignment@cgj', 'assignment@jtw', 'status_board']);
    expect(living(w, '2026-03-17')).toEqual(['assignment@cgj', 'status_board']);

    // A re-assignment request: its card until decided, and the assignment card, updated then.
    w.actAt(at10('2026-03-04'), cgj.liaison, { type: 'request_reassign', assignmentId: w.assignment('cgj').id, reason: '不属于本单位职责' });
    expect(living(w, '2026-03-20')).toEqual(['assignment@cgj', 'reassign@cgj', 'status_board']);
    w.actAt(at10('2026-03-05'), supervisor, { type: 'approve_reassign', assignmentId: w.assignment('cgj').id, newUnitId: 'zjw' });
    expect(living(w, '2026-03-05')).toEqual(['assignment@jtw', 'assignment@zjw', 'status_board']);
    w.actAt(at10('2026-03-06'), zjw.liaison, { type: 'sign', assignmentId: w.assignment('zjw').id });

    // A contact record until a deputy confirms it.
    w.actAt(at10('2026-03-09'), jtw.liaison, { type: 'record_contact', assignmentId: lead(), method: 'face_to_face', date: '2026-03-09', note: '面商' });
    expect(living(w, '2026-04-01')).toEqual(['contact', 'status_board']);
    w.actAt(at10('2026-03-10'), d01, { type: 'confirm_contact', contactId: w.aggregate().contacts[0]!.id });
    expect(living(w, '2026-04-01')).toEqual(['status_board']);

    // The answer: for the head's approval, then the deputies' evaluation and confirmation.
    w.actAt(at10('2026-05-20'), jtw.liaison, {
      type: 'submit_answer',
      assignmentId: lead(),
      resultClass: 'B',
      summary: '列入计划逐步解决',
      public: true,
      commitments: [{ dueOn: '2026-10-30', content: '年内开通两条微循环线路' }],
    });
    expect(living(w, '2026-05-20')).toEqual(['approval', 'status_board']);
    w.actAt(at10('2026-05-21'), jtw.head, { type: 'approve_answer', answerId: answerId() });
    expect(living(w, '2026-05-21')).toEqual(['answer', 'status_board']);
    w.actAt(at10('2026-06-10'), d01, { type: 'confirm_commitments', answerId: answerId() });
    expect(living(w, '2026-06-10')).toEqual(['answer', 'commitment', 'status_board']);
    // The lead deputy's evaluation closes the assignment; a co-signer may still evaluate.
    w.actAt(at10('2026-06-11'), d01, { type: 'evaluate', answerId: answerId(), grade: 'satisfied' });
    // …and makes the answer final: the supervisors' 质量评审 card waits (60 days at most).
    expect(living(w, '2026-06-11')).toEqual(['answer', 'commitment', 'quality_review', 'status_board']);
    w.actAt(at10('2026-06-12'), d02, { type: 'evaluate', answerId: answerId(), grade: 'basically_satisfied' });
    expect(living(w, '2026-06-12')).toEqual(['commitment', 'quality_review', 'status_board']);

    // Closed with its co-handler's opinion: the board lives on while the commitment is open.
    w.actAt(at10('2026-06-15'), zjw.liaison, { type: 'submit_opinion', assignmentId: w.assignment('zjw').id, opinion: '同意' });
    expect(w.aggregate().suggestion.status).toBe('closed');
    expect(living(w, '2026-07-01')).toEqual(['commitment', 'quality_review', 'status_board']);
    expect(living(w, '2026-08-11')).toEqual(['commitment', 'quality_review', 'status_board']);
    expect(living(w, '2026-08-12')).toEqual(['commitment', 'status_board']); // 60 days after the last evaluation
    w.actAt(at10('2026-10-20'), jtw.liaison, { type: 'claim_commitment_done', commitmentId: commitmentId(), evidence: '两条线路已开通' });
    expect(living(w, '2026-10-20')).toEqual(['commitment', 'status_board']);
    w.actAt(at10('2026-10-21'), d01, { type: 'confirm_commitment_done', commitmentId: commitmentId() });
    // Done: the commitment card now carries the second evaluation (承诺兑现评价) for 30 days, until a deputy gives it.
    expect(living(w, '2026-10-21')).toEqual(['commitment']);
    expect(living(w, '2026-11-20')).toEqual(['commitment']);
    expect(living(w, '2026-11-21')).toEqual([]);
    w.actAt(at10('2026-10-22'), d02, { type: 'evaluate_commitment', commitmentId: commitmentId(), grade: 'satisfied' });
    expect(living(w, '2026-10-22')).toEqual([]);
  });

  it('nothing in a withdrawn suggestion', () => {
    const w = oneSuggestionWorld({ ...SUGGESTION, number: '0802' });
    expect(living(w, '2026-03-02')).toEqual(['assignment@cgj', 'assignment@jtw', 'status_board']);
    w.actAt(at10('2026-03-03'), supervisor, { type: 'withdraw_suggestion', suggestionId: w.suggestionId, reason: '代表撤回' });
    expect(living(w, '2026-03-03')).toEqual([]);
  });
});

describe('the refresh (the sweep, every day)', () => {
  it('re-posts a card still needed at 12 days old, points the old copy to it, and from then on updates only the new one; once a day', async () => {
    const w = oneSuggestionWorld({ ...SUGGESTION, number: '0803' });
    sendAll(w.db, '2026-03-02T00:31:00Z'); // 08:31 Beijing
    w.actAt(at10('2026-03-02'), cgj.liaison, { type: 'sign', assignmentId: w.assignment('cgj').id });
    const board = copiesOf(w.db, 'status_board', w.suggestionId)[0]!;

    // Day 11: nothing yet. Day 12, a Saturday (a rest day, no reminders): the unsigned jtw card,
    // the cgj card (signed, its re-assignment window open) and the board, in the order first posted.
    expect((await sweepAt(w, '2026-03-13')).result.cards).toEqual({ refreshed: [], lapsed: 0 });
    const saturday = await sweepAt(w, '2026-03-14');
    expect(saturday.result.workingDay).toBe(false);
    expect(saturday.result.reminders).toEqual([]);
    expect(saturday.lines).toEqual([
      'post assignment@jtw',
      'update assignment@jtw (old copy)',
      'post assignment@cgj',
      'update assignment@cgj (old copy)',
      'post status_board',
      'update status_board (old copy)',
    ]);
    expect(saturday.result.cards.refreshed.map((r) => [r.kind, r.reposted, r.replaces.length])).toEqual([
      ['assignment', true, 1],
      ['assignment', true, 1],
      ['status_board', true, 1],
    ]);
    // The same day again, or the next: nothing more.
    expect((await sweepAt(w, '2026-03-14')).lines).toEqual([]);
    sendAll(w.db, '2026-03-14T01:00:05Z');
    expect((await sweepAt(w, '2026-03-15')).lines).toEqual([]);

    const [old, current] = copiesOf(w.db, 'status_board', w.suggestionId);
    expect(old!.id).toBe(board.id);
    expect(cardRecord(w.db, old!.id)).toMatchObject({ supersededBy: current!.id, retiredAt: nineAm('2026-03-14').toISOString() });
    // The old copy says where the current one is, with no button; the new one @-mentions nobody
    // (it is no news); a card posted for news does.
    const ctx = { now: nineAm('2026-03-14'), timeZone: TIME_ZONE, policy: defaultPolicy, calendar };
    const shown = (id: string) => JSON.stringify(renderPostedCard(w.db, cardRecord(w.db, id)!, ctx));
    expect(shown(old!.id)).toContain('最新卡片已于 2026-03-14 09:00 重新发送到本群');
    expect(shown(old!.id)).not.toContain('"button"');
    const [oldJtw, newJtw] = copiesOf(w.db, 'assignment', w.assignment('jtw').id);
    expect(shown(oldJtw!.id)).not.toContain('签收');
    expect(shown(newJtw!.id)).toContain('签收');
    expect(shown(newJtw!.id)).not.toContain('<at ');
    w.actAt(at10('2026-03-16'), cgj.liaison, { type: 'record_contact', assignmentId: w.assignment('cgj').id, method: 'phone', date: '2026-03-16', note: '电话沟通' });
    expect(shown(copiesOf(w.db, 'contact', w.aggregate().contacts[0]!.id)[0]!.id)).toContain('<at ');

    // A change updates the current copies only.
    const before = maxOutboxSeq(w.db);
    w.actAt(at10('2026-03-16'), jtw.liaison, { type: 'sign', assignmentId: w.assignment('jtw').id });
    expect(written(w, before)).toEqual(['update assignment@jtw', 'update status_board']);
  });

  it('runs every day of a holiday: a card posted before the Spring Festival is alive after it', async () => {
    // Posted Fri 2026-02-06; the holiday is 02-15..02-23; 12 days old on Wed 02-18, mid-holiday.
    const w = oneSuggestionWorld({ ...SUGGESTION, number: '0804', assignedOn: '2026-02-06', importAt: '2026-02-06T00:30:00Z' });
    sendAll(w.db, '2026-02-06T00:31:00Z');
    const reposted: string[] = [];
    for (const day of daysFrom('2026-02-07', '2026-03-31')) {
      const { result, lines } = await sweepAt(w, day);
      if (!result.workingDay) expect(result.reminders, day).toEqual([]);
      reposted.push(...lines.filter((l) => l.startsWith('post ')).map((l) => `${day} ${l}`));
      sendAll(w.db, new Date(nineAm(day).getTime() + 60_000).toISOString());
      // Every card someone still has to press has a copy younger than 14 days, sent by 09:01.
      for (const name of living(w, day)) {
        const kind = name.split('@')[0]!;
        const subject = kind === 'assignment' ? w.assignment(name.split('@')[1]!).id : w.suggestionId;
        const newest = copiesOf(w.db, kind, subject).at(-1)!;
        const age = nineAm(day).getTime() + 60_000 - Date.parse(newest.sentAt!);
        expect(age, `${day} ${name}`).toBeLessThan(13 * DAY_MS);
      }
    }
    // Every 12 days, or 13 when the new copy went out just after the sweep.
    const cards = ['assignment@jtw', 'assignment@cgj', 'status_board'];
    expect(reposted).toEqual(['2026-02-18', '2026-03-03', '2026-03-16', '2026-03-29'].flatMap((day) => cards.map((c) => `${day} post ${c}`)));
    expect(calendar.isWorkingDay('2026-02-18')).toBe(false);
  });

  it('lets a card nothing needs lapse after 14 days, and looks at it no more', async () => {
    const w = oneSuggestionWorld({ ...SUGGESTION, number: '0805', co: [] });
    sendAll(w.db, '2026-03-02T00:31:00Z');
    w.actAt(at10('2026-03-02'), jtw.liaison, { type: 'sign', assignmentId: w.assignment('jtw').id });
    const lead = w.assignment('jtw').id;
    // Day 12: the re-assignment window (to 03-16) is still open: re-posted with the board.
    expect((await sweepAt(w, '2026-03-14')).result.cards.refreshed.map((r) => r.kind)).toEqual(['assignment', 'status_board']);
    sendAll(w.db, '2026-03-14T01:00:05Z');
    const copy = copiesOf(w.db, 'assignment', lead)[1]!;
    // 13 days later the window is long closed: the board is re-posted, the signed card is not,
    // and once it is 14 days old it lapses.
    for (const day of daysFrom('2026-03-15', '2026-03-26')) expect((await sweepAt(w, day)).result.cards, day).toEqual({ refreshed: [], lapsed: 0 });
    expect((await sweepAt(w, '2026-03-27')).result.cards.refreshed.map((r) => r.kind)).toEqual(['status_board']);
    sendAll(w.db, '2026-03-27T01:00:05Z');
    expect((await sweepAt(w, '2026-03-28')).result.cards).toEqual({ refreshed: [], lapsed: 0 });
    expect(cardRecord(w.db, copy.id)!.retiredAt).toBeNull();
    expect((await sweepAt(w, '2026-03-29')).result.cards).toEqual({ refreshed: [], lapsed: 1 });
    expect(cardRecord(w.db, copy.id)).toMatchObject({ retiredAt: nineAm('2026-03-29').toISOString(), supersededBy: null });
    expect((await sweepAt(w, '2026-03-30')).result.cards).toEqual({ refreshed: [], lapsed: 0 });
    expect(copiesOf(w.db, 'assignment', lead)).toHaveLength(2);
  });

  it('lets a newer copy take over (the board posted again by /status): nothing is posted', async () => {
    const w = oneSuggestionWorld({ ...SUGGESTION, number: '0806', co: [] });
    sendAll(w.db, '2026-03-02T00:31:00Z');
    w.actAt(at10('2026-03-02'), jtw.liaison, { type: 'sign', assignmentId: w.assignment('jtw').id });
    outboxWriter(w.db).postCard({ suggestionId: w.suggestionId, kind: 'status_board', subjectId: w.suggestionId }, new Date('2026-03-10T02:00:00Z'));
    sendAll(w.db, '2026-03-10T02:00:01Z');
    const [old, newer] = copiesOf(w.db, 'status_board', w.suggestionId);
    const { result, lines } = await sweepAt(w, '2026-03-14');
    expect(lines.filter((l) => !l.startsWith('post assignment') && !l.startsWith('update assignment'))).toEqual(['update status_board (old copy)']);
    expect(result.cards.refreshed.find((r) => r.kind === 'status_board')).toMatchObject({ reposted: false, card: newer!.id, replaces: [old!.id] });
    expect(cardRecord(w.db, old!.id)!.supersededBy).toBe(newer!.id);
  });

  it('in a dry run lists what it would re-post and writes nothing', async () => {
    const w = oneSuggestionWorld({ ...SUGGESTION, number: '0807', co: [] });
    sendAll(w.db, '2026-03-02T00:31:00Z');
    const before = footprint(w.db);
    const { result } = await sweepAt(w, '2026-03-14', true);
    expect(result.cards.refreshed.map((r) => [r.kind, r.reposted, r.card])).toEqual([
      ['assignment', true, null],
      ['status_board', true, null],
    ]);
    expect(footprint(w.db)).toEqual(before);
    expect(w.db.select().from(schema.cardMessages).where(eq(schema.cardMessages.retiredAt, nineAm('2026-03-14').toISOString())).all()).toEqual([]);
  });

  it('two sweeps at once, in two processes, re-post each card once', async () => {
    const w = oneSuggestionWorld({ ...SUGGESTION, number: '0808' });
    sendAll(w.db, '2026-03-02T00:31:00Z');
    await Promise.all([sweepInChildProcess(w.path, nineAm('2026-03-14')).done, sweepInChildProcess(w.path, nineAm('2026-03-14')).done]);
    const posts = (kind: string, subject: string) => copiesOf(w.db, kind, subject).length;
    expect(posts('status_board', w.suggestionId)).toBe(2);
    expect(posts('assignment', w.assignment('jtw').id)).toBe(2);
    expect(posts('assignment', w.assignment('cgj').id)).toBe(2);
    // One update of each old copy to the notice (the board's light may have been updated besides).
    const notices = w.db
      .select()
      .from(schema.outbox)
      .where(eq(schema.outbox.kind, 'patch_card'))
      .all()
      .map((row) => (row.payload as OutboxPayload & { kind: 'patch_card' }).cardMessageId)
      .filter((id) => cardRecord(w.db, id)!.supersededBy !== null);
    expect([...new Set(notices)].sort()).toEqual(
      w.db
        .select()
        .from(schema.cardMessages)
        .all()
        .filter((c) => c.supersededBy !== null)
        .map((c) => c.id)
        .sort(),
    );
    expect(new Set(notices).size).toBe(3);
  });
});
