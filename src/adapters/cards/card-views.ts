/**
 * Builds the view model of a card (src/adapters/cards/card-model.ts) from what is stored now. Cards are
 * rendered when they are sent or updated, and when a press is answered, always from the current
 * state, so a card never shows buttons for a step that has already happened. One file, though past
 * 400 lines: one `case` per card kind over the same loaded aggregate and helpers (names, people,
 * answer views); the kinds' layouts are apart, in kinds/.
 */
import { eq } from 'drizzle-orm';
import type { WorkingDayCalendar } from '../../core/calendar/working-day-calendar.ts';
import type {
  CardAnswer,
  CardAssignment,
  CardCommitment,
  CardContact,
  CardDeadline,
  CardKind,
  KnowledgeItem,
  CardModel,
  CardModelOf,
  CardSuggestion,
} from './card-model.ts';
import { localDate, localTime } from '../../core/clock.ts';
import { calendarDaysBetween, computeDeadline } from '../../core/deadlines/deadline-rule.ts';
import { isObligation, lightOf, lightOfDue, openDeadlines, type Deadline } from '../../core/deadlines/deadlines.ts';
import { STATE_LABELS, TRACKED_COMMITMENT_STATES, type AssignmentState, type SuggestionAggregate } from '../../core/model.ts';
import { decidingDeputyId, EXTENSIBLE_STATES, latestApprovedAnswer } from '../../core/lifecycle/index.ts';
import { DEADLINE_LABELS, type Policy } from '../../core/deadlines/policy.ts';
import { leaderInCharge, leaderLabel, type Leader } from '../../core/leaders.ts';
import * as schema from '../sqlite/schema.ts';
import type { DbOrTx } from '../sqlite/db.ts';
import { readLeaders } from '../sqlite/directory-store.ts';
import { similarSuggestions, type SearchHit } from '../sqlite/search-index.ts';
import { membersOfLead, mergeOfMember, suggestionNumbers } from '../sqlite/merge-store.ts';

export interface CardViewContext {
  now: Date;
  timeZone: string;
  policy: Policy;
  calendar: WorkingDayCalendar;
}

const ANSWER_GRADES = new Set(['satisfied', 'basically_satisfied', 'unsatisfied']);

/** Who someone is, for a card: a deputy's name, or "unit 联络员/负责人", or 督办人员. */
function peopleDirectory(db: DbOrTx) {
  const names = new Map<string, string>();
  const units = new Map(db.select().from(schema.units).all().map((u) => [u.id, u.name]));
  for (const m of db.select().from(schema.unitMembers).all()) {
    names.set(m.openId, `${units.get(m.unitId) ?? m.unitId}${m.role === 'head' ? '负责人' : '联络员'}`);
  }
  for (const s of db.select().from(schema.supervisors).all()) names.set(s.openId, '督办人员');
  for (const d of db.select().from(schema.deputies).all()) names.set(d.openId, `${d.name}代表`);
  const leaders = readLeaders(db);
  for (const l of leaders.values()) names.set(l.openId, leaderLabel(l));
  return {
    units,
    leaders,
    unitMembers: (unitId: string, role?: 'head' | 'liaison') =>
      db
        .select()
        .from(schema.unitMembers)
        .where(eq(schema.unitMembers.unitId, unitId))
        .all()
        .filter((m) => !role || m.role === role)
        .map((m) => m.openId),
    supervisors: () => db.select().from(schema.supervisors).all().map((s) => s.openId),
    nameOf: (openId: string) => (openId.startsWith('system:') ? '管理员' : (names.get(openId) ?? openId)),
  };
}

