/**
 * 并案, merged handling (SPEC §3, §7 `POST /api/merges`): a supervisor merges suggestions of the
 * same content under one lead suggestion, and the lead's approved answer reaches every merged
 * suggestion. The checks that span suggestions live here (unknown ids, a suggestion merged into
 * itself or twice, a lead that is itself merged); the steps on each merged suggestion are the
 * lifecycle's (core/lifecycle/merge-steps.ts). Everything happens in one transaction: all the
 * suggestions are merged, or none. A refusal is audited on its own, like any other.
 */
import { actorLabel, systemActor, type ActionSource, type Actor } from '../core/actor.ts';
import { DomainError, refuse } from '../core/errors.ts';
import { requireSupervisor, type AuditDraft, type DeliveredAnswer } from '../core/lifecycle/index.ts';
import type { SuggestionAggregate } from '../core/model.ts';
import { forTextMessage } from '../core/outbound-text.ts';
import type { DbOrTx } from '../adapters/sqlite/db.ts';
import { loadAggregate } from '../adapters/sqlite/aggregate-store.ts';
import { appendAudit } from '../adapters/sqlite/audit-store.ts';
import { resolveActor } from '../adapters/sqlite/directory-store.ts';
import { membersOfLead, recordMerges, suggestionNumbers, suggestionsInMerges } from '../adapters/sqlite/merge-store.ts';
import { outboxWriter } from '../adapters/sqlite/outbox-writer.ts';
import { applyDecision, type ApplyDeps } from './apply-decision.ts';
import { deadlineContext, type AppContext } from './context.ts';

export interface MergeRequest {
  /** The supervisor's open_id. */
  by: string;
  lead: string;
  members: string[];
}

export interface MergeResult {
  lead: { id: string; number: string };
  members: Array<{ id: string; number: string; withdrawnAssignments: number; answerDelivered: boolean }>;
}

export function mergeSuggestions(ctx: AppContext, request: MergeRequest): MergeResult {
  const now = ctx.clock();
  const deps: ApplyDeps = { now, timeZone: ctx.config.timeZone, deadlines: deadlineContext(ctx), supervisorChatId: ctx.config.supervisorChatId };
  const actor = resolveActor(ctx.db, request.by);
  try {
    return ctx.db.transaction((tx) => mergeInTransaction(tx, deps, actor, request), { behavior: 'immediate' });
  } catch (error) {
    if (error instanceof DomainError) {
      const leadKnown = suggestionNumbers(ctx.db, [request.lead]).length > 0;
      ctx.db.transaction((tx) => appendAudit(tx, [
        {
          at: now.toISOString(),
          actor: actorLabel(actor),
          source: 'admin_api',
          action: 'merge_suggestions',
          outcome: 'refused',
          suggestionId: leadKnown ? request.lead : null,
          subjectType: 'command',
          subjectId: request.lead,
          message: error.zh,
          details: { code: error.code, en: error.en, lead: request.lead, members: request.members },
        },
      ]));
    }
    throw error;
  }
}

