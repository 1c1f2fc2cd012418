/**
 * A whole handling year of one suggestion on the sandbox's clock (SPEC §4 "Cards live 14 days in
 * Lark", §9): the real server, the real Lark SDK against the sandbox, one movable clock shared by
 * both, a sweep every day at 09:00 through the admin API. Assignment and signing, a re-assignment
 * on the way, a contact confirmed after the Spring Festival, the co-handler's opinion, an answer
 * near its 3-month limit, the evaluation three weeks later, a commitment done after five months.
 *
 * Every press is made on the card a person would see that day — the newest card of its kind in the
 * group — through the sandbox's event sender, which refuses a press on a card older than 14 days
 * as Lark's client does. No Lark call is refused for age (230031) and none fails; the board is
 * current every day. Read through the admin API and the sandbox only.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeMessage } from '../src/sandbox/sandbox-state.ts';
import { beijing, cardTitle, nineAm, startClockedWorld, type ClockedWorld, type EventMode } from './support/clocked-lark-world.ts';
import { daysFrom } from './support/sweep-helpers.ts';
import { deputy, supervisor, unit } from './support/world.ts';

const jtw = unit('jtw');
const cgj = unit('cgj');
const zjw = unit('zjw');
const d01 = deputy('d01');
const UNIT_NAMES = { jtw: '市交通运输委员会', cgj: '市城市管理局', zjw: '市住房和城乡建设委员会' };

const TITLE = {
  assignment: '交办通知 · 第0001号',
  reassign: '改办审批 · 第0001号',
  board: '状态看板 · 第0001号',
  contact: '沟通确认 · 第0001号',
  approval: '答复审核 · 第0001号',
  answer: '答复 · 第0001号',
  commitment: '承诺事项 · 第0001号',
};
const ROLE: Record<string, string> = { lead: '主办', co: '协办', split: '分办' };
const STATUS: Record<string, string> = { open: '办理中', closed: '已办结', withdrawn: '已撤回' };
const LIGHT: Record<string, string> = { blue: '正常', yellow: '临期', red: '逾期' };
const COMMITMENT_STATE: Record<string, string> = { proposed: '待代表确认', confirmed: '已确认，办理中', done_claimed: '已报完成，待确认', done: '已完成' };
const SUPERSEDED = '此卡片已更新';

const SUGGESTION = {
  session: '市六届人大二次会议',
  number: '0001',
  kind: '建议',
  timing: '大会',
  title: '关于增设社区微循环公交线路的建议',
  body: '老旧小区距公交站点较远，建议增设社区微循环公交线路。',
  category: '交通邮电',
  lead_deputy: 'd01',
  co_deputies: ['d02'],
  lead_unit: 'jtw',
  co_units: ['cgj'],
  assigned_on: '2026-02-10',
};

const text = (m: FakeMessage) => JSON.stringify(m.body);

for (const eventMode of ['webhook', 'websocket'] satisfies EventMode[]) {
  describe(`a handling year on the sandbox's clock (${eventMode})`, () => {
    let w: ClockedWorld;
    let suggestionId: string;
    let chatId: string;
    let nextDay = '2026-02-10';
    /** Each press: which card, how old it was, and whether it was the newest of its kind. */
    const presses: Array<{ day: string; title: string; label: string; ageDays: number }> = [];
    const sweeps: Array<{ day: string; workingDay: boolean; refreshed: number }> = [];

    beforeAll(async () => {
      w = await startClockedWorld({ start: beijing('2026-02-10', '08:30'), eventMode });
      await w.loadDirectory();
    });
    afterAll(() => w?.close());

    const detail = async () => (await w.api('GET', `/api/suggestions/${suggestionId}`)).body;
    const today = () => w.clock().toISOString().slice(0, 10);

    /** Presses `label` on the newest card titled `title` (about `mentioning`), as a person would, and waits for Lark to be told. */
    async function press(title: string, label: string, operator: string, fields: Record<string, string> = {}, mentioning?: string) {
      const card = w.newestCard(chatId, title, mentioning);
      expect(text(card), `the newest «${title}» is current`).not.toContain(SUPERSEDED);
      presses.push({ day: today(), title, label, ageDays: w.ageInDays(card) });
      const result = await w.pressOn(card, label, operator, fields);
      expect(result.clientError, `${title} ${label}: ${JSON.stringify(result.clientError)}`).toBeUndefined();
      expect(result.toast?.type, `${title} ${label}: ${JSON.stringify(result.toast)}`).toBe('success');
      await w.drain();
    }

    /** The newest board shows the suggestion as it is, and is young enough to be pressed while it must be. */
    async function expectBoardCurrent(day: string) {
      const d = await detail();
      const board = w.newestCard(chatId, TITLE.board);
      const shown = text(board);
      const stillNeeded = d.status === 'open' || d.commitments.some((c: { state: string }) => ['proposed', 'confirmed', 'done_claimed'].includes(c.state));
      if (stillNeeded) expect(w.ageInDays(board), `${day}: the board is alive`).toBeLessThan(14);
      expect(shown, day).not.toContain(SUPERSEDED);
      expect(shown, day).toContain(`>${STATUS[d.status]}<`);
      expect(shown, day).toContain(`>${LIGHT[d.light]}<`);
      for (const a of d.assignments.filter((x: { state: string }) => x.state !== 'withdrawn')) {
        expect(shown, `${day} ${a.unitId}`).toContain(`**${a.unitName}**（${ROLE[a.role]}）${a.stateLabel.zh_cn}`);
      }
      for (const c of d.commitments) expect(shown, `${day} commitment`).toContain(COMMITMENT_STATE[c.state]);
    }

    /** Every day up to `last`: the sweep at 09:00, then that day's presses at 10:00, then the board checked. */
    async function walkTo(last: string, actions: Record<string, () => Promise<void>> = {}) {
      for (const day of daysFrom(nextDay, last)) {
        w.clock.advanceTo(nineAm(day));
        const result = await w.sweep();
        sweeps.push({ day, workingDay: result.workingDay, refreshed: result.cards.refreshed.length });
        await w.drain();
        if (actions[day]) {
          w.clock.advanceTo(beijing(day, '10:00'));
          await actions[day]!();
        }
        if (suggestionId) await expectBoardCurrent(day);
        nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      }
    }

    it('imports, signs and re-assigns before the Spring Festival', async () => {
      const res = await w.api('POST', '/api/suggestions', SUGGESTION);
      expect(res.body.created).toBe(1);
      suggestionId = res.body.items[0].id;
      await w.drain();
      chatId = w.chatOf('0001');
      await walkTo('2026-02-13', {
        '2026-02-10': async () => {
          await press(TITLE.assignment, '签收', jtw.liaison, {}, UNIT_NAMES.jtw);
          await press(TITLE.assignment, '申请改办', cgj.liaison, { reason: '公交线路不属于本单位职责' }, UNIT_NAMES.cgj);
        },
        '2026-02-11': () => press(TITLE.reassign, '同意改办', supervisor, { unit: 'zjw' }),
        '2026-02-12': () => press(TITLE.assignment, '签收', zjw.liaison, {}, UNIT_NAMES.zjw),
        '2026-02-13': () => press(TITLE.board, '登记沟通', jtw.liaison, { method: 'face_to_face', date: '2026-02-13', note: '走访小区，当面听取代表意见' }),
      });
      const d = await detail();
      expect(d.assignments.map((a: { unitId: string; state: string }) => `${a.unitId}:${a.state}`).sort()).toEqual(['cgj:withdrawn', 'jtw:signed', 'zjw:signed']);
    });

    it('re-posts the cards still needed through the holiday; a press on an earlier copy changes nothing', async () => {
      await walkTo('2026-02-22');
      // The board (posted 02-10) was re-posted on a holiday: the refresh is no reminder.
      const holiday = sweeps.filter((s) => s.day >= '2026-02-15' && s.day <= '2026-02-22');
      expect(holiday.every((s) => !s.workingDay)).toBe(true);
      expect(holiday.some((s) => s.refreshed > 0)).toBe(true);

      const boards = w.cardsIn(chatId).filter((m) => cardTitle(m) === TITLE.board);
      expect(boards).toHaveLength(2);
      const old = boards[0]!;
      w.clock.advanceTo(beijing('2026-02-22', '10:00'));
      expect(w.ageInDays(old)).toBeLessThan(14);
      expect(text(old)).toContain(SUPERSEDED);
      expect(text(old)).not.toContain('报告进展');
      // A deputy's client still shows the old copy as it was (the update has not reached it):
      // the press answers that the card was re-posted, shows the notice, and changes nothing.
      const shownBefore = old.revisions.at(-2)!.body;
      expect(JSON.stringify(shownBefore)).toContain('报告进展');
      const before = await detail();
      const info = vi.spyOn(w.duban.runtime.logger, 'info');
      const result = await w.pressOn(old, '报告进展', jtw.liaison, { progress: '已完成线网调研' }, shownBefore);
      expect(result.clientError).toBeUndefined();
      expect(result.toast).toMatchObject({ type: 'warning', content: expect.stringContaining('此卡片已更新'), i18n: { en_us: expect.stringContaining('posted again') } });
      expect(JSON.stringify(result.card)).toContain(SUPERSEDED);
      expect(JSON.stringify(result.card)).not.toContain('"button"');
      expect(info.mock.calls.some((call: unknown[]) => call[1] === 'card press refused: the card was re-posted' && (call[0] as { messageId?: string }).messageId === old.messageId)).toBe(true);
      info.mockRestore();
      await w.drain();
      const after = await detail();
      expect(after.version).toBe(before.version);
      expect(after.progressReports).toEqual(before.progressReports);
      expect(after.timeline.length).toBe(before.timeline.length);
      await walkTo('2026-02-25');
    });

    it('a contact confirmed after the holiday, the co-handler’s opinion, the answer near its 3-month limit, the evaluation three weeks later', async () => {
      await walkTo('2026-05-29', {
        '2026-03-03': () => press(TITLE.contact, '确认属实', d01),
        '2026-03-09': () => press(TITLE.board, '提交协办意见', zjw.liaison, { opinion: '同意主办单位意见，配合做好站点改造' }),
        '2026-04-20': () => press(TITLE.board, '报告进展', jtw.liaison, { progress: '已完成线网调研，拟新增两条线路' }),
        '2026-05-07': () =>
          press(TITLE.board, '提交答复', jtw.liaison, {
            result_class: 'B',
            summary: '拟于年内新增两条社区微循环线路',
            public: 'yes',
            private_reason: '',
            commitments: '2026-10-30 年内开通两条社区微循环线路',
          }),
        '2026-05-08': () => press(TITLE.approval, '审核通过', jtw.head),
        '2026-05-22': () => press(TITLE.answer, '确认承诺', d01),
        '2026-05-29': () => press(TITLE.answer, '满意', d01, { comment: '感谢，期待早日开通' }),
      });
      const d = await detail();
      expect(d.status).toBe('closed');
      expect(d.answers[0].decidedAt < '2026-05-10T16:00:00Z').toBe(true); // within the 3 months
      expect(d.contacts[0].confirmedAt.slice(0, 10)).toBe('2026-03-03');
      // The contact, the answer and the board were pressed on copies posted again after the first.
      for (const title of [TITLE.contact, TITLE.answer]) {
        expect(w.cardsIn(chatId).filter((m) => cardTitle(m) === title).length, title).toBeGreaterThanOrEqual(2);
      }
    });

    it('the commitment done after five months, then the quiet rest of the year', async () => {
      await walkTo('2027-02-10', {
        '2026-10-20': () => press(TITLE.commitment, '已完成', jtw.liaison, { evidence: '两条社区微循环线路已于 10 月开通' }),
        '2026-10-22': () => press(TITLE.commitment, '确认完成', d01),
        // The second evaluation (承诺兑现评价), on the commitment card posted again for it.
        '2026-10-26': () => press(TITLE.commitment, '满意', d01),
      });
      const d = await detail();
      expect(d.commitments.map((c: { state: string }) => c.state)).toEqual(['done']);
      expect(d.commitmentEvaluations.map((e: { deputyId: string; grade: string }) => `${e.deputyId} ${e.grade}`)).toEqual(['d01 satisfied']);
      // Nothing left to press: nothing is posted again after the last press.
      const lastPost = Math.max(...w.cardsIn(chatId).map((m) => m.createTime));
      expect(new Date(lastPost).toISOString() < '2026-10-23').toBe(true);
      // The co-signer never evaluated: once the suggestion closed, nothing kept the answer card alive.
      expect(d.evaluations.map((e: { deputyId: string }) => e.deputyId)).toEqual(['d01']);
    });

    it('pressed only current cards; no Lark call was refused for age or failed; every earlier copy points to the current one', async () => {
      expect(presses.length).toBe(15);
      for (const p of presses) expect(p.ageDays, `${p.day} ${p.title} ${p.label}`).toBeLessThan(14);
      // Cards were pressed long after they were first posted: on copies posted again.
      expect(presses.filter((p) => p.title === TITLE.commitment).map((p) => p.day)).toEqual(['2026-10-20', '2026-10-22', '2026-10-26']);

      expect(w.sandbox.fake.state.refused.filter((r) => r.code === 230031)).toEqual([]);
      expect((await w.api('GET', '/api/outbox?status=failed')).body).toEqual([]);
      const skipped = (await w.api('GET', '/api/outbox?status=skipped')).body as Array<{ lastError: string }>;
      expect(skipped.filter((r) => /14 days/.test(r.lastError))).toEqual([]);

      for (const title of Object.values(TITLE)) {
        const copies = w.cardsIn(chatId).filter((m) => cardTitle(m) === title && !(title === TITLE.assignment && !text(m).includes(UNIT_NAMES.jtw)));
        const [newest, ...earlier] = [...copies].reverse();
        expect(text(newest!), title).not.toContain(SUPERSEDED);
        for (const copy of earlier) expect(text(copy), `${title} ${copy.messageId}`).toContain(SUPERSEDED);
      }
      // The board lived from February to October: posted again every 12–13 days.
      const boards = w.cardsIn(chatId).filter((m) => cardTitle(m) === TITLE.board);
      expect(boards.length).toBeGreaterThanOrEqual(19);
      expect(boards.length).toBeLessThanOrEqual(22);
    });
  });
}

