/**
 * `duban demo` (SPEC §7): the sample directory and 30 suggestions dated relative to today, several
 * moved along by the same commands people give from their cards (dispatched in their names, audited as from the CLI),
 * each at its own moment in the past few weeks: signed, contacted and confirmed, a co-handler's
 * opinion, answers waiting for approval, approved, evaluated, a commitment confirmed, one
 * re-assigned, one left unsigned past its deadline (overdue), and today's left to sign. The
 * server then posts the groups and cards to Lark (or the sandbox) through the outbox as usual.
 */
import { and, eq } from 'drizzle-orm';
import * as schema from '../adapters/sqlite/schema.ts';
import { loadAggregate } from '../adapters/sqlite/aggregate-store.ts';
import { DAY_MS, localDate, localTime } from '../core/clock.ts';
import type { Directory } from '../core/directory.ts';
import type { Command } from '../core/lifecycle/index.ts';
import type { SuggestionAggregate } from '../core/model.ts';
import { deadlineContext, type AppContext } from './context.ts';
import { loadDirectory } from './directory.ts';
import { dispatch, dispatchDeps } from './dispatch.ts';
import { importSuggestions } from './import/import-suggestions.ts';
import type { RawRow } from './import/suggestion-row.ts';

export class DemoError extends Error {}

/** How many days before today each suggestion was assigned; the rest are assigned today. */
const ASSIGNED_DAYS_AGO: Record<string, number> = {
  '0001': 24, '0002': 22, '0003': 20, '0004': 18, '0005': 16, '0006': 15, '0007': 14, '0008': 10,
  '0009': 14, '0010': 13, '0011': 12, '0012': 11, '0013': 9, '0014': 8, '0015': 7, '0016': 6,
  '0017': 5, '0018': 4, '0019': 4, '0020': 3, '0021': 3,
};

/** The suggestion left unsigned well past its two working days: the demo's one overdue item. */
export const DEMO_OVERDUE = '0008';
/** Suggestions assigned today and left waiting for 签收 (a browser test takes one of them through). */
export const DEMO_FRESH = ['0022', '0023', '0024', '0025', '0026', '0027', '0028', '0029', '0030'];

export interface DemoResult {
  today: string;
  suggestions: number;
  /** Commands given, by type. */
  steps: Record<string, number>;
  overdue: string;
  fresh: string[];
}

interface Actors {
  liaison(unitId: string): string;
  head(unitId: string): string;
  deputy(deputyId: string): string;
  supervisor: string;
}

function actorsOf(directory: Directory): Actors {
  const unit = (id: string) => {
    const u = directory.units.find((x) => x.id === id);
    if (!u) throw new DemoError(`the demo directory has no unit ${id}`);
    return u;
  };
  return {
    liaison: (id) => unit(id).liaisons[0]!,
    head: (id) => unit(id).head,
    deputy: (id) => {
      const d = directory.deputies.find((x) => x.id === id);
      if (!d) throw new DemoError(`the demo directory has no deputy ${id}`);
      return d.open_id;
    },
    supervisor: directory.supervisors[0] ?? '',
  };
}