export function buildCardModel(db: DbOrTx, agg: SuggestionAggregate, card: { kind: CardKind; subjectId: string }, ctx: CardViewContext): CardModel | undefined {
  const people = peopleDirectory(db);
  const today = localDate(ctx.now, ctx.timeZone);
  const deadlines = openDeadlines(agg, { policy: ctx.policy, calendar: ctx.calendar, timeZone: ctx.timeZone });
  const suggestion = cardSuggestion(agg, people.leaders);
  const unitName = (unitId: string) => people.units.get(unitId) ?? unitId;
  const assignmentView = (id: string): CardAssignment | undefined => {
    const a = agg.assignments.find((x) => x.id === id);
    if (!a) return undefined;
    const next = deadlines.find((d) => d.assignmentId === a.id && isObligation(d) && d.kind !== 'commitment');
    return {
      id: a.id,
      unitId: a.unitId,
      unitName: unitName(a.unitId),
      role: a.role,
      state: a.state,
      stateLabel: STATE_LABELS[a.state] ?? { zh_cn: a.state, en_us: a.state },
      nextDeadline: next ? cardDeadline(next, today, ctx.policy, ctx.calendar) : null,
    };
  };
  const commitmentView = (id: string): CardCommitment | undefined => {
    const c = agg.commitments.find((x) => x.id === id);
    if (!c) return undefined;
    const a = agg.assignments.find((x) => x.id === c.assignmentId);
    return {
      id: c.id,
      unitName: unitName(a?.unitId ?? ''),
      content: c.content,
      dueOn: c.dueOn,
      state: c.state,
      evidence: c.evidence,
      overdue: (c.state === 'proposed' || c.state === 'confirmed') && c.dueOn < today,
      secondEvaluations: agg.commitmentEvaluations
        .filter((e) => e.commitmentId === c.id)
        .map((e) => ({ deputyName: agg.deputies.find((d) => d.deputyId === e.deputyId)?.name ?? e.deputyId, grade: e.grade })),
      secondEvaluationOpen: c.state === 'done' && agg.deputies.some((d) => !agg.commitmentEvaluations.some((e) => e.commitmentId === c.id && e.deputyId === d.deputyId)),
    };
  };
  const contactView = (id: string): CardContact | undefined => {
    const c = agg.contacts.find((x) => x.id === id);
    if (!c) return undefined;
    const a = agg.assignments.find((x) => x.id === c.assignmentId);
    return {
      id: c.id,
      unitName: unitName(a?.unitId ?? ''),
      method: c.method,
      date: c.date,
      note: c.note,
      recordedByName: people.nameOf(c.recordedBy),
      confirmed: c.confirmedBy && c.confirmedAt ? { byName: people.nameOf(c.confirmedBy), at: localDate(new Date(c.confirmedAt), ctx.timeZone) } : null,
      disputed:
        c.disputedBy && c.disputedAt
          ? { byName: people.nameOf(c.disputedBy), at: localDate(new Date(c.disputedAt), ctx.timeZone), reason: agg.suggestion.classified ? '' : (c.disputeReason ?? '') }
          : null,
    };
  };
  const answerView = (id: string): CardAnswer | undefined => {
    const an = agg.answers.find((x) => x.id === id);
    if (!an) return undefined;
    const a = agg.assignments.find((x) => x.id === an.assignmentId);
    const deputyName = (deputyId: string) => agg.deputies.find((d) => d.deputyId === deputyId)?.name ?? deputyId;
    return {
      id: an.id,
      unitName: unitName(a?.unitId ?? ''),
      round: an.round,
      resultClass: an.resultClass,
      summary: an.summary,
      public: an.public,
      privateReason: an.privateReason,
      status: an.status,
      returnReason: an.returnReason,
      commitments: agg.commitments.filter((c) => c.answerId === an.id).map((c) => commitmentView(c.id)!),
      evaluations: agg.evaluations
        .filter((e) => e.answerId === an.id && ANSWER_GRADES.has(e.grade))
        .map((e) => ({ deputyName: deputyName(e.deputyId), grade: e.grade, comment: agg.suggestion.classified ? '' : e.comment })),
    };
  };
  const deputies = agg.deputies.map((d) => d.openId);
  const unitStaff = (assignmentId: string) => {
    const a = agg.assignments.find((x) => x.id === assignmentId);
    return a ? people.unitMembers(a.unitId) : [];
  };

  switch (card.kind) {
    case 'assignment': {
      const assignment = assignmentView(card.subjectId);
      if (!assignment) return undefined;
      const due = (kind: string) => deadlines.find((d) => d.assignmentId === assignment.id && d.kind === kind)?.due ?? null;
      return {
        kind: 'assignment',
        suggestion,
        assignment,
        signDue: due('sign') ?? '',
        answerDue: due('answer') ?? due('co_opinion'),
        mentions: unitStaff(assignment.id),
        similar: similarSuggestions(db, agg.suggestion).map(knowledgeItem),
      };
    }
    case 'reassign': {
      const request = agg.reassignmentRequests.find((r) => r.id === card.subjectId);
      const assignment = request && assignmentView(request.assignmentId);
      if (!request || !assignment) return undefined;
      const taken = new Set(agg.assignments.filter((a) => a.state !== 'withdrawn').map((a) => a.unitId));
      return {
        kind: 'reassign',
        suggestion,
        assignment,
        request: {
          id: request.id,
          reason: request.reason,
          requestedByName: people.nameOf(request.requestedBy),
          status: request.status,
          decisionNote:
            request.status === 'approved'
              ? `改办至 ${unitName(request.newUnitId ?? '')}`
              : request.status === 'rejected'
                ? `不同意改办：${request.decisionReason ?? ''}`
                : null,
        },
        units: [...people.units].filter(([id]) => !taken.has(id)).map(([id, name]) => ({ id, name })),
        mentions: people.supervisors(),
      };
    }
    case 'status_board': {
      const live = agg.assignments.filter((a) => a.state !== 'withdrawn');
      const open = agg.suggestion.status === 'open';
      return {
        kind: 'status_board',
        suggestion,
        light: lightOf(deadlines, today, ctx.policy.reminders.noticeDaysBefore),
        assignments: live.map((a) => assignmentView(a.id)!),
        contacts: agg.contacts.map((c) => contactView(c.id)!),
        commitments: agg.commitments.filter((c) => c.state !== 'void').map((c) => commitmentView(c.id)!),
        merge: mergeNote(db, agg.suggestion.id),
        forms: {
          progress: open,
          contact: open,
          opinion: open && live.some((a) => a.role === 'co' && a.state === 'signed'),
          answer: open && live.some((a) => a.role !== 'co' && (a.state === 'signed' || a.state === 'rehandling')),
          ...supervisionForms(agg),
        },
        updatedAt: localTime(ctx.now, ctx.timeZone),
      };
    }
    case 'contact': {
      const contact = contactView(card.subjectId);
      return contact && { kind: 'contact', suggestion, contact, mentions: deputies };
    }
    case 'approval': {
      const answer = answerView(card.subjectId);
      const an = agg.answers.find((x) => x.id === card.subjectId);
      const a = an && agg.assignments.find((x) => x.id === an.assignmentId);
      return answer && a && { kind: 'approval', suggestion, answer, mentions: people.unitMembers(a.unitId, 'head') };
    }
    case 'answer': {
      const answer = answerView(card.subjectId);
      return answer && { kind: 'answer', suggestion, answer, mentions: deputies };
    }
    case 'commitment': {
      const commitment = commitmentView(card.subjectId);
      const c = agg.commitments.find((x) => x.id === card.subjectId);
      // Once done, the card asks the deputies for the second evaluation: it @-mentions them only.
      return commitment && c && { kind: 'commitment', suggestion, commitment, mentions: c.state === 'done' ? deputies : [...deputies, ...unitStaff(c.assignmentId)] };
    }
    case 'closing': {
      if (agg.suggestion.status !== 'closed') return undefined;
      const deciding = decidingDeputyId(agg);
      const live = agg.assignments.filter((a) => a.state !== 'withdrawn');
      const closedAt = live.map((a) => a.closedAt ?? '').sort().at(-1) || agg.suggestion.updatedAt;
      return {
        kind: 'closing',
        suggestion,
        closedOn: localDate(new Date(closedAt), ctx.timeZone),
        units: live.map((a) => {
          const answer = a.role === 'co' ? undefined : latestApprovedAnswer(agg, a.id);
          const grade = answer && agg.evaluations.find((e) => e.answerId === answer.id && e.deputyId === deciding)?.grade;
          return {
            unitName: unitName(a.unitId),
            role: a.role,
            stateLabel: STATE_LABELS[a.state],
            answer: answer ? { resultClass: answer.resultClass, round: answer.round, public: answer.public } : null,
            grade: grade ?? null,
          };
        }),
        commitments: agg.commitments.filter((c) => TRACKED_COMMITMENT_STATES.has(c.state)).map((c) => commitmentView(c.id)!),
      };
    }
    case 'nudge': {
      const first = agg.nudges.find((n) => n.id === card.subjectId);
      if (!first) return undefined;
      const same = agg.nudges.filter((n) => n.deputyId === first.deputyId && n.day === first.day);
      const urged = same.map((n) => agg.assignments.find((a) => a.id === n.assignmentId)).filter((a) => a !== undefined);
      return {
        kind: 'nudge',
        suggestion,
        deputyName: `${agg.deputies.find((d) => d.deputyId === first.deputyId)?.name ?? first.deputyId}代表`,
        day: first.day,
        units: urged.map((a) => ({ unitName: unitName(a.unitId), stateLabel: STATE_LABELS[a.state] })),
        mentions: [...new Set(urged.flatMap((a) => people.unitMembers(a.unitId)))],
      };
    }
    case 'extension': {
      const request = agg.extensionRequests.find((r) => r.id === card.subjectId);
      const assignment = request && assignmentView(request.assignmentId);
      const a = request && agg.assignments.find((x) => x.id === request.assignmentId);
      if (!request || !assignment || !a) return undefined;
      return {
        kind: 'extension',
        suggestion,
        assignment,
        request: {
          id: request.id,
          until: request.until,
          reason: request.reason,
          requestedByName: people.nameOf(request.requestedBy),
          status: request.status,
          grantedUntil: request.grantedUntil,
          decisionReason: request.decisionReason,
        },
        currentDue: computeDeadline(ctx.policy.deadlines.answer, a.assignedOn, ctx.calendar).due,
        maxDue: computeDeadline(ctx.policy.deadlines.answer_max, a.assignedOn, ctx.calendar).due,
        mentions: people.supervisors(),
      };
    }
    case 'review': {
      const answer = answerView(card.subjectId);
      return answer && { kind: 'review', suggestion, answer, mentions: people.supervisors() };
    }
    case 'coordination': {
      const a = agg.assignments.find((x) => x.id === card.subjectId && x.state === 'closed_unsatisfied');
      if (!a) return undefined;
      const record = agg.coordinations.find((c) => c.assignmentId === a.id);
      return {
        kind: 'coordination',
        suggestion,
        coordination: {
          assignmentId: a.id,
          unitName: unitName(a.unitId),
          closedOn: a.closedAt ? localDate(new Date(a.closedAt), ctx.timeZone) : '',
          recorded: record ? { date: record.date, outcome: agg.suggestion.classified ? '' : record.outcome, byName: people.nameOf(record.recordedBy) } : null,
        },
      };
    }
    case 'co_opinion': {
      const o = agg.coOpinions.find((x) => x.id === card.subjectId);
      const co = o && agg.assignments.find((x) => x.id === o.assignmentId);
      const lead = agg.assignments.find((x) => x.role === 'lead' && x.state !== 'withdrawn');
      if (!o || !co) return undefined;
      const ev = agg.coOpinionEvaluations.find((x) => x.opinionId === o.id);
      const classified = agg.suggestion.classified;
      return {
        kind: 'co_opinion',
        suggestion,
        opinion: {
          id: o.id,
          unitName: unitName(co.unitId),
          text: classified ? '' : o.text,
          submittedByName: people.nameOf(o.submittedBy),
          submittedAt: localDate(new Date(o.submittedAt), ctx.timeZone),
          evaluation: ev ? { grade: ev.grade, comment: classified ? '' : ev.comment, byName: people.nameOf(ev.evaluatedBy) } : null,
        },
        mentions: lead ? people.unitMembers(lead.unitId) : [],
      };
    }
    case 'quality_review': {
      const an = agg.answers.find((x) => x.id === card.subjectId && x.status === 'approved');
      const a = an && agg.assignments.find((x) => x.id === an.assignmentId);
      if (!an || !a) return undefined;
      const r = agg.qualityReviews.find((x) => x.answerId === an.id);
      return {
        kind: 'quality_review',
        suggestion,
        review: {
          answerId: an.id,
          unitName: unitName(a.unitId),
          round: an.round,
          resultClass: an.resultClass,
          recorded: r ? { compliance: r.compliance, document: r.document, effect: r.effect, note: agg.suggestion.classified ? '' : r.note, byName: people.nameOf(r.reviewedBy) } : null,
        },
      };
    }
    case 'reminder':
      // Reminder cards are rendered by the sweep from the deadline they are about.
      return undefined;
  }
}

