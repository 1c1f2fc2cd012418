/**
 * What each change means for the group (SPEC §5): which cards to post, which posted cards to bring
 * up to date, which messages to send. Pure: it reads the audit entries of a decision and the
 * aggregate after it; src/adapters/sqlite/write-effects.ts turns these drafts into outbox rows in the same transaction.
 */
import type { CardKind } from './card-kind.ts';
import { changesAggregate, type AuditDraft } from './lifecycle/index.ts';
import type { SuggestionAggregate } from './model.ts';
import { forTextMessage } from './outbound-text.ts';

export interface CardRef {
  kind: CardKind;
  subjectId: string;
}

export type EffectDraft =
  | { type: 'create_chat' }
  /**
   * The group follows the people the change gave the suggestion (a re-assignment): who the group
   * rule (group-members.ts) wants now and did not before joins, who it no longer wants leaves.
   */
  | { type: 'follow_members' }
  /** `toSupervisors`: in the supervisors' group (DUBAN_SUPERVISOR_CHAT_ID), not the suggestion's. */
  | { type: 'post_card'; card: CardRef; toSupervisors?: true }
  /** Update every posted copy of a card in place. */
  | { type: 'refresh_cards'; card: CardRef }
  | { type: 'post_text'; zh: string; en: string; mentionSupervisors?: boolean }
  /** A message to the supervisors' group (DUBAN_SUPERVISOR_CHAT_ID). */
  | { type: 'notify_supervisors'; zh: string; en: string };

/** The cards and the group of a newly imported suggestion. */
export function effectsOfNewSuggestion(agg: SuggestionAggregate): EffectDraft[] {
  return [
    { type: 'create_chat' },
    ...agg.assignments.map((a): EffectDraft => ({ type: 'post_card', card: { kind: 'assignment', subjectId: a.id } })),
    { type: 'post_card', card: { kind: 'status_board', subjectId: agg.suggestion.id } },
  ];
}