export function runDemo(ctx: AppContext, directory: Directory, rows: RawRow[]): DemoResult {
  const existing = ctx.db.select({ id: schema.suggestions.id }).from(schema.suggestions).limit(1).all();
  if (existing.length > 0) {
    throw new DemoError(`the demo loads into an empty database, and ${ctx.config.databasePath} already holds suggestions: point DATABASE_PATH at a new file`);
  }
  const now = ctx.clock();
  const tz = ctx.config.timeZone;
  const today = localDate(now, tz);
  // Moments up to four hours before now's time of day, so nothing is in the future, but never
  // before the day's local midnight: run at 00:05, "today" is five minutes old, and a moment four
  // hours back would date today's suggestions yesterday.
  const [hours, minutes] = localTime(now, tz).slice(11).split(':').map(Number) as [number, number];
  const back = Math.min(4 * 3_600_000, (hours * 60 + minutes) * 60_000);
  /** A moment `daysAgo` days back, within the `back` before now's time of day; successive calls move forward. */
  let tick = 0;
  const momentOf = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS - back + ((tick++ % 200) * back) / 200);

  loadDirectory({ db: ctx.db, clock: () => momentOf(30) }, directory);

  // Import day by day, oldest first, each on its own day.
  const numberOf = (row: RawRow) => String(row.values['编号'] ?? row.values.number ?? '').trim();
  const daysAgoOf = (row: RawRow) => ASSIGNED_DAYS_AGO[numberOf(row)] ?? 0;
  const byDay = new Map<number, RawRow[]>();
  for (const row of rows) {
    const days = daysAgoOf(row);
    const values = { ...row.values };
    delete values['交办日期'];
    byDay.set(days, [...(byDay.get(days) ?? []), { row: row.row, values: { ...values, assigned_on: localDate(momentOf(days), tz) } }]);
  }
  let imported = 0;
  for (const days of [...byDay.keys()].sort((a, b) => b - a)) {
    const at = momentOf(days);
    const report = importSuggestions(ctx.db, byDay.get(days)!, { source: 'cli', actor: 'system:demo', now: at, today: localDate(at, tz), deadlines: deadlineContext(ctx) });
    if (report.rejected.length) throw new DemoError(`the demo suggestions were refused: ${report.rejected.map((r) => `row ${r.row}: ${r.reason}`).join('; ')}`);
    imported += report.created;
  }

  const session = String(rows[0]?.values['届次'] ?? rows[0]?.values.session ?? '');
  const aggregate = (number: string): SuggestionAggregate => {
    const row = ctx.db.select({ id: schema.suggestions.id }).from(schema.suggestions).where(and(eq(schema.suggestions.session, session), eq(schema.suggestions.number, number))).get();
    if (!row) throw new DemoError(`the demo has no suggestion ${number}`);
    return loadAggregate(ctx.db, row.id)!;
  };
  const assignment = (number: string, unitId: string) => {
    const a = aggregate(number).assignments.find((x) => x.unitId === unitId && x.state !== 'withdrawn');
    if (!a) throw new DemoError(`suggestion ${number} has no live assignment of ${unitId}`);
    return a.id;
  };
  const steps: Record<string, number> = {};
  const act = (daysAgo: number, actor: string, command: Command) => {
    dispatch(dispatchDeps({ ...ctx, clock: () => momentOf(daysAgo) }), { actor, command, source: 'cli' });
    steps[command.type] = (steps[command.type] ?? 0) + 1;
  };
  const who = actorsOf(directory);
  const sign = (number: string, unitId: string, daysAgo: number) => act(daysAgo, who.liaison(unitId), { type: 'sign', assignmentId: assignment(number, unitId) });
  const dateOf = (daysAgo: number) => localDate(momentOf(daysAgo), tz);
  const lastAnswer = (number: string) => aggregate(number).answers.at(-1)!.id;
  const lastContact = (number: string) => aggregate(number).contacts.at(-1)!.id;

  // Everything assigned before today is signed a day later, except the overdue one and 0007 (re-assigned below).
  for (const number of Object.keys(ASSIGNED_DAYS_AGO)) {
    if (number === DEMO_OVERDUE || number === '0007') continue;
    const days = ASSIGNED_DAYS_AGO[number]!;
    for (const a of aggregate(number).assignments) sign(number, a.unitId, Math.max(days - 1, 0));
  }

  // 0001: contacted and confirmed, the co-handler's opinion, answered with commitments the deputy confirmed.
  act(15, who.liaison('jtw'), { type: 'record_contact', assignmentId: assignment('0001', 'jtw'), method: 'face_to_face', date: dateOf(15), note: '与张立新代表当面沟通线网优化方案' });
  act(14, who.deputy('d01'), { type: 'confirm_contact', contactId: lastContact('0001') });
  act(10, who.liaison('cgj'), { type: 'submit_opinion', assignmentId: assignment('0001', 'cgj'), opinion: '配合做好公交站点周边市容管理。' });
  act(6, who.liaison('jtw'), {
    type: 'submit_answer',
    assignmentId: assignment('0001', 'jtw'),
    resultClass: 'B',
    summary: '已优化调整重复线路6条，年内新开社区微循环线路2条。',
    public: true,
    commitments: [
      { dueOn: dateOf(-120), content: '年内开通2条社区微循环公交线路' },
      { dueOn: dateOf(-60), content: '完成3个轨道站点公交接驳改造' },
    ],
  });
  act(5, who.head('jtw'), { type: 'approve_answer', answerId: lastAnswer('0001') });
  act(4, who.deputy('d01'), { type: 'confirm_commitments', answerId: lastAnswer('0001') });

  // 0002: contacted, answered, approved and evaluated 满意 (closed).
  act(12, who.liaison('zjw'), { type: 'record_contact', assignmentId: assignment('0002', 'zjw'), method: 'phone', date: dateOf(12), note: '电话沟通加装电梯补贴标准' });
  act(11, who.deputy('d04'), { type: 'confirm_contact', contactId: lastContact('0002') });
  act(5, who.liaison('zjw'), { type: 'submit_answer', assignmentId: assignment('0002', 'zjw'), resultClass: 'A', summary: '已出台加装电梯简化审批办法，统一补贴标准。', public: true, commitments: [] });
  act(4, who.head('zjw'), { type: 'approve_answer', answerId: lastAnswer('0002') });
  act(2, who.deputy('d04'), { type: 'evaluate', answerId: lastAnswer('0002'), grade: 'satisfied', comment: '办理认真，沟通充分。' });

  // 0003: a contact recorded, waiting for the deputy to confirm it.
  act(9, who.liaison('jw'), { type: 'record_contact', assignmentId: assignment('0003', 'jw'), method: 'visit', date: dateOf(9), note: '走访代表了解幼儿园移交情况' });

  // 0004: progress reported, an answer waiting for the head's approval.
  act(10, who.liaison('wjw'), { type: 'report_progress', assignmentId: assignment('0004', 'wjw'), text: '已召开医共体建设专题会。' });
  act(1, who.liaison('wjw'), { type: 'submit_answer', assignmentId: assignment('0004', 'wjw'), resultClass: 'B', summary: '正在推进检查结果互认，年内覆盖全部县域。', public: true, commitments: [] });

  // 0005: answered and approved, waiting for the deputy's evaluation.
  act(3, who.liaison('mzj'), { type: 'submit_answer', assignmentId: assignment('0005', 'mzj'), resultClass: 'A', summary: '已将建议内容纳入养老服务设施布局规划。', public: true, commitments: [] });
  act(2, who.head('mzj'), { type: 'approve_answer', answerId: lastAnswer('0005') });

  // 0007: the lead unit asks to hand it over, a supervisor re-assigns it, the new unit signs.
  act(13, who.liaison('nyncw'), { type: 'request_reassign', assignmentId: assignment('0007', 'nyncw'), reason: '该事项属水利部门职责。' });
  act(12, who.supervisor, { type: 'approve_reassign', assignmentId: assignment('0007', 'nyncw'), newUnitId: 'jjxxw' });
  sign('0007', 'jjxxw', 11);
  sign('0007', 'slj', 13);

  return { today, suggestions: imported, steps, overdue: DEMO_OVERDUE, fresh: DEMO_FRESH };
}