/** The status board's 催办, 申请延期 and 撤回, offered while they can succeed for someone. */
function supervisionForms(agg: SuggestionAggregate): { nudge: boolean; extension: boolean; withdraw: boolean } {
  const open = agg.suggestion.status === 'open';
  const handling = agg.assignments.filter((a) => a.state !== 'withdrawn' && a.state !== 'closed' && a.state !== 'closed_unsatisfied');
  const extensible = (EXTENSIBLE_STATES as readonly string[]);
  return {
    nudge: open && handling.length > 0 && agg.deputies.length > 0,
    extension:
      open &&
      handling.some(
        (a) =>
          a.role !== 'co' &&
          a.round === 1 &&
          extensible.includes(a.state) &&
          !a.answerDueExtendedTo &&
          !agg.extensionRequests.some((r) => r.assignmentId === a.id && r.status === 'pending'),
      ),
    withdraw: open,
  };
}

function mergeNote(db: DbOrTx, suggestionId: string): CardModelOf<'status_board'>['merge'] {
  const ref = ({ number, title }: { number: string; title: string }) => ({ number, title });
  const asMember = mergeOfMember(db, suggestionId);
  if (asMember) {
    const lead = suggestionNumbers(db, [asMember.leadSuggestionId])[0];
    return lead && { mergedInto: ref(lead) };
  }
  const members = membersOfLead(db, suggestionId);
  return members.length ? { members: suggestionNumbers(db, members.map((m) => m.memberSuggestionId)).map(ref) } : undefined;
}

