/**
 * The statistics of SPEC §10 for any filter, computed from what duban recorded. Every figure
 * follows its sentence in definitions.ts; the comments name the definition each block implements.
 *
 * Pure: one pass over the selected suggestions (read by src/adapters/sqlite/stats-store.ts,
 * each table once, filtered in SQL by the suggestion fields), each aggregate walked once. Deadlines
 * come from the same code the reminders use (openDeadlines, computeDeadline). The figures' shape
 * is in figures.ts. Past 400 lines because it is the one pass: splitting it would walk the
 * aggregates again per figure (the supervision figures, which need their own walk, are apart).
 */
import type { IsoDate, WorkingDayCalendar } from '../calendar/working-day-calendar.ts';
import { localDate } from '../clock.ts';
import { computeDeadline, type DeadlineRule } from '../deadlines/deadline-rule.ts';
import { openDeadlines } from '../deadlines/deadlines.ts';
import { latestApprovedAnswer } from '../lifecycle/index.ts';
import { REVIEW_DIMENSIONS, type AnswerRow, type AssignmentRow, type CommitmentRow, type Grade, type QualityReviewRow, type ResultClass, type ReviewDimension, type SuggestionAggregate } from '../model.ts';
import { DEADLINE_LABELS, type DeadlineKind, type Policy } from '../deadlines/policy.ts';
import { describeFilters, type StatsFilters } from './filters.ts';
import type { CommitmentCounts, GradeBreakdown, OverdueItem, QualityCounts, Stats, UnitRow } from './figures.ts';
import { supervisionFigures } from './supervision.ts';
import { keyItemFigures } from './key-items.ts';
import type { Leader } from '../leaders.ts';
import { independentShares, printed, rate as rateAt, sharesOf, type PercentStyle, type Rate, type Share } from './percent.ts';

/** What the figures are computed from: the selected suggestions as aggregates, and the rules. */
export interface StatsInput {
  /** The suggestions matching the suggestion-level filters (free texts may be left empty: no figure reads them). */
  aggregates: SuggestionAggregate[];
  unitNames: ReadonlyMap<string, string>;
  /** The directory's leaders, by id (the 督办领导 of key items). */
  leaders?: ReadonlyMap<string, Leader>;
  policy: Policy;
  calendar: WorkingDayCalendar;
  timeZone: string;
  now: Date;
}

export interface StatsOptions {
  /**
   * The report date (统计日期), YYYY-MM-DD; default: today in the configured time zone. It decides
   * what is overdue and what is not yet due; everything recorded so far is counted.
   */
  asOf?: string;
}

/** The deadlines that are a unit's obligation and can make it overdue (definition overdue_items). */
const UNIT_DEADLINES: ReadonlySet<DeadlineKind> = new Set<DeadlineKind>(['sign', 'first_contact', 'co_opinion', 'answer', 'rehandle_answer']);
export const UNCATEGORISED = '未分类';
/** Chinese names in pinyin order; one collator (localeCompare with a locale builds one per call). */
const byName = new Intl.Collator('zh-CN').compare;
/** Dates, numbers and ids: code-unit order. */
const plain = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const emptyCommitments = (): CommitmentCounts => ({ made: 0, confirmed: 0, done: 0, claimed: 0, overdue: 0, notYetDue: 0 });
const emptyClasses = (): Record<ResultClass, number> => ({ A: 0, B: 0, C: 0, D: 0 });
const emptyGrades = (): Record<Grade, number> => ({ satisfied: 0, basically_satisfied: 0, unsatisfied: 0 });

/** A unit's counts while they are gathered: the row before names and rates are added. */
type UnitAcc = Omit<UnitRow, 'unitName' | 'satisfiedOrBasic' | 'faceToFace'> & { faceToFace: number };