export function planEffects(audit: AuditDraft[], next: SuggestionAggregate, unitNameOf: (unitId: string) => string): EffectDraft[] {
  const out: EffectDraft[] = [];
  const s = next.suggestion;
  const board: CardRef = { kind: 'status_board', subjectId: s.id };
  const details = (e: AuditDraft) => (e.details ?? {}) as Record<string, unknown>;
  const unitOf = (assignmentId: unknown) => next.assignments.find((a) => a.id === assignmentId);
  const unitName = (assignmentId: string) => unitNameOf(unitOf(assignmentId)?.unitId ?? '');

  for (const e of audit) {
    switch (e.action) {
      case 'sign':
        out.push({ type: 'refresh_cards', card: { kind: 'assignment', subjectId: e.subjectId } });
        break;
      case 'request_reassign':
        out.push({ type: 'refresh_cards', card: { kind: 'assignment', subjectId: e.subjectId } });
        out.push({ type: 'post_card', card: { kind: 'reassign', subjectId: String(details(e).requestId) } });
        break;
      case 'approve_reassign': {
        const newAssignment = unitOf(details(e).newAssignmentId);
        out.push({ type: 'refresh_cards', card: { kind: 'reassign', subjectId: String(details(e).requestId) } });
        out.push({ type: 'refresh_cards', card: { kind: 'assignment', subjectId: e.subjectId } });
        if (newAssignment) {
          out.push({ type: 'follow_members' });
          out.push({ type: 'post_card', card: { kind: 'assignment', subjectId: newAssignment.id } });
        }
        break;
      }
      case 'reject_reassign':
        out.push({ type: 'refresh_cards', card: { kind: 'reassign', subjectId: String(details(e).requestId) } });
        out.push({ type: 'refresh_cards', card: { kind: 'assignment', subjectId: e.subjectId } });
        break;
      case 'report_progress':
        out.push({ type: 'post_text', zh: `【进展】${forTextMessage(unitName(e.subjectId))}：${forTextMessage(e.message)}`, en: `[Progress] ${forTextMessage(e.message)}` });
        break;
      case 'record_contact':
        out.push({ type: 'post_card', card: { kind: 'contact', subjectId: e.subjectId } });
        break;
      case 'confirm_contact':
        out.push({ type: 'refresh_cards', card: { kind: 'contact', subjectId: e.subjectId } });
        break;
      case 'submit_opinion':
        // The 协办意见 card carries the opinion (none of it for a classified suggestion) and the lead unit's 评价协办意见.
        out.push({ type: 'post_card', card: { kind: 'co_opinion', subjectId: String(details(e).opinionId) } });
        break;
      case 'evaluate_co_opinion':
        out.push({ type: 'refresh_cards', card: { kind: 'co_opinion', subjectId: String(details(e).opinionId) } });
        if (details(e).grade === 'unsatisfied' && e.afterState === 'signed') {
          out.push({
            type: 'post_text',
            zh: `【协办意见】主办单位对${unitName(e.subjectId)}的协办意见评价为不满意，请协办单位重新提交协办意见。`,
            en: `[Co-handler opinion] The lead unit is unsatisfied with the co-handler's opinion: please submit a second opinion.`,
          });
        }
        break;
      case 'submit_answer':
        out.push({ type: 'post_card', card: { kind: 'approval', subjectId: e.subjectId } });
        break;
      case 'approve_answer':
        out.push({ type: 'refresh_cards', card: { kind: 'approval', subjectId: e.subjectId } });
        // With answer review on, the deputies see the answer only after the supervisor's 复核通过.
        out.push({ type: 'post_card', card: { kind: details(e).review ? 'review' : 'answer', subjectId: e.subjectId } });
        break;
      case 'nudge':
      case 'request_extension':
      case 'approve_extension':
      case 'reject_extension':
      case 'approve_review':
      case 'return_review':
      case 'dispute_contact':
        out.push(...supervisionEffects(e, next, unitName));
        break;
      case 'return_answer':
        out.push({ type: 'refresh_cards', card: { kind: 'approval', subjectId: e.subjectId } });
        break;
      case 'evaluate': {
        out.push({ type: 'refresh_cards', card: { kind: 'answer', subjectId: String(details(e).answerId) } });
        // The evaluation closed the assignment: its answer is final, for the supervisors' 质量评审.
        if ((e.afterState === 'closed' || e.afterState === 'closed_unsatisfied') && e.beforeState !== e.afterState) {
          out.push({ type: 'post_card', card: { kind: 'quality_review', subjectId: String(details(e).answerId) }, toSupervisors: true });
        }
        if (details(e).escalate) {
          const zh = `【督办】第${forTextMessage(s.number, 40)}号建议「${forTextMessage(s.title, 200)}」经重新办理后代表仍不满意，请督办人员组织有关方面共同研究。`;
          const en = `[Escalation] Suggestion ${forTextMessage(s.number, 40)}: the deputy is still unsatisfied after re-handling; supervisors, please convene the parties.`;
          out.push({ type: 'post_text', zh, en, mentionSupervisors: true });
          out.push({ type: 'notify_supervisors', zh, en });
          // 协调处理: the supervisors record what the coordination came to (SPEC §3).
          out.push({ type: 'post_card', card: { kind: 'coordination', subjectId: e.subjectId }, toSupervisors: true });
        }
        break;
      }
      case 'confirm_commitments':
        out.push({ type: 'post_card', card: { kind: 'commitment', subjectId: e.subjectId } });
        if (!out.some((x) => x.type === 'refresh_cards' && x.card.kind === 'answer')) {
          const commitment = next.commitments.find((c) => c.id === e.subjectId);
          if (commitment) out.push({ type: 'refresh_cards', card: { kind: 'answer', subjectId: commitment.answerId } });
        }
        break;
      case 'claim_commitment_done':
      case 'evaluate_commitment':
        out.push({ type: 'refresh_cards', card: { kind: 'commitment', subjectId: e.subjectId } });
        break;
      case 'confirm_commitment_done':
        // The card posted again is the 承诺兑现评价 card: it @-mentions the deputies for the second evaluation.
        out.push({ type: 'refresh_cards', card: { kind: 'commitment', subjectId: e.subjectId } });
        if (next.deputies.length > 0) out.push({ type: 'post_card', card: { kind: 'commitment', subjectId: e.subjectId } });
        break;
      case 'report_commitment_progress': {
        const c = next.commitments.find((x) => x.id === e.subjectId);
        const unit = c ? unitName(c.assignmentId) : '';
        out.push({ type: 'post_text', zh: `【承诺进展】${forTextMessage(unit)}：${forTextMessage(e.message)}`, en: `[Commitment follow-up] ${forTextMessage(e.message)}` });
        break;
      }
      case 'show_commitment':
        out.push({ type: 'post_card', card: { kind: 'commitment', subjectId: e.subjectId } });
        break;
      case 'withdraw_suggestion':
        // A classified suggestion's group is told without the reason (free text is never posted there).
        if (e.subjectType === 'suggestion' && s.classified) out.push({ type: 'post_text', zh: '本建议已撤回。', en: 'This suggestion has been withdrawn.' });
        else if (e.subjectType === 'suggestion') out.push({ type: 'post_text', zh: `本建议已撤回：${forTextMessage(e.message)}`, en: `This suggestion has been withdrawn: ${forTextMessage(e.message)}` });
        break;
      case 'submit_quality_review':
        out.push({ type: 'refresh_cards', card: { kind: 'quality_review', subjectId: e.subjectId } });
        break;
      case 'record_coordination':
        out.push({ type: 'refresh_cards', card: { kind: 'coordination', subjectId: e.subjectId } });
        break;
      case 'merge_into':
        // The member's units leave its group; the board shows the 并案 note.
        out.push({ type: 'follow_members' });
        if (e.subjectType === 'suggestion') {
          const n = forTextMessage(String(details(e).leadNumber ?? ''), 40);
          out.push({ type: 'post_text', zh: `【并案】本建议已并入第${n}号建议办理，答复将送达本群，请各位代表届时评价。`, en: `[Merged] This suggestion is handled together with suggestion ${n}; its answer will be delivered here for your evaluation.` });
        }
        break;
      case 'deliver_merged_answer':
        // The answering unit joins the group (it re-handles here if the deputies are unsatisfied).
        out.push({ type: 'follow_members' });
        out.push({ type: 'post_card', card: { kind: 'answer', subjectId: e.subjectId } });
        break;
      case 'suggestion_closed':
        out.push({ type: 'post_card', card: { kind: 'closing', subjectId: s.id } });
        break;
    }
  }
  // Every change shows on the status board.
  if (changesAggregate(audit)) out.push({ type: 'refresh_cards', card: board });
  return dedupe(out);
}

