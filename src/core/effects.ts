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
  | { type: 'post_card'; card: CardRef }
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
        out.push({ type: 'post_text', zh: `【协办意见】${forTextMessage(unitName(e.subjectId))}：${forTextMessage(e.message)}`, en: `[Co-handler opinion] ${forTextMessage(e.message)}` });
        break;
      case 'submit_answer':
        out.push({ type: 'post_card', card: { kind: 'approval', subjectId: e.subjectId } });
        break;
      case 'approve_answer':
        out.push({ type: 'refresh_cards', card: { kind: 'approval', subjectId: e.subjectId } });
        out.push({ type: 'post_card', card: { kind: 'answer', subjectId: e.subjectId } });
        break;
      case 'return_answer':
        out.push({ type: 'refresh_cards', card: { kind: 'approval', subjectId: e.subjectId } });
        break;
      case 'evaluate': {
        out.push({ type: 'refresh_cards', card: { kind: 'answer', subjectId: String(details(e).answerId) } });
        if (details(e).escalate) {
          const zh = `【督办】第${forTextMessage(s.number, 40)}号建议「${forTextMessage(s.title, 200)}」经重新办理后代表仍不满意，请督办人员组织有关方面共同研究。`;
          const en = `[Escalation] Suggestion ${forTextMessage(s.number, 40)}: the deputy is still unsatisfied after re-handling; supervisors, please convene the parties.`;
          out.push({ type: 'post_text', zh, en, mentionSupervisors: true });
          out.push({ type: 'notify_supervisors', zh, en });
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
        if (e.subjectType === 'suggestion') out.push({ type: 'post_text', zh: `本建议已撤回：${forTextMessage(e.message)}`, en: `This suggestion has been withdrawn: ${forTextMessage(e.message)}` });
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