export function computeStats(input: StatsInput, filters: StatsFilters = {}, options: StatsOptions = {}): Stats {
  const { timeZone, now, policy, calendar, unitNames, aggregates } = input;
  const style = percentStyle(policy);
  const rate = (numerator: number, denominator: number): Rate => rateAt(numerator, denominator, style.decimals);
  const asOf = options.asOf ?? localDate(now, timeZone);
  const due = memoizedDeadlines(calendar);
  const nameOf = (unitId: string) => unitNames.get(unitId) ?? unitId;
  // Local dates of instants, remembered per UTC minute (offsets and their changes are whole minutes).
  const localDates = new Map<string, IsoDate>();
  const local = (iso: string) => {
    const key = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(iso) ? iso.slice(0, 16) : iso;
    let d = localDates.get(key);
    if (d === undefined) {
      d = localDate(new Date(iso), timeZone);
      localDates.set(key, d);
    }
    return d;
  };

  const unitFilter = filters.unit;
  const mine = (a: AssignmentRow) => unitFilter === undefined || a.unitId === unitFilter;

  const totals: Stats['totals'] = {
    suggestions: 0,
    withdrawn: 0,
    closed: 0,
    byTiming: { session: 0, interim: 0 },
    byKind: { suggestion: 0, motion: 0, proposal: 0 },
    keySupervised: 0,
    classified: 0,
    withSplit: 0,
    unitsInvolved: 0,
    assignments: { total: 0, lead: 0, co: 0, split: 0 },
  };
  let signedOnTime = 0;
  let answering = 0;
  let answered = 0;
  let onTime = 0;
  let publicAnswers = 0;
  let faceToFace = 0;
  let coReceived = 0;
  let notReturned = 0;
  let originalAssignments = 0;
  let reassignedTasks = 0;
  let approvedDecisions = 0;
  const classes = emptyClasses();
  const firstGrades = emptyGrades();
  const finalGrades = emptyGrades();
  const commitments = emptyCommitments();
  let followUpReports = 0;
  let commitmentsReported = 0;
  const secondGrades = emptyGrades();
  const categories = new Map<string, number>();
  const units = new Map<string, UnitAcc>();
  const overdueItems: OverdueItem[] = [];
  const quality = emptyQuality();
  const coGrades = emptyGrades();
  let coRated = 0;
  let coFirstGood = 0;
  const qualityByUnit = new Map<string, QualityCounts & { answers: number }>();

  const unitAcc = (unitId: string): UnitAcc => {
    let acc = units.get(unitId);
    if (!acc) {
      acc = {
        unitId,
        assigned: 0,
        leadOrSplit: 0,
        co: 0,
        signedOnTime: 0,
        answers: 0,
        answeredOnTime: 0,
        overdue: 0,
        classes: emptyClasses(),
        grades: emptyGrades(),
        faceToFace: 0,
        commitments: emptyCommitments(),
      };
      units.set(unitId, acc);
    }
    return acc;
  };

  for (const agg of aggregates) {
    const s = agg.suggestion;
    const own = agg.assignments.filter(mine);
    if (s.status === 'withdrawn') {
      // suggestions: withdrawn ones are left out of everything, counted apart.
      if (own.length > 0) totals.withdrawn++;
      continue;
    }

    // reassignment_rate: over the unit's own rows, whether or not it still holds the task.
    const approvedRequests = agg.reassignmentRequests.filter((r) => r.status === 'approved');
    for (const a of own) {
      approvedDecisions += approvedRequests.filter((r) => r.assignmentId === a.id).length;
      if (a.replacesAssignmentId !== null) continue;
      originalAssignments++;
      if (a.state === 'withdrawn' && approvedRequests.some((r) => r.assignmentId === a.id)) reassignedTasks++;
    }

    // assignments: in effect = not withdrawn.
    const inEffect = own.filter((a) => a.state !== 'withdrawn');
    if (unitFilter !== undefined && inEffect.length === 0) continue;
    const inEffectIds = new Set(inEffect.map((a) => a.id));

    // suggestions and categories
    totals.suggestions++;
    if (s.status === 'closed') totals.closed++;
    totals.byTiming[s.timing]++;
    totals.byKind[s.kind]++;
    if (s.key) totals.keySupervised++;
    if (s.classified) totals.classified++;
    if (inEffect.some((a) => a.role === 'split')) totals.withSplit++;
    const category = s.category.trim() || UNCATEGORISED;
    categories.set(category, (categories.get(category) ?? 0) + 1);

    for (const a of inEffect) {
      const u = unitAcc(a.unitId);
      u.assigned++;
      totals.assignments.total++;
      totals.assignments[a.role]++;
      // signed_on_time
      if (a.signedAt && local(a.signedAt) <= due(policy.deadlines.sign, a.assignedOn)) {
        signedOnTime++;
        u.signedOnTime++;
      }
      if (a.role === 'co') {
        // co_opinions
        u.co++;
        if (agg.coOpinions.some((o) => o.assignmentId === a.id)) coReceived++;
        // co_opinion_evaluations
        const ratings = agg.coOpinionEvaluations.filter((e) => e.assignmentId === a.id).sort((x, y) => x.evaluatedAt.localeCompare(y.evaluatedAt));
        for (const r of ratings) coGrades[r.grade]++;
        if (ratings[0]) {
          coRated++;
          if (ratings[0].grade !== 'unsatisfied') coFirstGood++;
        }
        continue;
      }
      answering++;
      u.leadOrSplit++;
      // face_to_face_rate
      if (agg.contacts.some((c) => c.assignmentId === a.id && c.method === 'face_to_face' && c.confirmedAt !== null)) {
        faceToFace++;
        u.faceToFace++;
      }
      // answers: the final approved answer of the assignment.
      const answer = latestApprovedAnswer(agg, a.id);
      if (!answer) continue;
      answered++;
      u.answers++;
      // on_time_rate
      if (isOnTime(answer, a, policy.deadlines, due, local)) {
        onTime++;
        u.answeredOnTime++;
      }
      // result_classes, publication_rate
      classes[answer.resultClass]++;
      u.classes[answer.resultClass]++;
      if (answer.public) publicAnswers++;
      // satisfaction_final, not_evaluated
      // quality_review
      const unitQuality = qualityByUnit.get(a.unitId) ?? { ...emptyQuality(), answers: 0 };
      qualityByUnit.set(a.unitId, unitQuality);
      unitQuality.answers++;
      const review = agg.qualityReviews.find((r) => r.answerId === answer.id);
      if (review) for (const q of [quality, unitQuality]) addReview(q, review);
      const finals = agg.evaluations.filter((e) => e.answerId === answer.id);
      if (finals.length === 0) notReturned++;
      for (const e of finals) {
        finalGrades[e.grade]++;
        u.grades[e.grade]++;
      }
    }

    // satisfaction_first: every evaluation of a round-1 answer of the selected lead/split assignments.
    for (const e of agg.evaluations) {
      if (e.round === 1 && inEffectIds.has(e.assignmentId)) firstGrades[e.grade]++;
    }

    // commitments
    const approvedAnswers = new Set(agg.answers.filter((x) => x.status === 'approved').map((x) => x.id));
    for (const c of agg.commitments) {
      if (!inEffectIds.has(c.assignmentId) || c.state === 'void' || !approvedAnswers.has(c.answerId)) continue;
      const a = inEffect.find((x) => x.id === c.assignmentId)!;
      const u = unitAcc(a.unitId);
      const bucket = commitmentBucket(c, asOf);
      // commitment_follow_up: the reports on it and its second evaluation.
      const reports = (agg.commitmentFollowUps ?? []).filter((f) => f.commitmentId === c.id).length;
      followUpReports += reports;
      if (reports > 0) commitmentsReported++;
      for (const e of agg.commitmentEvaluations ?? []) if (e.commitmentId === c.id) secondGrades[e.grade]++;
      for (const counts of [commitments, u.commitments]) {
        counts.made++;
        if (c.confirmedAt !== null) counts.confirmed++;
        counts[bucket]++;
      }
      if (bucket === 'overdue') {
        u.overdue++;
        overdueItems.push(overdueItem(agg, a, 'commitment', c.id, c.dueOn, s.classified ? null : c.content));
      }
    }

    // overdue_items: the unit's own deadlines that have passed.
    for (const d of openDeadlines(agg, { policy, calendar, timeZone })) {
      if (!UNIT_DEADLINES.has(d.kind) || !inEffectIds.has(d.assignmentId) || !(d.due < asOf)) continue;
      const a = inEffect.find((x) => x.id === d.assignmentId)!;
      unitAcc(a.unitId).overdue++;
      overdueItems.push(overdueItem(agg, a, d.kind, d.subjectId, d.due, null));
    }
  }

  function overdueItem(agg: SuggestionAggregate, a: AssignmentRow, kind: DeadlineKind, subjectId: string, dueOn: IsoDate, detail: string | null): OverdueItem {
    const s = agg.suggestion;
    return {
      suggestionId: s.id,
      session: s.session,
      number: s.number,
      title: s.title,
      classified: s.classified,
      unitId: a.unitId,
      unitName: nameOf(a.unitId),
      kind,
      label: DEADLINE_LABELS[kind].zh_cn,
      detail,
      subjectId,
      due: dueOn,
      workingDaysOverdue: calendar.workingDaysBetween(dueOn, asOf),
    };
  }

  totals.unitsInvolved = units.size;
  const [sA, sB, sC, sD] = sharesOf([classes.A, classes.B, classes.C, classes.D], style) as [Share, Share, Share, Share];
  const cd = classes.C + classes.D;
  const cdUnits = sC.units === null || sD.units === null ? null : sC.units + sD.units;
  const cdTenths = sC.tenths === null || sD.tenths === null ? null : sC.tenths + sD.tenths;
  const unitRows: UnitRow[] = [...units.values()]
    .map((u) => ({
      unitId: u.unitId,
      unitName: nameOf(u.unitId),
      assigned: u.assigned,
      leadOrSplit: u.leadOrSplit,
      co: u.co,
      signedOnTime: u.signedOnTime,
      answers: u.answers,
      answeredOnTime: u.answeredOnTime,
      overdue: u.overdue,
      classes: u.classes,
      grades: u.grades,
      satisfiedOrBasic: satisfiedOrBasic(u.grades, style),
      faceToFace: rate(u.faceToFace, u.leadOrSplit),
      commitments: u.commitments,
    }))
    .sort((x, y) => y.assigned - x.assigned || byName(x.unitName, y.unitName) || plain(x.unitId, y.unitId));

  const ranked = [...categories.entries()].sort((x, y) => y[1] - x[1] || byName(x[0], y[0]));
  const categoryShares = independentShares(
    ranked.map(([, n]) => n),
    totals.suggestions,
    style.decimals,
  );

  const byUnit = new Map<string, number>();
  for (const item of overdueItems) byUnit.set(item.unitId, (byUnit.get(item.unitId) ?? 0) + 1);
  overdueItems.sort((x, y) => byName(x.unitName, y.unitName) || plain(x.due, y.due) || plain(x.number, y.number) || plain(x.kind, y.kind));

  return {
    asOf,
    generatedAt: now.toISOString(),
    filters,
    scope: describeFilters(filters, nameOf),
    totals,
    signedOnTime: rate(signedOnTime, totals.assignments.total),
    answers: { expected: answering, answered, notAnswered: answering - answered, onTime: rate(onTime, answered), late: answered - onTime },
    resultClasses: {
      A: sA,
      B: sB,
      C: sC,
      D: sD,
      CD: { count: cd, of: answered, ...printed(cdUnits, style.decimals, cdTenths) },
    },
    publication: { rate: rate(publicAnswers, answered), public: publicAnswers, notPublic: answered - publicAnswers },
    satisfaction: { firstRound: grades(firstGrades, style), final: grades(finalGrades, style), notReturned },
    faceToFace: rate(faceToFace, answering),
    reassignment: { rate: rate(reassignedTasks, originalAssignments), approvedDecisions },
    coOpinions: { expected: totals.assignments.co, received: coReceived, rate: rate(coReceived, totals.assignments.co) },
    ...supervisionFigures(aggregates, mine, nameOf),
    keyItems: keyItemFigures(aggregates, mine, overdueItems, input.leaders ?? new Map(), nameOf, rate),
    coOpinionEvaluations: { receipts: evaluationsOf(coGrades), grades: coGrades, rated: coRated, firstSatisfiedOrBasic: rate(coFirstGood, coRated) },
    commitments,
    commitmentFollowUp: { reports: followUpReports, commitmentsReported, secondEvaluation: grades(secondGrades, style) },
    overdue: {
      total: overdueItems.length,
      byUnit: [...byUnit.entries()]
        .map(([unitId, count]) => ({ unitId, unitName: nameOf(unitId), count }))
        .sort((x, y) => y.count - x.count || byName(x.unitName, y.unitName)),
      items: overdueItems,
    },
    categories: ranked.map(([category, count], i) => ({ rank: i + 1, category, count, share: categoryShares[i]! })),
    units: unitRows,
    qualityReview: {
      ...quality,
      rate: rate(quality.reviewed, answered),
      byUnit: [...qualityByUnit.entries()]
        .map(([unitId, q]) => ({ unitId, unitName: nameOf(unitId), ...q }))
        .sort((x, y) => y.answers - x.answers || byName(x.unitName, y.unitName) || plain(x.unitId, y.unitId)),
    },
  };
}

