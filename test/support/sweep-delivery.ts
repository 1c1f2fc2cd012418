/**
 * What Lark must hold after a sweep's outbox drained, read from the database and compared with
 * the sandbox (the chaos suite, test/chaos.test.ts). The expected set comes from what duban
 * recorded — `reminders_sent` (one row per reminder, the once-per-(subject, deadline, level, day)
 * key), the cards it keyed by them, its groups and its units' staff — and from the SPEC's rule of
 * where each level goes, never from the sweep's own planning code:
 * - every group reminder (notice, warning, overdue) is one card in its suggestion's group, with
 *   that suggestion's number and the deadline's due date on it, and nothing else is in the group;
 * - every escalation (escalation, escalation2) is one line on the day's escalations cards in the
 *   supervisors' group, and nothing else is listed there;
 * - every escalation whose overdue card went out the same day is one urgent (加急) on that card to
 *   the unit's liaisons and head, and there is no other urgent.
 *
 * The databases come from bench/sweep.bench.ts (groups and status boards made there, not through
 * Lark), so `larkHoldingTheGroups` first gives the sandbox those groups, with the unit's people,
 * and the boards the sweep will update.
 */
import { expect } from 'vitest';
import type { FakeLark } from '../../src/sandbox/fake-lark.ts';
import type { FakeMessage } from '../../src/sandbox/sandbox-state.ts';
import { outboxOfFile, readDbFile } from './outbox-helpers.ts';

/** The sandbox gets every group of the database, with its unit's people, each with its status board as the bot posted it. */
export function larkHoldingTheGroups(fake: FakeLark, dbPath: string, supervisorsChat: string): { seededMessages: Set<string> } {
  const groups = readDbFile(
    dbPath,
    (db) =>
      db
        .prepare(
          `select c.suggestion_id as suggestionId, c.chat_id as chatId, s.number,
             (select json_group_array(m.open_id) from assignments a join unit_members m on m.unit_id = a.unit_id where a.suggestion_id = s.id) as members,
             (select json_group_array(b.message_id) from card_messages b where b.suggestion_id = s.id and b.message_id is not null) as boards
           from suggestion_chats c join suggestions s on s.id = c.suggestion_id`,
        )
        .all() as Array<{ suggestionId: string; chatId: string; number: string; members: string; boards: string }>,
  );
  const seededMessages = new Set<string>();
  for (const g of groups) {
    fake.openGroupMadeByPeople({ chatId: g.chatId, name: `建议 ${g.number}`, members: JSON.parse(g.members) as string[] });
    for (const messageId of JSON.parse(g.boards) as string[]) {
      fake.recordUserMessage({ chatId: g.chatId, senderOpenId: '', senderType: 'app', messageId, msgType: 'interactive', content: JSON.stringify({ schema: '2.0', body: { elements: [] } }) });
      seededMessages.add(messageId);
    }
  }
  fake.openGroupMadeByPeople({ chatId: supervisorsChat, name: '督办组', members: ['ou_5e9e7a5015e9e7a5015e9e7a5015e9e7'] });
  return { seededMessages };
}

interface SentReminder {
  key: string;
  suggestionId: string;
  subjectId: string;
  kind: string;
  dueOn: string;
  level: string;
  day: string;
  number: string;
  chatId: string;
  unitId: string;
  /** The message Lark gave the reminder's card (group levels), as duban recorded it. */
  messageId: string | null;
}

/** One line of an escalations card: the suggestion's number, the deadline's due date, and whether it is the second escalation. */
const ESCALATED_LINE = /^- (【督办通知】)?\[?第(\S+?)号\]?(?:\([^)]*\))? .*：\S+ (\d{4}-\d{2}-\d{2})，逾期 \d+ 个工作日$/;

function escalatedLines(message: FakeMessage): string[] {
  const body = message.body as { header?: { title?: { content?: string } }; body?: { elements?: Array<{ tag?: string; content?: string }> } };
  expect(body.header?.title?.content, `message ${message.messageId} in the supervisors' group`).toMatch(/^今日督办事项/);
  return (body.body?.elements ?? []).filter((e) => e.tag === 'markdown' && e.content?.startsWith('**')).flatMap((e) => e.content!.split('\n').slice(1));
}

/**
 * Lark holds exactly what the database says the sweep sent. Urgents are the one call Lark gives no
 * idempotency key: one whose answer was lost (performed, then a 5xx or a timeout) is sent again,
 * so a card may carry one more urgent per such loss (`fake.faults.taken` tells them) — never one
 * more than that, and never none.
 */
