/**
 * Cards live 14 days in Lark (SPEC §4): a card can be pressed or updated for 14 days after it was
 * sent, and no longer. The handling outlives that — the deputy has 20 working days to evaluate an
 * answer, a commitment runs for months — so the sweep re-posts every card that is still needed
 * (src/app/living-cards.ts). Which cards are still needed is decided here, once, from what each
 * card's buttons do and whether the card will still be updated:
 *
 * | card | lives while |
 * |---|---|
 * | 状态看板 status board | the suggestion is open (its forms; it is updated on every change), or after closing while a commitment is still open (its 已完成 buttons; commitment changes update it) |
 * | 交办通知 assignment | it waits for 签收; a re-assignment request from it is pending (the card is updated when it is decided); signed, while the re-assignment window is open (its 申请改办 form) |
 * | 改办审批 re-assignment | the request is pending |
 * | 沟通确认 contact | not yet confirmed, while the suggestion is open |
 * | 答复审核 approval | the answer waits for the head |
 * | 延期审批 extension | the request is pending |
 * | 答复复核 review | the answer waits for the supervisor's review |
 * | 答复 answer | its evaluation is open (the answer in force, a deputy has not evaluated it yet, the suggestion open), or a commitment of it waits for the deputy's 确认承诺 |
 * | 承诺 commitment | confirmed (已完成) or claimed done (确认完成); once done, while no deputy has given the second evaluation (承诺兑现评价), for SECOND_EVALUATION_DAYS |
 * | 协调处理 coordination (supervisors' group) | no 协调结果 is recorded for the assignment, for SUPERVISOR_CARD_DAYS after it closed |
 * | 质量评审 quality review (supervisors' group) | the final answer is not reviewed, for SUPERVISOR_CARD_DAYS after its evaluation |
 * | 提醒 reminder, digest, 催办 nudge, 查询结果 search results | never: they say what was true that day |
 *
 * Nothing lives in a withdrawn suggestion: nothing can be done there. After the re-assignment
 * window a signed unit may still ask for re-assignment, but the card is not re-posted for it (that
 * would post it every 12 days for the whole handling); nor is an unconfirmed contact after the
 * suggestion is closed.
 */
import { addCalendarDays } from './deadlines/deadline-rule.ts';
import type { IsoDate } from './calendar/working-day-calendar.ts';
import { DAY_MS } from './clock.ts';
import type { CardKind } from './card-kind.ts';
import type { Deadline } from './deadlines/deadlines.ts';
import type { CardRef } from './effects.ts';
import { latestApprovedAnswer } from './lifecycle/rules.ts';
import type { CommitmentState, SuggestionAggregate } from './model.ts';

/** Lark's limit: a card can be pressed or updated this long after it was sent (230031 after). */
export const CARD_LIFETIME_DAYS = 14;

/** Whether Lark still lets a card sent at `sentAt` be pressed or updated at `now`. */
export function cardExpired(sentAt: string | null, now: Date): boolean {
  return sentAt !== null && now.getTime() - Date.parse(sentAt) >= CARD_LIFETIME_DAYS * DAY_MS;
}

/** The kinds of card that never outlive Lark's 14 days: they say what was true that day, and are never updated. */
export const SHORT_LIVED_CARD_KINDS = ['reminder', 'digest', 'search_results', 'escalations'] as const satisfies readonly CardKind[];

/**
 * How long a card in the supervisors' group (协调处理, 质量评审) is kept alive while nobody has used
 * it: a supervisor records a coordination or reviews an answer within weeks, not for ever, and a
 * card re-posted every 12 days for a year would be noise in the one group they all share.
 */
export const SUPERVISOR_CARD_DAYS = 60;

const withinSupervisorDays = (instant: string, today: IsoDate): boolean => addCalendarDays(instant.slice(0, 10) as IsoDate, SUPERVISOR_CARD_DAYS) >= today;

/** The kinds of card that live in the supervisors' group, not in the suggestion's: re-posted there. */
export const SUPERVISORS_GROUP_CARD_KINDS: ReadonlySet<CardKind> = new Set<CardKind>(['coordination', 'quality_review']);

/** Commitments someone still has to act on: the deputy confirms, the unit claims, someone confirms it done. */
const OPEN_COMMITMENTS: ReadonlySet<CommitmentState> = new Set(['proposed', 'confirmed', 'done_claimed']);

