/**
 * The printable dossier of one suggestion (`GET /api/suggestions/:id?format=md`): the suggestion,
 * its units, every step with its time and actor, contacts, opinions, the answer(s), evaluations,
 * commitments and open deadlines, in Chinese Markdown.
 *
 * A classified (涉密) suggestion follows the cards' rule (README): number, title, units, dates,
 * people and states only — no body, answer summaries, notes, reasons, commitment texts, comments
 * or chat text.
 */
import { localTime } from '../core/clock.ts';
import { STATE_LABELS, type AssignmentState } from '../core/model.ts';
import { DEADLINE_LABELS } from '../core/deadlines/policy.ts';
import type { getSuggestionDetail } from './suggestion-queries.ts';
import { markdownBlock, markdownInline, tableCell } from '../adapters/report/markdown-text.ts';
import { contentDisposition } from '../adapters/report/render.ts';

export type SuggestionDetail = ReturnType<typeof getSuggestionDetail>;

export interface DossierOptions {
  /** The zone times are printed in (DUBAN_TIMEZONE). */
  timeZone?: string;
}

const HIDDEN = '（涉密，不予显示）';

export const DOSSIER_CONTENT_TYPE = 'text/markdown; charset=utf-8';

/** `attachment; filename="duban-dossier-0001.md"; filename*=UTF-8''…第0001号…` */
export function dossierContentDisposition(detail: Pick<SuggestionDetail, 'number' | 'session'>): string {
  const safe = detail.number.replace(/[^A-Za-z0-9_-]/g, '_');
  return contentDisposition({ filename: `duban-dossier-${safe}.md`, filenameZh: `${detail.session}第${detail.number}号建议办理档案.md` });
}

const KIND = { suggestion: '建议', motion: '议案', proposal: '提案' } as const;
const TIMING = { session: '大会期间', interim: '闭会期间' } as const;
const ROLE = { lead: '主办', co: '协办', split: '分办' } as const;
const SUGGESTION_STATUS: Record<string, string> = { open: '办理中', closed: '已办结', withdrawn: '已撤回' };
const LIGHT: Record<string, string> = { blue: '蓝灯（正常）', yellow: '黄灯（临近期限）', red: '红灯（已逾期）' };
const CONTACT_METHOD: Record<string, string> = { face_to_face: '面商', phone: '电话', meeting: '座谈', visit: '视察', other: '其他' };
const RESULT_CLASS: Record<string, string> = { A: 'A类（已解决或采纳）', B: 'B类（列入计划逐步解决）', C: 'C类（留作参考）', D: 'D类（涉及上级职权）' };
const ANSWER_STATUS: Record<string, string> = { pending_approval: '待审核', pending_review: '待复核', approved: '审核通过', returned: '退回修改' };
const GRADE: Record<string, string> = { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' };
const COMMITMENT_STATE: Record<string, string> = { proposed: '待代表确认', confirmed: '已确认', done_claimed: '已报完成待确认', done: '已完成', void: '已作废' };
const REQUEST_STATUS: Record<string, string> = { pending: '待审批', approved: '同意改办', rejected: '不同意改办' };
const ACTOR_ROLE: Record<string, string> = { head: '负责人', liaison: '联络员', deputy: '代表', supervisor: '督办人员', supervisor_on_behalf: '督办人员（代为操作）' };
const SYSTEM_ACTOR: Record<string, string> = { 'system:admin': '管理员（管理接口）', 'system:cli': '管理员（命令行）', 'system:schedule': '系统（定时任务）' };
const ACTION: Record<string, string> = {
  import_created: '导入交办',
  import_updated: '导入更新',
  sign: '签收',
  request_reassign: '申请改办',
  approve_reassign: '同意改办',
  reject_reassign: '不同意改办',
  report_progress: '报告进展',
  record_contact: '登记沟通',
  confirm_contact: '确认沟通属实',
  submit_opinion: '提交协办意见',
  submit_answer: '提交答复',
  approve_answer: '审核通过答复',
  return_answer: '退回修改答复',
  evaluate: '评价答复',
  confirm_commitments: '确认承诺事项',
  claim_commitment_done: '标记承诺完成',
  confirm_commitment_done: '确认承诺完成',
  withdraw_suggestion: '撤回建议',
  extend_answer_deadline: '批准延期答复',
  nudge: '代表催办',
  request_extension: '申请延期',
  approve_extension: '同意延期',
  reject_extension: '不同意延期',
  approve_review: '复核通过',
  return_review: '复核退回重办',
  dispute_contact: '沟通记录不属实',
  merge_suggestions: '并案（主建议）',
  merge_into: '并案办理',
  deliver_merged_answer: '并案答复送达',
  suggestion_closed: '建议办结',
  group_bot_removed: '机器人被移出群聊',
  group_disbanded: '群聊被解散',
  group_bot_added: '机器人重新加入群聊',
};
/** Actions whose audit message is a fixed label or the number, never someone's text: printed even when classified. */
const PLAIN_MESSAGES = new Set(['import_created', 'import_updated', 'sign', 'confirm_contact', 'approve_answer', 'confirm_commitment_done', 'nudge', 'approve_review', 'suggestion_closed', 'group_bot_removed', 'group_disbanded', 'group_bot_added']);

function stateLabel(state: string | null): string {
  if (state === null) return '';
  return (
    STATE_LABELS[state as AssignmentState]?.zh_cn ??
    SUGGESTION_STATUS[state] ??
    COMMITMENT_STATE[state] ??
    ANSWER_STATUS[state] ??
    ({ recorded: '已登记' } as Record<string, string>)[state] ??
    state
  );
}

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  return tableCell(String(value));
}