function emptyQuality(): QualityCounts {
  const grades = () => ({ good: 0, fair: 0, poor: 0 });
  return { reviewed: 0, compliance: grades(), document: grades(), effect: grades() };
}

function addReview(q: QualityCounts, review: Pick<QualityReviewRow, ReviewDimension>): void {
  q.reviewed++;
  for (const d of REVIEW_DIMENSIONS) q[d][review[d]]++;
}

/** The policy's printing convention (SPEC §10: `report.percentDecimals`, `report.sharesSumTo100`). */
export function percentStyle(policy: Policy): PercentStyle {
  return { decimals: policy.report.percentDecimals, sharesSumTo100: policy.report.sharesSumTo100 };
}

function grades(counts: Record<Grade, number>, style: PercentStyle): GradeBreakdown {
  const [satisfied, basicallySatisfied, unsatisfied] = sharesOf([counts.satisfied, counts.basically_satisfied, counts.unsatisfied], style) as [Share, Share, Share];
  return { evaluations: evaluationsOf(counts), satisfied, basicallySatisfied, unsatisfied, satisfiedOrBasic: satisfiedOrBasic(counts, style) };
}

const evaluationsOf = (counts: Record<Grade, number>): number => counts.satisfied + counts.basically_satisfied + counts.unsatisfied;