function mergeInTransaction(tx: DbOrTx, deps: ApplyDeps, actor: Actor, request: MergeRequest): MergeResult {
  const role = requireSupervisor(actor, '仅督办人员可并案', 'Only a supervisor may merge suggestions');
  const memberIds = [...new Set(request.members)];
  if (memberIds.length !== request.members.length) refuse('invalid_input', '并案建议列表中有重复', 'The members list names a suggestion twice');
  if (memberIds.includes(request.lead)) refuse('invalid_input', '建议不能并入自身', `Suggestion ${request.lead} cannot be merged into itself`);
  const lead = loadAggregate(tx, request.lead) ?? refuse('not_found', `找不到主建议：${request.lead}`, `Unknown lead suggestion: ${request.lead}`);
  const members = memberIds.map((id) => loadAggregate(tx, id) ?? refuse('not_found', `找不到并案建议：${id}`, `Unknown suggestion to merge: ${id}`));
  const ls = lead.suggestion;
  if (ls.status !== 'open') refuse('invalid_state', `主建议第${ls.number}号已${ls.status === 'closed' ? '办结' : '撤回'}，不能并案`, `The lead suggestion ${ls.number} is ${ls.status}`);
  if (ls.classified) refuse('invalid_state', `主建议第${ls.number}号涉密，不能并案（答复不得送往其他群组）`, `The lead suggestion ${ls.number} is classified and cannot take merged suggestions (its answer may not go to other groups)`);
  const taken = suggestionsInMerges(tx, [lead, ...members].map((a) => a.suggestion.id));
  if (taken.members.has(ls.id)) refuse('conflict', `第${ls.number}号建议已并入其他建议，不能作为主建议`, `Suggestion ${ls.number} is itself merged into another and cannot lead a merge`);
  for (const m of members) {
    const s = m.suggestion;
    if (taken.members.has(s.id)) refuse('conflict', `第${s.number}号建议已并案`, `Suggestion ${s.number} is already merged`);
    if (taken.leads.has(s.id)) refuse('conflict', `第${s.number}号建议已是其他建议的主建议，不能再并入`, `Suggestion ${s.number} already leads merged suggestions and cannot be merged`);
  }

  const at = deps.now.toISOString();
  const merged: MergeResult['members'] = [];
  const mergedAggregates: SuggestionAggregate[] = [];
  for (const m of members) {
    const { next, audit } = applyDecision(
      tx,
      deps,
      m,
      { type: 'merge_into', suggestionId: m.suggestion.id, leadSuggestionId: ls.id, leadNumber: ls.number },
      actor,
      'admin_api',
    );
    mergedAggregates.push(next);
    merged.push({ id: next.suggestion.id, number: next.suggestion.number, withdrawnAssignments: audit.filter((e) => e.subjectType === 'assignment').length, answerDelivered: false });
  }
  recordMerges(tx, members.map((m) => ({ memberSuggestionId: m.suggestion.id, leadSuggestionId: ls.id, mergedBy: actorLabel(actor), mergedAt: at })));

  // The lead's group hears of it, and its board shows the note.
  const numbers = members.map((m) => `第${forTextMessage(m.suggestion.number, 40)}号`).join('、');
  const outbox = outboxWriter(tx);
  outbox.enqueue(ls.id, { kind: 'send_text', text: `【并案】${numbers}建议已并入本建议办理，答复审核通过后将送达各并案建议的群组。\n[Merged] Suggestions ${members.map((m) => forTextMessage(m.suggestion.number, 40)).join(', ')} are handled together with this one; the approved answer will be delivered to their groups.` }, deps.now);
  outbox.refreshCards(ls.id, { kind: 'status_board', subjectId: ls.id }, deps.now);
  appendAudit(tx, [
    {
      at,
      actor: actorLabel(actor),
      actorRole: role,
      source: 'admin_api',
      action: 'merge_suggestions',
      outcome: 'ok',
      suggestionId: ls.id,
      subjectType: 'suggestion',
      subjectId: ls.id,
      message: `并案：${numbers}建议并入本建议`,
      details: { members: members.map((m) => m.suggestion.id) },
    },
  ]);

  // Merged after the lead's answer was approved: it is delivered at once.
  const delivered = deliverToMembers(tx, deps, lead, approvedAnswerIds(lead), mergedAggregates, 'admin_api');
  for (const m of merged) m.answerDelivered = delivered.has(m.id);
  return { lead: { id: ls.id, number: ls.number }, members: merged };
}

/**
 * After a decision on a lead suggestion: each answer it approved reaches every merged suggestion
 * (called by dispatch, in the same transaction as the approval).
 */
export function deliverMergedAnswers(tx: DbOrTx, deps: ApplyDeps, lead: SuggestionAggregate, audit: readonly AuditDraft[], source: ActionSource): void {
  const approved = audit.filter((e) => (e.action === 'approve_answer' || e.action === 'approve_review') && e.afterState === 'answered').map((e) => e.subjectId);
  if (approved.length === 0) return;
  const members = membersOfLead(tx, lead.suggestion.id);
  if (members.length === 0) return;
  const aggregates = members.flatMap((m) => {
    const agg = loadAggregate(tx, m.memberSuggestionId);
    return agg ? [agg] : [];
  });
  deliverToMembers(tx, deps, lead, approved, aggregates, source);
}

function approvedAnswerIds(lead: SuggestionAggregate): string[] {
  // The answer in force of each answering assignment that is answered or past it.
  return lead.assignments.flatMap((a) => {
    if (a.role === 'co' || a.state === 'withdrawn') return [];
    const latest = lead.answers
      .filter((x) => x.assignmentId === a.id && x.status === 'approved')
      .sort((x, y) => y.round - x.round)[0];
    return latest ? [latest.id] : [];
  });
}

function deliverToMembers(tx: DbOrTx, deps: ApplyDeps, lead: SuggestionAggregate, answerIds: string[], members: SuggestionAggregate[], source: ActionSource): Set<string> {
  const delivered = new Set<string>();
  for (const answerId of answerIds) {
    const answer = lead.answers.find((x) => x.id === answerId);
    const assignment = answer && lead.assignments.find((a) => a.id === answer.assignmentId);
    if (!answer || !assignment || assignment.role === 'co') continue;
    const given: DeliveredAnswer = {
      leadAnswerId: answer.id,
      unitId: assignment.unitId,
      role: assignment.role,
      resultClass: answer.resultClass,
      summary: answer.summary,
      public: answer.public,
      privateReason: answer.privateReason,
      submittedBy: answer.submittedBy,
      submittedAt: answer.submittedAt,
      decidedBy: answer.decidedBy,
      decidedAt: answer.decidedAt,
    };
    for (let i = 0; i < members.length; i++) {
      const member = members[i]!;
      // A merged suggestion withdrawn or closed since takes nothing more.
      if (member.suggestion.status !== 'open') continue;
      const { next, audit } = applyDecision(
        tx,
        deps,
        member,
        { type: 'deliver_merged_answer', suggestionId: member.suggestion.id, leadNumber: lead.suggestion.number, answer: given },
        systemActor('admin'),
        source,
      );
      members[i] = next;
      if (audit.length) delivered.add(member.suggestion.id);
    }
  }
  return delivered;
}