/**
 * How long a commitment confirmed done keeps its 承诺兑现评价 buttons alive when no deputy has used
 * them: about the first evaluation's 20 working days, so a card is not re-posted for ever.
 */
export const SECOND_EVALUATION_DAYS = 30;

function awaitsSecondEvaluation(agg: SuggestionAggregate, c: SuggestionAggregate['commitments'][number], today: IsoDate): boolean {
  if (c.state !== 'done' || c.doneAt === null) return false;
  if (agg.commitmentEvaluations.some((e) => e.commitmentId === c.id)) return false;
  return addCalendarDays(c.doneAt.slice(0, 10) as IsoDate, SECOND_EVALUATION_DAYS) >= today;
}

export interface LivingCardContext {
  today: IsoDate;
  /** The aggregate's open deadlines (the re-assignment window is read from them). */
  deadlines: ReadonlyArray<Pick<Deadline, 'kind' | 'subjectId' | 'due'>>;
}

/** Whether a card still waits for a press or will still be updated: whether it must outlive Lark's 14 days. */
export function cardNeedsToLive(agg: SuggestionAggregate, card: CardRef, ctx: LivingCardContext): boolean {
  const s = agg.suggestion;
  if (s.status === 'withdrawn') return false;
  const open = s.status === 'open';
  switch (card.kind) {
    case 'status_board':
      return open || agg.commitments.some((c) => OPEN_COMMITMENTS.has(c.state));
    case 'assignment': {
      const a = agg.assignments.find((x) => x.id === card.subjectId);
      if (!open || !a) return false;
      if (a.state === 'pending_sign' || a.state === 'reassign_requested') return true;
      return a.state === 'signed' && ctx.deadlines.some((d) => d.kind === 'reassign_window' && d.subjectId === a.id && d.due >= ctx.today);
    }
    case 'reassign':
      return open && agg.reassignmentRequests.some((r) => r.id === card.subjectId && r.status === 'pending');
    case 'contact':
      return open && agg.contacts.some((c) => c.id === card.subjectId && !c.confirmedAt && !c.disputedAt);
    case 'approval':
      return agg.answers.some((an) => an.id === card.subjectId && an.status === 'pending_approval');
    case 'answer': {
      const answer = agg.answers.find((an) => an.id === card.subjectId);
      if (!answer || answer.status !== 'approved') return false;
      const awaitsConfirmation = agg.commitments.some((c) => c.answerId === answer.id && c.state === 'proposed');
      const evaluated = new Set(agg.evaluations.filter((e) => e.answerId === answer.id).map((e) => e.deputyId));
      const evaluationOpen =
        open && latestApprovedAnswer(agg, answer.assignmentId)?.id === answer.id && agg.deputies.some((d) => !evaluated.has(d.deputyId));
      return awaitsConfirmation || evaluationOpen;
    }
    case 'commitment':
      return agg.commitments.some((c) => c.id === card.subjectId && (c.state === 'confirmed' || c.state === 'done_claimed' || awaitsSecondEvaluation(agg, c, ctx.today)));
    case 'extension':
      return open && agg.extensionRequests.some((r) => r.id === card.subjectId && r.status === 'pending');
    case 'review':
      return agg.answers.some((an) => an.id === card.subjectId && an.status === 'pending_review');
    case 'reminder':
    case 'digest':
    case 'search_results':
    case 'escalations':
    case 'closing':
    case 'nudge':
      return false;
    case 'coordination': {
      const a = agg.assignments.find((x) => x.id === card.subjectId);
      if (!a || a.state !== 'closed_unsatisfied' || agg.coordinations.some((c) => c.assignmentId === a.id)) return false;
      return a.closedAt !== null && withinSupervisorDays(a.closedAt, ctx.today);
    }
    case 'quality_review': {
      if (agg.qualityReviews.some((r) => r.answerId === card.subjectId)) return false;
      const evaluated = agg.evaluations.filter((e) => e.answerId === card.subjectId).map((e) => e.evaluatedAt).sort().at(-1);
      return evaluated !== undefined && withinSupervisorDays(evaluated, ctx.today);
    }
    case 'co_opinion':
      // 评价协办意见 waits for the lead unit while the suggestion is open.
      return open && agg.coOpinions.some((o) => o.id === card.subjectId) && !agg.coOpinionEvaluations.some((e) => e.opinionId === card.subjectId);
  }
}