/** (满意 + 基本满意) ÷ evaluations. */
function satisfiedOrBasic(counts: Record<Grade, number>, style: PercentStyle): Rate {
  return rateAt(counts.satisfied + counts.basically_satisfied, evaluationsOf(counts), style.decimals);
}

/** on_time_rate: approved on or before the deadline of its round (round 1: as extended, if it was). */
function isOnTime(
  answer: AnswerRow,
  a: AssignmentRow,
  rules: Policy['deadlines'],
  due: (rule: DeadlineRule, from: IsoDate) => IsoDate,
  local: (iso: string) => IsoDate,
): boolean {
  if (!answer.decidedAt) return false;
  const deadline =
    answer.round === 2 && a.rehandleFrom ? due(rules.rehandle_answer, a.rehandleFrom) : (a.answerDueExtendedTo ?? due(rules.answer, a.assignedOn));
  return local(answer.decidedAt) <= deadline;
}

/** commitments: done, claimed, or (neither) overdue / not yet due at the report date. */
function commitmentBucket(c: CommitmentRow, asOf: IsoDate): 'done' | 'claimed' | 'overdue' | 'notYetDue' {
  if (c.state === 'done') return 'done';
  if (c.state === 'done_claimed') return 'claimed';
  return c.dueOn < asOf ? 'overdue' : 'notYetDue';
}

/** computeDeadline, remembered per (rule, start date): thousands of assignments share a few dates. */
function memoizedDeadlines(calendar: WorkingDayCalendar): (rule: DeadlineRule, from: IsoDate) => IsoDate {
  const cache = new Map<DeadlineRule, Map<IsoDate, IsoDate>>();
  return (rule, from) => {
    let byStart = cache.get(rule);
    if (!byStart) cache.set(rule, (byStart = new Map()));
    let d = byStart.get(from);
    if (d === undefined) {
      d = computeDeadline(rule, from, calendar).due;
      byStart.set(from, d);
    }
    return d;
  };
}
