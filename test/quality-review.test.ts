/**
 * 质量评审 (SPEC §5, §10): when an answer becomes final (the evaluation closed its assignment), a
 * 质量评审 card appears in the supervisors' group; `提交评审` (`compliance`, `document`, `effect`:
 * good/fair/poor, and `note`) is for supervisors only, refuses an unknown grade with a toast naming
 * the field, and is recorded on the suggestion; the statistics and the Markdown/CSV/XLSX report
 * carry the quality table by unit. Presses go through the real SDK and signed events.
 */
import { asc } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../src/adapters/sqlite/schema.ts';
import type { FakeMessage } from '../src/sandbox/sandbox-state.ts';
import { ADMIN_TOKEN, beijing, cardTitle, startClockedWorld, type ClockedWorld } from './support/clocked-lark-world.ts';
import { deputy, directory, supervisor, unit } from './support/world.ts';

const jtw = unit('jtw');
const d01 = deputy('d01');
const SUPERVISORS_CHAT = 'oc_6b0f1d2e3c4a5b6c7d8e9f0a1b2c3d4e';
const NOTE = '答复格式规范，但措施的时间表不够具体';

describe('质量评审 in the supervisors’ group when an answer becomes final', () => {
  let w: ClockedWorld;
  let suggestionId: string;
  let chatId: string;

  beforeAll(async () => {
    w = await startClockedWorld({ start: beijing('2026-03-02', '10:00'), eventMode: 'webhook', env: { DUBAN_SUPERVISOR_CHAT_ID: SUPERVISORS_CHAT } });
    w.sandbox.fake.openGroupMadeByPeople({ chatId: SUPERVISORS_CHAT, name: '督办人员工作群', members: directory.supervisors });
    await w.loadDirectory();
    const res = await w.api('POST', '/api/suggestions', {
      session: '市六届人大二次会议',
      number: '0301',
      title: '关于完善公交站台无障碍设施的建议',
      body: '部分站台缺少盲道和坡道。',
      category: '交通邮电',
      lead_deputy: 'd01',
      lead_unit: 'jtw',
      assigned_on: '2026-03-02',
    });
    suggestionId = res.body.items[0].id;
    await w.drain();
    chatId = w.chatOf('0301');
  });
  afterAll(() => w?.close());

  const detail = async () => (await w.api('GET', `/api/suggestions/${suggestionId}`)).body;
  const audit = () => w.duban.runtime.db.select().from(schema.auditLog).orderBy(asc(schema.auditLog.seq)).all();
  async function press(card: FakeMessage, label: string, operator: string, fields: Record<string, string> = {}) {
    const result = await w.pressOn(card, label, operator, fields);
    await w.drain();
    return result;
  }
  async function step(title: string, label: string, operator: string, fields: Record<string, string> = {}) {
    const result = await press(w.newestCard(chatId, `${title} · 第0301号`), label, operator, fields);
    expect(result.toast?.type, `${title} ${label}: ${JSON.stringify(result.toast)}`).toBe('success');
  }
  const reviewCards = () => w.sandbox.fake.messagesIn(SUPERVISORS_CHAT).filter((m) => m.msgType === 'interactive' && cardTitle(m) === '质量评审 · 第0301号');
  const grades = { compliance: 'good', document: 'fair', effect: 'good', note: NOTE };

  it('no card while the answer awaits its evaluation; one when the evaluation makes it final', async () => {
    await step('交办通知', '签收', jtw.liaison);
    await step('状态看板', '提交答复', jtw.liaison, { result_class: 'A', summary: '已完成站台改造', public: 'yes', private_reason: '', commitments: '' });
    await step('答复审核', '审核通过', jtw.head);
    expect(reviewCards()).toHaveLength(0);
    await step('答复', '满意', d01, { comment: '' });
    expect((await detail()).status).toBe('closed');
    expect(reviewCards()).toHaveLength(1);
    expect(JSON.stringify(reviewCards()[0]!.body)).toContain('提交评审');
  });

  it('a unit head is refused with a toast saying who may review; audited; nothing changes', async () => {
    const before = audit().length;
    const result = await press(reviewCards()[0]!, '提交评审', jtw.head, grades);
    expect(result.toast).toMatchObject({ type: 'error', content: '仅督办人员可提交评审' });
    expect(audit()).toHaveLength(before + 1);
    expect(audit().at(-1)).toMatchObject({ outcome: 'refused', source: 'card', action: 'submit_quality_review', actor: jtw.head });
    expect((await detail()).qualityReviews).toEqual([]);
  });

  it('an unknown or missing grade is refused with a toast naming the field', async () => {
    for (const [field, zh] of [['compliance', '合规'], ['document', '文书'], ['effect', '效果']] as const) {
      const result = await press(reviewCards()[0]!, '提交评审', supervisor, { ...grades, [field]: field === 'document' ? '' : 'excellent' });
      expect(result.toast).toMatchObject({ type: 'warning', content: `请为${zh}（${field}）选择 好/一般/差（good/fair/poor）` });
    }
    expect((await detail()).qualityReviews).toEqual([]);
  });

  it('a supervisor reviews it: on the suggestion, in the timeline, on the card', async () => {
    const result = await press(reviewCards()[0]!, '提交评审', supervisor, grades);
    expect(result.toast).toMatchObject({ type: 'success', content: '质量评审已提交' });
    const d = await detail();
    expect(d.qualityReviews).toEqual([expect.objectContaining({ compliance: 'good', document: 'fair', effect: 'good', note: NOTE, reviewedBy: supervisor })]);
    expect(d.timeline.filter((e: { action?: string }) => e.action === 'submit_quality_review')).toEqual([expect.objectContaining({ actor: supervisor, actorRole: 'supervisor' })]);
    const shown = JSON.stringify(reviewCards()[0]!.body);
    expect(shown).toContain('已评审');
    expect(shown).toContain(NOTE);
    expect(shown).not.toContain('"tag":"form"');
  });

  it('the statistics and the Markdown, CSV and XLSX report print the quality table by unit', async () => {
    const stats = (await w.api('GET', '/api/stats')).body;
    expect(stats.qualityReview).toMatchObject({
      reviewed: 1,
      compliance: { good: 1, fair: 0, poor: 0 },
      document: { good: 0, fair: 1, poor: 0 },
      effect: { good: 1, fair: 0, poor: 0 },
      rate: expect.objectContaining({ numerator: 1, denominator: 1, text: '100%' }),
      byUnit: [expect.objectContaining({ unitId: 'jtw', answers: 1, reviewed: 1 })],
    });
    const report = async (format: string) => fetch(`${w.duban.server.url}/api/report?format=${format}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const md = await (await report('md')).text();
    expect(md).toContain('## 八、答复质量评审');
    expect(md).toContain('督办人员从合规、文书、效果三个方面评审答复1件');
    expect(md).toMatch(/\| 市交通运输委员会 \| 1 \| 1 \| 1 \| 0 \| 0 \| 0 \| 1 \| 0 \| 1 \| 0 \| 0 \|/);
    expect(md).not.toContain(NOTE);
    const csv = await (await report('csv')).text();
    expect(csv).toContain('答复质量评审');
    expect(csv).toContain('合规：好');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await (await report('xlsx')).arrayBuffer()) as ArrayBuffer);
    const sheet = wb.getWorksheet('答复质量评审');
    expect(sheet).toBeDefined();
    const rows = sheet!.getSheetValues().filter(Boolean) as unknown[][];
    expect(rows.map((r) => r.slice(1))).toContainEqual(['市交通运输委员会', 1, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0]);
  });
});