export function expectSweepDeliveredOnce(fake: FakeLark, dbPath: string, options: { today: string; supervisorsChat: string; seededMessages: Set<string> }) {
  const rows = outboxOfFile(dbPath);
  expect(rows.filter((r) => r.status !== 'sent').map((r) => ({ kind: r.kind, status: r.status, lastError: r.last_error }))).toEqual([]);
  const sent = readDbFile(
    dbPath,
    (db) =>
      db
        .prepare(
          `select r.key, r.suggestion_id as suggestionId, r.subject_id as subjectId, r.kind, r.due_on as dueOn, r.level, r.day, s.number, c.chat_id as chatId,
             (select d.unit_id from open_deadlines d where d.subject_id = r.subject_id and d.kind = r.kind) as unitId,
             (select m.message_id from card_messages m where m.kind = 'reminder' and m.subject_id = r.key) as messageId
           from reminders_sent r join suggestions s on s.id = r.suggestion_id join suggestion_chats c on c.suggestion_id = r.suggestion_id`,
        )
        .all() as SentReminder[],
  );
  const staff = readDbFile(dbPath, (db) => db.prepare("select unit_id as unitId, open_id as openId from unit_members where role in ('liaison', 'head')").all() as Array<{ unitId: string; openId: string }>);
  const staffOf = (unitId: string) => staff.filter((m) => m.unitId === unitId).map((m) => m.openId).sort();
  const isEscalation = (r: SentReminder) => r.level === 'escalation' || r.level === 'escalation2';

  // Group reminders: one card each, in the group of its suggestion, showing what it is about.
  const inGroups = sent.filter((r) => !isEscalation(r));
  const byChat = new Map<string, SentReminder[]>();
  for (const r of inGroups) byChat.set(r.chatId, [...(byChat.get(r.chatId) ?? []), r]);
  let groupCards = 0;
  for (const chat of fake.chats().filter((c) => c.chatId !== options.supervisorsChat && c.chatType !== 'p2p')) {
    const posted = fake.messagesIn(chat.chatId).filter((m) => !options.seededMessages.has(m.messageId));
    const expected = byChat.get(chat.chatId) ?? [];
    expect(posted.map((m) => m.messageId).sort(), `the cards in group ${chat.chatId}: one per reminder the database says was sent`).toEqual(expected.map((r) => r.messageId).sort());
    for (const r of expected) {
      const card = posted.find((m) => m.messageId === r.messageId)!;
      expect(card.msgType).toBe('interactive');
      expect(card.content, `reminder ${r.key}`).toContain(r.dueOn);
      expect(card.content, `reminder ${r.key}`).toContain(r.number);
    }
    groupCards += posted.length;
  }
  expect(groupCards).toBe(inGroups.length);

  // Escalations: each listed once on the day's cards in the supervisors' group, nothing else.
  const escalations = sent.filter(isEscalation);
  const cards = fake.messagesIn(options.supervisorsChat);
  const listed = cards.flatMap(escalatedLines).map((line) => {
    const m = ESCALATED_LINE.exec(line);
    expect(m, `an escalated item's line: ${line}`).not.toBeNull();
    return `${m![2]}|${m![3]}|${m![1] ? 'escalation2' : 'escalation'}`;
  });
  expect(listed.sort()).toEqual(escalations.map((r) => `${r.number}|${r.dueOn}|${r.level}`).sort());
  const parts = cards.map((m) => /（第 (\d+)\/(\d+) 张）/.exec(JSON.stringify(m.body))?.slice(1).join('/') ?? '1/1');
  expect(new Set(parts).size, 'each part of the escalations once').toBe(parts.length);

  // Urgents: on the day's overdue card of each escalation sent with it, to the unit's staff.
  const overdueToday = new Map(sent.filter((r) => r.level === 'overdue' && r.day === options.today).map((r) => [`${r.subjectId}|${r.kind}|${r.dueOn}`, r]));
  const expectedUrgents = new Map<string, string[]>();
  for (const r of sent.filter((e) => e.level === 'escalation')) {
    const card = overdueToday.get(`${r.subjectId}|${r.kind}|${r.dueOn}`);
    if (card) expectedUrgents.set(card.messageId!, staffOf(r.unitId));
  }
  const lostAnswers = new Map<string, number>();
  for (const f of fake.faults.taken) {
    const urgent = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/urgent_app$/.exec(f.path);
    const performed = (f.status !== undefined && f.mode === 'after') || (f.status === undefined && (f.delayMs ?? 0) >= 10_000);
    if (urgent && performed) lostAnswers.set(urgent[1]!, (lostAnswers.get(urgent[1]!) ?? 0) + 1);
  }
  let urgents = 0;
  let repeated = 0;
  for (const message of fake.state.messages.values()) {
    const expectedTo = expectedUrgents.get(message.messageId);
    if (!expectedTo) {
      expect(message.urgents, `no urgent on ${message.messageId}`).toEqual([]);
      continue;
    }
    expect(message.urgents.length, `urgents on ${message.messageId}`).toBeGreaterThanOrEqual(1);
    expect(message.urgents.length, `urgents on ${message.messageId}`).toBeLessThanOrEqual(1 + (lostAnswers.get(message.messageId) ?? 0));
    for (const u of message.urgents) expect([...u.userIds].sort()).toEqual(expectedTo);
    urgents++;
    repeated += message.urgents.length - 1;
  }
  expect(urgents).toBe(expectedUrgents.size);

  // And by idempotency key: every card sent carries its outbox row's uuid, each stored once.
  const sends = rows.filter((r) => r.kind === 'send_card');
  const stored = [...fake.state.messages.values()].filter((m) => m.uuid !== undefined);
  expect(new Set(stored.map((m) => m.uuid)).size, 'no message stored twice').toBe(stored.length);
  expect(stored.map((m) => m.uuid!).sort()).toEqual(sends.map((r) => r.id).sort());

  return { groupCards, escalations: escalations.length, escalationCards: cards.length, urgents, repeatedUrgents: repeated, rows };
}