function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function renderDossierMarkdown(detail: SuggestionDetail, options: DossierOptions = {}): string {
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  const time = localTimeOf(timeZone);
  const secret = detail.classified;
  // Every piece of text a person or an import wrote is made inert for Markdown (markdown-text.ts).
  const user = (text: string | null | undefined) => (text ? markdownInline(text) : text);
  const free = (text: string | null | undefined) => (secret ? HIDDEN : user(text));

  const unitOfAssignment = new Map(detail.assignments.map((a) => [a.id, markdownInline(a.unitName)]));
  const unitOfSubject = new Map<string, string>(unitOfAssignment);
  for (const x of [...detail.answers, ...detail.contacts, ...detail.commitments, ...detail.coOpinions, ...detail.progressReports]) {
    const unit = unitOfAssignment.get(x.assignmentId);
    if (unit) unitOfSubject.set(x.id, unit);
  }
  const deputyByOpenId = new Map(detail.deputies.map((d) => [d.openId, d]));
  const deputyById = new Map(detail.deputies.map((d) => [d.id, d]));
  const label = (openId: string, role: string | null | undefined, subjectId: string | undefined): string | undefined => {
    if (SYSTEM_ACTOR[openId]) return SYSTEM_ACTOR[openId];
    const deputy = deputyByOpenId.get(openId);
    if (deputy && (!role || role === 'deputy')) return `${markdownInline(deputy.name)}（代表）`;
    if (!role) return undefined;
    const unit = subjectId && (role === 'head' || role === 'liaison') ? (unitOfSubject.get(subjectId) ?? '') : '';
    return `${unit}${ACTOR_ROLE[role] ?? role}（${openId}）`;
  };
  // Who each person acted as, from the audit log, to name them wherever else they appear.
  const knownAs = new Map<string, string>();
  for (const e of detail.timeline) {
    if (e.type !== 'state_change' || knownAs.has(e.actor)) continue;
    const name = label(e.actor, e.actorRole, e.subjectId);
    if (name) knownAs.set(e.actor, name);
  }
  const person = (openId: string | null | undefined, role?: string | null, subjectId?: string): string => {
    if (!openId) return '—';
    if (role !== undefined) return label(openId, role, subjectId) ?? openId;
    return knownAs.get(openId) ?? label(openId, undefined, undefined) ?? openId;
  };

  const out: string[] = [];
  out.push(`# 建议办理档案：第${user(detail.number)}号 ${user(detail.title)}`, '');
  const lead = detail.deputies.filter((d) => d.role === 'lead').map((d) => markdownInline(d.name));
  const co = detail.deputies.filter((d) => d.role === 'co').map((d) => markdownInline(d.name));
  out.push(
    table(
      ['项目', '内容'],
      [
        ['届次', user(detail.session)],
        ['编号', user(detail.number)],
        ['类型', KIND[detail.kind]],
        ['提出时间', TIMING[detail.timing]],
        ['类别', user(detail.category)],
        ['领衔代表', lead.join('、')],
        ['附议代表', co.join('、')],
        ['交办日期', detail.assignedOn],
        ['重点督办', detail.key ? `是${detail.keyLeader ? `（督办领导：${user(detail.keyLeader)}）` : ''}` : '否'],
        ['涉密', secret ? '是' : '否'],
        ['办理状态', SUGGESTION_STATUS[detail.status] ?? detail.status],
        ['期限提示', LIGHT[detail.light] ?? detail.light],
      ],
    ),
    '',
  );

  out.push('## 建议内容', '', secret ? '（涉密建议，正文不予显示。）' : markdownBlock(detail.body) || '（无正文）', '');

  out.push(
    '## 承办单位',
    '',
    table(
      ['承办单位', '方式', '状态', '交办日期', '签收时间', '办结时间', '轮次'],
      detail.assignments.map((a) => [markdownInline(a.unitName), ROLE[a.role], a.stateLabel?.zh_cn ?? a.state, a.assignedOn, time(a.signedAt), time(a.closedAt), a.round]),
    ),
    '',
  );

  if (detail.reassignmentRequests.length) {
    out.push(
      '## 改办',
      '',
      table(
        ['原承办单位', '申请时间', '申请人', '理由', '结果', '审批时间', '审批人', '改办至', '不同意理由'],
        detail.reassignmentRequests.map((r) => [
          unitOfAssignment.get(r.assignmentId),
          time(r.requestedAt),
          person(r.requestedBy),
          free(r.reason),
          REQUEST_STATUS[r.status] ?? r.status,
          time(r.decidedAt),
          person(r.decidedBy),
          r.newAssignmentId ? unitOfAssignment.get(r.newAssignmentId) : user(r.newUnitId),
          r.decisionReason ? free(r.decisionReason) : null,
        ]),
      ),
      '',
    );
  }

  const steps = detail.timeline.filter((e) => e.type === 'state_change');
  out.push(
    '## 办理过程',
    '',
    steps.length
      ? table(
          ['时间', '操作人', '事项', '状态变化', '说明'],
          steps.map((e) => [
            time(e.at),
            person(e.actor, e.actorRole, e.subjectId),
            ACTION[e.action] ?? e.action,
            e.beforeState || e.afterState ? `${stateLabel(e.beforeState) || '—'} → ${stateLabel(e.afterState) || '—'}` : null,
            secret && !PLAIN_MESSAGES.has(e.action) ? (e.message ? HIDDEN : null) : user(e.message),
          ]),
        )
      : '（无记录）',
    '',
  );

  if (detail.progressReports.length) {
    out.push('## 进展报告', '', table(['时间', '承办单位', '报告人', '内容'], detail.progressReports.map((p) => [time(p.reportedAt), unitOfAssignment.get(p.assignmentId), person(p.reportedBy), free(p.text)])), '');
  }

  out.push(
    '## 沟通记录',
    '',
    detail.contacts.length
      ? table(
          ['沟通日期', '方式', '承办单位', '登记人', '登记时间', '说明', '代表确认'],
          detail.contacts.map((c) => [
            c.date,
            CONTACT_METHOD[c.method] ?? c.method,
            unitOfAssignment.get(c.assignmentId),
            person(c.recordedBy),
            time(c.recordedAt),
            c.note ? free(c.note) : null,
            c.confirmedAt ? `已确认：${person(c.confirmedBy)} ${time(c.confirmedAt)}` : '未确认',
          ]),
        )
      : '（无）',
    '',
  );

  if (detail.coOpinions.length) {
    out.push('## 协办意见', '', table(['协办单位', '提交时间', '提交人', '意见'], detail.coOpinions.map((o) => [unitOfAssignment.get(o.assignmentId), time(o.submittedAt), person(o.submittedBy), free(o.text)])), '');
  }

  out.push('## 答复', '');
  if (detail.answers.length === 0) out.push('（尚无答复）', '');
  const answers = [...detail.answers].sort((x, y) => x.submittedAt.localeCompare(y.submittedAt));
  for (const a of answers) {
    out.push(`### ${unitOfAssignment.get(a.assignmentId) ?? ''} 第${a.round}轮答复（${ANSWER_STATUS[a.status] ?? a.status}）`, '');
    out.push(
      table(
        ['项目', '内容'],
        [
          ['答复类别', RESULT_CLASS[a.resultClass] ?? a.resultClass],
          ['是否公开', a.public ? '公开' : `不公开${a.privateReason ? `（理由：${free(a.privateReason)}）` : ''}`],
          ['提交', `${time(a.submittedAt)} ${person(a.submittedBy)}`],
          ['审核', a.decidedAt ? `${time(a.decidedAt)} ${person(a.decidedBy)}（${ANSWER_STATUS[a.status]}）` : '待审核'],
          ...(a.returnReason ? [['退回理由', free(a.returnReason)] as [string, string | null | undefined]] : []),
          ['答复摘要', free(a.summary)],
        ],
      ),
      '',
    );
  }

  out.push(
    '## 评价',
    '',
    detail.evaluations.length
      ? table(
          ['评价时间', '代表', '轮次', '评价', '意见', '记录人'],
          [...detail.evaluations]
            .sort((x, y) => x.evaluatedAt.localeCompare(y.evaluatedAt))
            .map((e) => [time(e.evaluatedAt), user(deputyById.get(e.deputyId)?.name ?? e.deputyId), `第${e.round}轮`, GRADE[e.grade] ?? e.grade, e.comment ? free(e.comment) : null, person(e.evaluatedBy)]),
        )
      : '（尚无评价）',
    '',
  );

  out.push(
    '## 承诺事项',
    '',
    detail.commitments.length
      ? table(
          ['承诺内容', '承办单位', '完成期限', '状态', '代表确认', '完成情况', '确认完成'],
          detail.commitments.map((c) => [
            free(c.content),
            unitOfAssignment.get(c.assignmentId),
            c.dueOn,
            COMMITMENT_STATE[c.state] ?? c.state,
            c.confirmedAt ? `${time(c.confirmedAt)} ${person(c.confirmedBy)}` : null,
            c.claimedAt ? `${time(c.claimedAt)} ${person(c.claimedBy)}：${free(c.evidence) ?? ''}` : null,
            c.doneAt ? `${time(c.doneAt)} ${person(c.doneBy)}` : null,
          ]),
        )
      : '（无）',
    '',
  );

  out.push(
    '## 当前期限',
    '',
    detail.deadlines.length
      ? table(
          ['事项', '承办单位', '截止日期', '是否逾期', '计算方法'],
          detail.deadlines.map((d) => [
            DEADLINE_LABELS[d.kind]?.zh_cn ?? d.kind,
            unitOfAssignment.get(d.assignmentId),
            d.due,
            d.overdue ? '已逾期' : '未逾期',
            // A commitment's explanation quotes its content.
            secret && d.kind === 'commitment' ? `承诺于 ${d.due} 前完成` : user(d.explanation.zh_cn),
          ]),
        )
      : '（无未到期或未完成的期限）',
    '',
  );

  const messages = detail.timeline.filter((e) => e.type === 'message');
  const userMessages = messages.filter((m) => m.senderType === 'user');
  out.push('## 群内消息', '');
  if (secret || userMessages.length === 0) {
    out.push(`群内共有消息${messages.length}条${secret && userMessages.length ? '（涉密建议，消息内容不予显示）' : ''}。`, '');
  } else {
    out.push(
      `群内共有消息${messages.length}条，其中成员发言${userMessages.length}条如下（机器人卡片${messages.length - userMessages.length}条从略）。`,
      '',
      // A recalled message stays in the record, its text kept, marked with when it was recalled.
      table(['时间', '发言人', '内容'], userMessages.map((m) => [time(m.at), person(m.sender), m.recalledAt ? `${user(m.text)}（已于 ${time(m.recalledAt)} 撤回）` : user(m.text)])),
      '',
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** An instant as people read it (local 'YYYY-MM-DD HH:mm'), or null for none. */
function localTimeOf(timeZone: string): (iso: string | null | undefined) => string | null {
  return (iso) => (iso ? localTime(new Date(iso), timeZone) : null);
}
