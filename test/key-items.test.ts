/**
 * Key supervision (重点督办, issue 12 point 5; SPEC §1, §4, §7, §8, §10): the directory's leaders,
 * the 督办领导 column naming one (by id, or by a name only one leader has) or written as free text,
 * the leader in the suggestion's group and following directory changes, urged and @-mentioned on
 * escalations, the key-items section of the weekly digest, `GET /api/suggestions?key=true`, and
 * the key_items figure in /api/stats and the Markdown, CSV and XLSX report.
 *
 * duban as `npm start` runs it: the real server, the outbox through the real Lark SDK into the
 * sandbox, one movable clock; everything is read as people read it (the groups' members and cards
 * in the sandbox, the admin API, the report files).
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDigest } from '../src/app/digest.ts';
import type { Directory } from '../src/core/directory.ts';
import { leaderInCharge, type Leader } from '../src/core/leaders.ts';
import { beijing, cardTitle, nineAm, startClockedWorld, type ClockedWorld } from './support/clocked-lark-world.ts';
import { directory, unit } from './support/world.ts';

const SUPERVISORS_CHAT = 'oc_6b0f1d2e3c4a5b6c7d8e9f0a1b2c3d4e';
const CHEN = 'ou_1eade70000000000000000000000c4e1';
const CHEN_NEW = 'ou_1eade70000000000000000000000c4e2';
const LIU = 'ou_1eade700000000000000000000001a01';
const withLeaders = (chenOpenId: string): Directory => ({
  ...directory,
  leaders: [
    { id: 'L01', name: '陈建华', open_id: chenOpenId, title: '常务副市长' },
    { id: 'L02', name: '刘晓敏', open_id: LIU, title: '副市长' },
  ],
});

const SESSION = '市六届人大二次会议';
const row = (number: string, lead: string, key: boolean, leader?: string) => ({
  session: SESSION,
  number,
  title: `关于第${number}号重点事项的建议`,
  body: '建议内容',
  category: '城乡建设与管理',
  lead_deputy: 'd01',
  lead_unit: lead,
  assigned_on: '2026-03-02',
  key,
  ...(leader !== undefined && { key_leader: leader }),
});

describe('key supervision: the leader in charge, from the directory to the report', () => {
  let w: ClockedWorld;
  const text = (m: { body: unknown }) => JSON.stringify(m.body);

  beforeAll(async () => {
    w = await startClockedWorld({ start: beijing('2026-03-02', '10:00'), eventMode: 'webhook', env: { DUBAN_SUPERVISOR_CHAT_ID: SUPERVISORS_CHAT } });
    w.sandbox.fake.openGroupMadeByPeople({ chatId: SUPERVISORS_CHAT, name: '督办人员工作群', members: directory.supervisors });
    const loaded = await w.api('PUT', '/api/directory', withLeaders(CHEN));
    expect(loaded.status).toBe(200);
    expect(loaded.body.leaders).toEqual({ created: 2, updated: 0, unchanged: 0 });
    const res = await w.api('POST', '/api/suggestions', [
      row('0301', 'jtw', true, 'L01'), // by the directory's id
      row('0302', 'zjw', true, '刘晓敏'), // by the name only one leader has
      row('0303', 'jw', true, '张副主任'), // free text, as before
      row('0304', 'wjw', false),
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await w.drain();
  });
  afterAll(() => w?.close());

  const members = (number: string) => w.sandbox.fake.chats().find((c) => c.chatId === w.chatOf(number))!.members;

  it('puts the leader the column names in the group, and nobody for free text', () => {
    expect(members('0301')).toContain(CHEN);
    expect(members('0302')).toContain(LIU);
    for (const number of ['0303', '0304']) expect(members(number).filter((m) => m === CHEN || m === LIU)).toEqual([]);
    // Cards show the leader by name and title; free text as written.
    expect(w.cardsIn(w.chatOf('0301')).some((m) => text(m).includes('督办领导：陈建华（常务副市长）'))).toBe(true);
    expect(w.cardsIn(w.chatOf('0303')).some((m) => text(m).includes('督办领导：张副主任'))).toBe(true);
  });

  it('GET /api/suggestions?key=true lists the key items with their leader; key=false the others; a bad value is named', async () => {
    const key = await w.api('GET', '/api/suggestions?key=true');
    expect(key.status).toBe(200);
    expect(key.body.items.map((i: any) => [i.number, i.key, i.leader])).toEqual([
      ['0301', true, { label: '陈建华（常务副市长）', id: 'L01', openId: CHEN }],
      ['0302', true, { label: '刘晓敏（副市长）', id: 'L02', openId: LIU }],
      ['0303', true, { label: '张副主任', id: null, openId: null }],
    ]);
    const others = await w.api('GET', '/api/suggestions?key=false');
    expect(others.body.items.map((i: any) => [i.number, i.leader])).toEqual([['0304', null]]);
    const bad = await w.api('GET', '/api/suggestions?key=yes');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('key must be true or false');
  });

  it('an escalation urges the leader on the group card and @-mentions them on the supervisors’ card', async () => {
    // Signing was due Wed 03-04; Mon 03-09 is the 3rd working day overdue: escalation.
    for (const day of ['2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-09']) {
      w.clock.advanceTo(nineAm(day));
      await w.sweep();
      await w.drain();
    }
    const escalations = w.cardsIn(SUPERVISORS_CHAT).filter((m) => cardTitle(m).startsWith('今日督办事项 · 2026-03-09'));
    expect(escalations).toHaveLength(1);
    const card = text(escalations[0]!);
    const lineOf = (number: string) => card.split('\\n').find((l) => l.includes(`第${number}号`)) ?? '';
    expect(lineOf('0301')).toContain(`督办领导 <at id=${CHEN}></at>`);
    expect(lineOf('0302')).toContain(`督办领导 <at id=${LIU}></at>`);
    expect(lineOf('0303')).toContain('督办领导 张副主任');
    expect(lineOf('0304')).not.toContain('督办领导');
    expect(lineOf('0304')).toContain('逾期 3 个工作日');

    // The day's overdue card in the key item's group is urged (加急) to the unit and the leader.
    const overdue = w.cardsIn(w.chatOf('0301')).filter((m) => m.urgents.length > 0);
    expect(overdue).toHaveLength(1);
    expect(overdue[0]!.urgents.flatMap((u) => u.userIds).sort()).toEqual([...new Set([...unit('jtw').liaisons, unit('jtw').head, CHEN])].sort());
    const plain = w.cardsIn(w.chatOf('0304')).filter((m) => m.urgents.length > 0);
    expect(plain[0]!.urgents.flatMap((u) => u.userIds)).not.toContain(CHEN);
  });

  it('a leader whose open_id changes in the directory leaves and joins the group with it', async () => {
    const loaded = await w.api('PUT', '/api/directory', withLeaders(CHEN_NEW));
    expect(loaded.body.leaders).toEqual({ created: 0, updated: 1, unchanged: 1 });
    await w.drain();
    expect(members('0301')).toContain(CHEN_NEW);
    expect(members('0301')).not.toContain(CHEN);
    expect(members('0302')).toContain(LIU);
  });

  it('the weekly digest has a key-items section, the overdue first, each leader @-mentioned', async () => {
    expect(sendDigest(w.duban.runtime, w.clock())).toBeDefined();
    await w.drain();
    const digest = w.cardsIn(SUPERVISORS_CHAT).filter((m) => cardTitle(m).startsWith('督办周报')).at(-1)!;
    const body = text(digest);
    const section = body.slice(body.indexOf('重点督办事项'), body.indexOf('本月到期的承诺事项'));
    expect(section).toContain('重点督办事项**（3 件）');
    expect(section).toContain(`督办领导 <at id=${CHEN_NEW}></at>`);
    expect(section).toContain(`督办领导 <at id=${LIU}></at>`);
    expect(section).toContain('督办领导 张副主任');
    expect(section).not.toContain('第0304号');
    expect(section).toContain('逾期');
  });

  it('the key_items figure in /api/stats and the Markdown, CSV and XLSX report', async () => {
    const stats = (await w.api('GET', '/api/stats')).body;
    expect(stats.totals.keySupervised).toBe(3);
    expect({ total: stats.keyItems.total, closed: stats.keyItems.closed, answered: stats.keyItems.answered, withOverdue: stats.keyItems.withOverdue }).toEqual({ total: 3, closed: 0, answered: 0, withOverdue: 3 });
    expect(stats.keyItems.byLeader.map((l: any) => [l.leader, l.total, l.withOverdue])).toEqual([
      ['陈建华（常务副市长）', 1, 1],
      ['刘晓敏（副市长）', 1, 1],
      ['张副主任', 1, 1],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]), 'zh-CN')));
    expect(stats.keyItems.items.map((i: any) => [i.number, i.leader, i.units, i.overdue > 0])).toEqual([
      ['0301', '陈建华（常务副市长）', ['市交通运输委员会'], true],
      ['0302', '刘晓敏（副市长）', [expect.any(String)], true],
      ['0303', '张副主任', [expect.any(String)], true],
    ]);

    const md = await (await fetch(`${w.duban.server.url}/api/report?format=md`, { headers: { authorization: 'Bearer clocked-admin-token-0123456789' } })).text();
    const section = md.slice(md.indexOf('## 七、重点督办件'), md.indexOf('## 统计口径'));
    expect(section).toContain('重点督办件 3 件，已办结 0 件，全部答复 0 件，有逾期事项 3 件');
    expect(section).toMatch(/\| 陈建华（常务副市长） \| 市六届人大二次会议 \| 0301 \|/);
    expect(section).not.toContain('0304');
    expect(md).toContain('**重点督办件**：');

    const csv = await (await fetch(`${w.duban.server.url}/api/report?format=csv`, { headers: { authorization: 'Bearer clocked-admin-token-0123456789' } })).text();
    expect(csv).toContain('【重点督办件】');
    expect(csv).toContain('张副主任,市六届人大二次会议,0303,');

    const xlsx = await (await fetch(`${w.duban.server.url}/api/report?format=xlsx`, { headers: { authorization: 'Bearer clocked-admin-token-0123456789' } })).arrayBuffer();
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx);
    const sheet = book.getWorksheet('重点督办件')!;
    const values = (r: number) => (sheet.getRow(r).values as unknown[]).slice(1);
    expect(values(1).slice(0, 4)).toEqual(['督办领导', '届次', '编号', '标题']);
    expect(values(2).slice(0, 3)).toEqual(['陈建华（常务副市长）', SESSION, '0301']);
    expect(values(2)[7]).toBeGreaterThan(0); // its overdue items, a number
  });
});

describe('the 督办领导 column, read by one rule', () => {
  const leaders = new Map<string, Leader>([
    ['L01', { id: 'L01', name: '陈建华', openId: CHEN, title: '常务副市长' }],
    ['L02', { id: 'L02', name: '王伟', openId: LIU, title: '副市长' }],
    ['L03', { id: 'L03', name: '王伟', openId: CHEN_NEW, title: null }],
  ]);
  const read = (text: string | null) => {
    const l = leaderInCharge(text, leaders);
    return l && [l.leader?.id ?? null, l.openId, l.label];
  };
  it('names a directory leader by id, open_id, or a name (with or without the title) no other leader has', () => {
    expect(read('L01')).toEqual(['L01', CHEN, '陈建华（常务副市长）']);
    expect(read(CHEN)).toEqual(['L01', CHEN, '陈建华（常务副市长）']);
    for (const written of ['陈建华', '常务副市长 陈建华', '陈建华（常务副市长）', ' 陈建华 ']) expect(read(written)).toEqual(['L01', CHEN, '陈建华（常务副市长）']);
  });
  it('keeps free text and an ambiguous name as written; an open_id written by hand still reaches Lark; empty is none', () => {
    expect(read('王伟')).toEqual([null, null, '王伟']);
    expect(read('张副主任')).toEqual([null, null, '张副主任']);
    expect(read('ou_0123456789abcdef')).toEqual([null, 'ou_0123456789abcdef', 'ou_0123456789abcdef']);
    expect(read('  ')).toBeNull();
    expect(read(null)).toBeNull();
  });
});
