/**
 * The supervisors' group gets the day's escalations gathered (issue 11, point 9): a sweep over
 * 150 overdue suggestions once queued a card per escalated item into that one group. Now: one
 * card listing every item by unit, each linking to its group (split into a counted few only past
 * Lark's limits), classified bodies never on it, and nothing new from a second sweep that day.
 * The units' own reminders in their groups are unchanged.
 */
import { and, eq, gt, isNotNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { CARD_ELEMENT_LIMIT, CARD_SIZE_LIMIT, cardSizeBytes, countCardElements, renderEscalationsCard } from '../src/adapters/cards/render-card.ts';
import { recordChat } from '../src/adapters/sqlite/chat-store.ts';
import type { OutboxPayload } from '../src/adapters/sqlite/outbox-payload.ts';
import * as schema from '../src/adapters/sqlite/schema.ts';
import { loadDirectory } from '../src/adapters/sqlite/directory-store.ts';
import { importSuggestions } from '../src/app/import/import-suggestions.ts';
import { sweep } from '../src/app/sweep.ts';
import { checkCard } from '../src/sandbox/card-check.ts';
import { maxOutboxSeq, nineAm, SESSION, SUPERVISORS_CHAT, sweepDeps } from './support/sweep-helpers.ts';
import { directory, freshDb } from './support/world.ts';

const ITEMS = 150;
const SECRET_BODY = '涉密正文：不得出现在任何卡片上';

function overdueWorld() {
  const { db } = freshDb();
  loadDirectory(db, directory);
  const units = directory.units.map((u) => u.id);
  const rows = Array.from({ length: ITEMS }, (_, i) => ({
    row: i + 2,
    values: {
      届次: SESSION,
      编号: String(1001 + i),
      类型: '建议',
      提出时间: '大会',
      标题: `关于进一步完善第${1001 + i}号民生事项长效工作机制、切实解决群众急难愁盼问题的建议`,
      内容: i % 10 === 0 ? SECRET_BODY : '建议内容',
      类别: '交通邮电',
      领衔代表: 'd01',
      主办单位: units[i % units.length]!,
      交办日期: '2025-09-26',
      涉密: i % 10 === 0 ? '是' : '否',
    },
  }));
  const report = importSuggestions(db, rows, { source: 'cli', actor: 'system:cli', now: new Date('2025-09-26T02:00:00Z'), today: '2025-09-26' });
  expect(report.created).toBe(ITEMS);
  const chats = new Map<string, string>();
  report.items.forEach((item, i) => {
    const chatId = `oc_${(0xabc00000 + i).toString(16).padStart(32, '0')}`;
    recordChat(db, item.id, chatId, new Date('2025-09-26T02:00:00Z'));
    chats.set(item.id, chatId);
  });
  return { db, chats };
}

const supervisorCards = (db: ReturnType<typeof freshDb>['db'], afterSeq: number) =>
  db
    .select()
    .from(schema.outbox)
    .where(and(gt(schema.outbox.seq, afterSeq), eq(schema.outbox.kind, 'send_card')))
    .all()
    .map((r) => r.payload as Extract<OutboxPayload, { kind: 'send_card' }>)
    .filter((p) => p.chatId === SUPERVISORS_CHAT);

describe("the supervisors' group: the day's escalations gathered", () => {
  it('a sweep over 150 overdue items sends one card (or a counted few within Lark limits) listing them all by unit, and a second sweep that day nothing', async () => {
    const { db, chats } = overdueWorld();
    // Signing was due Mon 09-29; Fri 10-10 is the 3rd working day overdue (National Day between): escalation.
    const before = maxOutboxSeq(db);
    const result = await sweep(sweepDeps(db), { now: nineAm('2025-10-10'), dryRun: false });
    const escalated = result.reminders.filter((r) => r.toSupervisors);
    expect(escalated.length).toBeGreaterThanOrEqual(ITEMS);

    const cards = supervisorCards(db, before);
    // 1,180 cards before; now the list fits in a handful, each saying which of how many it is.
    expect(cards.length).toBeLessThanOrEqual(Math.ceil(escalated.length / 40));
    const models = cards.map((c) => {
      if (c.model?.kind !== 'escalations') throw new Error(`a ${c.model?.kind} card to the supervisors' group`);
      return c.model;
    });
    expect(models.map((m) => `${m.part}/${m.parts}`)).toEqual(models.map((_, i) => `${i + 1}/${models.length}`));
    for (const model of models) {
      const card = renderEscalationsCard(model);
      expect(cardSizeBytes(card)).toBeLessThanOrEqual(CARD_SIZE_LIMIT);
      expect(countCardElements(card)).toBeLessThanOrEqual(CARD_ELEMENT_LIMIT);
      expect(checkCard(card)).toBeUndefined();
      const json = JSON.stringify(card);
      expect(json).not.toContain(SECRET_BODY);
      expect(json).not.toContain('<at ');
      if (models.length > 1) expect(json).toContain(`（第 ${model.part}/${models.length} 张）`);
      expect(json).toContain(`今日共 ${escalated.length} 项逾期事项升级督办`);
    }

    // Every escalated item once, under its unit, linking to its own group.
    const listed = models.flatMap((m) => m.units.flatMap((u) => u.items.map((i) => ({ unitName: u.unitName, ...i }))));
    expect(listed).toHaveLength(escalated.length);
    const unitName = new Map(directory.units.map((u) => [u.id, u.name]));
    const byNumber = new Map(escalated.map((r) => [r.number, r]));
    for (const item of listed) {
      const r = byNumber.get(item.number)!;
      expect(item.unitName).toBe(unitName.get(r.unitId));
      expect(item.groupLink).toBe(`https://applink.feishu.cn/client/chat/open?openChatId=${chats.get(r.suggestionId)}`);
    }
    const allJson = models.map((m) => JSON.stringify(renderEscalationsCard(m))).join('');
    for (const chatId of chats.values()) expect(allJson).toContain(`openChatId=${chatId})`);
    expect(listed.filter((i) => i.classified)).toHaveLength(ITEMS / 10);
    // Grouped: a unit's items sit together on a card.
    for (const m of models) expect(new Set(m.units.map((u) => u.unitName)).size).toBe(m.units.length);

    // The units' own reminders stay as they were: one overdue card in each suggestion's group.
    const groupCards = db
      .select()
      .from(schema.outbox)
      .where(and(gt(schema.outbox.seq, before), eq(schema.outbox.kind, 'send_card'), isNotNull(schema.outbox.suggestionId)))
      .all()
      .filter((r) => (r.payload as { chatId?: string }).chatId === undefined);
    expect(groupCards.length).toBeGreaterThanOrEqual(ITEMS);

    // A second sweep the same day, at the same moment or later, sends the supervisors nothing new.
    const afterFirst = maxOutboxSeq(db);
    await sweep(sweepDeps(db), { now: nineAm('2025-10-10'), dryRun: false });
    await sweep(sweepDeps(db), { now: new Date('2025-10-10T08:00:00Z'), dryRun: false });
    expect(supervisorCards(db, afterFirst)).toEqual([]);
  });

  it('a sweep cut short between slices, run again, lists every escalation of the day on one set of cards, none twice', async () => {
    const { db } = overdueWorld();
    const before = maxOutboxSeq(db);
    // Slices of 20 suggestions (two or three outbox rows each); the 101st outbox row of the sweep fails, in a later slice.
    db.$client.exec(`CREATE TEMP TRIGGER crash_midway BEFORE INSERT ON main.outbox
      WHEN (SELECT count(*) FROM main.outbox WHERE seq > ${before}) >= 100
      BEGIN SELECT RAISE(ABORT, 'crash in the middle of the sweep'); END`);
    await expect(sweep(sweepDeps(db), { now: nineAm('2025-10-10'), dryRun: false, sliceSuggestions: 20 })).rejects.toThrow(/crash in the middle of the sweep/);
    const escalations = () => db.select().from(schema.remindersSent).all().filter((r) => r.level === 'escalation' || r.level === 'escalation2');
    const claimedBeforeCrash = escalations();
    expect(claimedBeforeCrash.length, 'escalations of the slices that committed').toBeGreaterThan(0);
    expect(claimedBeforeCrash.every((r) => r.gatheredAt === null)).toBe(true);
    expect(supervisorCards(db, before), 'the card comes after the last slice').toEqual([]);

    db.$client.exec('DROP TRIGGER crash_midway');
    await sweep(sweepDeps(db), { now: nineAm('2025-10-10'), dryRun: false, sliceSuggestions: 20 });
    const all = escalations();
    expect(all.length).toBeGreaterThanOrEqual(ITEMS);
    expect(all.every((r) => r.gatheredAt !== null)).toBe(true);
    const models = supervisorCards(db, before).map((c) => c.model as Extract<OutboxPayload, { kind: 'send_card' }>['model'] & { kind: 'escalations' });
    // One set: parts 1..N of one total, every escalation of the day listed once, the crashed sweep's included.
    expect(models.map((m) => `${m.part}/${m.parts}`)).toEqual(models.map((_, i) => `${i + 1}/${models.length}`));
    expect(models.every((m) => m.total === all.length)).toBe(true);
    expect(models.flatMap((m) => m.units.flatMap((u) => u.items)).length).toBe(all.length);

    // And later that day: nothing more.
    const afterSecond = maxOutboxSeq(db);
    await sweep(sweepDeps(db), { now: new Date('2025-10-10T08:00:00Z'), dryRun: false });
    expect(supervisorCards(db, afterSecond)).toEqual([]);
  });
});