describe('the sandbox of `npm start`: moving its clock moves duban’s today', () => {
  let w: ClockedWorld;
  afterAll(() => w?.close());

  it('runs the sweep the schedule would have run on the days passed over, once, at the new time', async () => {
    w = await startClockedWorld({ start: beijing('2026-03-02', '08:00'), eventMode: 'webhook', sweepSchedule: '0 9 * * *' });
    await w.loadDirectory();
    expect((await w.api('POST', '/api/suggestions', { ...SUGGESTION, assigned_on: '2026-03-02' })).body.created).toBe(1);
    await w.drain();
    const chatId = w.chatOf('0001');
    const sweeps = vi.spyOn(w.duban.runtime.logger, 'info');
    const swept = () => sweeps.mock.calls.filter((call: unknown[]) => call[1] === 'reminder sweep').length;
    // The sweep runs in slices with pauses between them (src/app/sweep.ts): wait for its log line.
    const moveDays = async (days: number, sweepsThen: number) => {
      const res = await fetch(`${w.sandbox.url}/sandbox/clock`, { method: 'POST', body: JSON.stringify({ advance_days: days }) });
      expect(res.status).toBe(200);
      await new Promise((resolve) => setImmediate(resolve));
      await vi.waitFor(() => expect(swept()).toBe(sweepsThen), { timeout: 30_000 });
      await w.drain();
    };

    // 12 days and a bit: past 09:00 on each of them; one sweep, as of now, re-posts the cards.
    await moveDays(12.1, 1);
    expect(swept()).toBe(1);
    expect(w.clock().toISOString().slice(0, 10)).toBe('2026-03-14');
    const boards = w.cardsIn(chatId).filter((m) => cardTitle(m) === TITLE.board);
    expect(boards).toHaveLength(2);
    expect(text(boards[0]!)).toContain(SUPERSEDED);
    expect(w.ageInDays(boards[1]!)).toBeLessThan(1);
    // A quarter of an hour, not past 09:00: no sweep. Then past the next 09:00: one more.
    await moveDays(0.01, 1);
    expect(swept()).toBe(1);
    await moveDays(1, 2);
    expect(swept()).toBe(2);
    sweeps.mockRestore();
  });
});