/** What 催办, 延期, 复核 and 不属实 post (SPEC §5). A classified suggestion's free text is never posted. */
function supervisionEffects(e: AuditDraft, next: SuggestionAggregate, unitName: (assignmentId: string) => string): EffectDraft[] {
  const s = next.suggestion;
  const d = (e.details ?? {}) as Record<string, unknown>;
  const said = (text: string) => (s.classified ? '' : `：${text}`);
  switch (e.action) {
    case 'nudge':
      return [{ type: 'post_card', card: { kind: 'nudge', subjectId: String(d.nudgeId) } }];
    case 'request_extension': {
      const zh = `【延期申请】第${s.number}号建议：${unitName(e.subjectId)}申请将答复期限延至 ${String(d.until)}，请在该建议群内审批。`;
      const en = `[Extension request] Suggestion ${s.number}: a unit asks to answer by ${String(d.until)}; please decide in its group.`;
      return [{ type: 'post_card', card: { kind: 'extension', subjectId: String(d.requestId) } }, { type: 'notify_supervisors', zh, en }];
    }
    case 'approve_extension':
      return [
        { type: 'refresh_cards', card: { kind: 'extension', subjectId: String(d.requestId) } },
        { type: 'post_text', zh: `【同意延期】${unitName(e.subjectId)}的答复期限延至 ${String(d.until)}。`, en: `[Extension granted] The answer is now due ${String(d.until)}.` },
      ];
    case 'reject_extension':
      return [
        { type: 'refresh_cards', card: { kind: 'extension', subjectId: String(d.requestId) } },
        { type: 'post_text', zh: `【不同意延期】${unitName(e.subjectId)}的答复期限不变${said(e.message)}`, en: `[Extension refused] The answer deadline stays as it was.` },
      ];
    case 'approve_review':
      return [
        { type: 'refresh_cards', card: { kind: 'review', subjectId: e.subjectId } },
        { type: 'post_card', card: { kind: 'answer', subjectId: e.subjectId } },
      ];
    case 'return_review':
      return [
        { type: 'refresh_cards', card: { kind: 'review', subjectId: e.subjectId } },
        { type: 'post_text', zh: `【退回重办】${unitName(String(d.assignmentId))}的答复经督办人员复核退回，请重新办理${said(e.message)}`, en: `[Returned for re-handling] A supervisor returned the answer after review.` },
      ];
    case 'dispute_contact':
      return [
        { type: 'refresh_cards', card: { kind: 'contact', subjectId: e.subjectId } },
        { type: 'post_text', zh: `【沟通记录不属实】代表认为${unitName(String(d.assignmentId))}登记的沟通记录不属实${said(e.message)}`, en: `[Contact disputed] A deputy says a contact record of the unit is not true.` },
      ];
    default:
      return [];
  }
}

function dedupe(effects: EffectDraft[]): EffectDraft[] {
  const seen = new Set<string>();
  return effects.filter((e) => {
    if (e.type !== 'refresh_cards') return true;
    const key = `${e.card.kind}:${e.card.subjectId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