export function cardSuggestion(agg: SuggestionAggregate, leaders: ReadonlyMap<string, Leader>): CardSuggestion {
  const s = agg.suggestion;
  return {
    id: s.id,
    session: s.session,
    number: s.number,
    title: s.title,
    body: s.classified ? '' : s.body,
    category: s.category,
    kind: s.kind,
    timing: s.timing,
    classified: s.classified,
    key: s.key,
    keyLeader: leaderInCharge(s.keyLeader, leaders)?.label ?? null,
    assignedOn: s.assignedOn,
    status: s.status,
    version: s.version,
    deputies: agg.deputies.map((d) => ({ name: d.name, role: d.role })),
  };
}

function cardDeadline(d: Deadline, today: string, policy: Policy, calendar: WorkingDayCalendar): CardDeadline {
  const daysLeft = calendarDaysBetween(today, d.due);
  return {
    label: DEADLINE_LABELS[d.kind],
    due: d.due,
    light: lightOfDue(d.due, today, policy.reminders.noticeDaysBefore),
    daysLeft,
    workingDaysOverdue: daysLeft < 0 ? calendar.workingDaysBetween(d.due, today) : 0,
  };
}

/** A knowledge-base hit as a card shows it (search-index.ts already left out what may not be shown). */
export function knowledgeItem(hit: SearchHit): KnowledgeItem {
  return {
    session: hit.session,
    number: hit.number,
    title: hit.title,
    year: hit.year,
    assignedOn: hit.assignedOn,
    units: hit.units,
    answer: hit.answer && { resultClass: hit.answer.resultClass, summary: hit.answer.summary },
    snippet: hit.snippet,
  };
}
