/**
 * The key-items figure (重点督办, definition key_items in definitions.ts): every key-supervised
 * suggestion of the selection with its leader in charge, units, answers, overdue items and final
 * grades, and the totals by leader. Kept beside compute.ts, as supervision.ts is: it reads the
 * few key aggregates again rather than lengthen the one pass; it takes that pass's overdue items.
 */
import { latestApprovedAnswer } from '../lifecycle/index.ts';
import { leaderInCharge, type Leader } from '../leaders.ts';
import type { AssignmentRow, Grade, SuggestionAggregate } from '../model.ts';
import type { OverdueItem } from './figures.ts';
import type { Rate } from './percent.ts';

export interface KeyItem {
  suggestionId: string;
  session: string;
  number: string;
  /** Shown for a classified suggestion too, as in the overdue list; its body never is. */
  title: string;
  classified: boolean;
  /** 姓名（职务） of the directory's leader, the column as written, or null when none is named. */
  leader: string | null;
  units: string[];
  closed: boolean;
  /** Lead/split assignments in effect with an answer, and how many there are. */
  answered: number;
  answering: number;
  overdue: number;
  grades: Record<Grade, number>;
}

export interface KeyItemCounts {
  total: number;
  closed: number;
  /** Every lead/split assignment in effect answered. */
  answered: number;
  withOverdue: number;
}

export interface KeyItemFigures extends KeyItemCounts {
  satisfiedOrBasic: Rate;
  byLeader: Array<KeyItemCounts & { leader: string }>;
  items: KeyItem[];
}

/** The leader column of a key item with none named. */
export const NO_LEADER = '未指定督办领导';

export function keyItemFigures(
  aggregates: readonly SuggestionAggregate[],
  mine: (a: AssignmentRow) => boolean,
  overdueItems: readonly OverdueItem[],
  leaders: ReadonlyMap<string, Leader>,
  nameOf: (unitId: string) => string,
  rate: (numerator: number, denominator: number) => Rate,
): KeyItemFigures {
  const overdueBySuggestion = new Map<string, number>();
  for (const o of overdueItems) overdueBySuggestion.set(o.suggestionId, (overdueBySuggestion.get(o.suggestionId) ?? 0) + 1);
  const items: KeyItem[] = [];
  for (const agg of aggregates) {
    const s = agg.suggestion;
    if (!s.key || s.status === 'withdrawn') continue;
    const inEffect = agg.assignments.filter((a) => mine(a) && a.state !== 'withdrawn');
    if (inEffect.length === 0) continue; // as `suggestions`: with a unit filter, only the unit's own
    const answering = inEffect.filter((a) => a.role !== 'co');
    const grades: Record<Grade, number> = { satisfied: 0, basically_satisfied: 0, unsatisfied: 0 };
    let answered = 0;
    for (const a of answering) {
      const answer = latestApprovedAnswer(agg, a.id);
      if (!answer) continue;
      answered++;
      for (const e of agg.evaluations) if (e.answerId === answer.id) grades[e.grade]++;
    }
    items.push({
      suggestionId: s.id,
      session: s.session,
      number: s.number,
      title: s.title,
      classified: s.classified,
      leader: leaderInCharge(s.keyLeader, leaders)?.label ?? null,
      units: answering.map((a) => nameOf(a.unitId)),
      closed: s.status === 'closed',
      answered,
      answering: answering.length,
      overdue: overdueBySuggestion.get(s.id) ?? 0,
      grades,
    });
  }
  items.sort((x, y) => (x.session < y.session ? -1 : x.session > y.session ? 1 : x.number.localeCompare(y.number, 'zh-CN', { numeric: true })));
  const countsOf = (list: KeyItem[]): KeyItemCounts => ({
    total: list.length,
    closed: list.filter((i) => i.closed).length,
    answered: list.filter((i) => i.answering > 0 && i.answered === i.answering).length,
    withOverdue: list.filter((i) => i.overdue > 0).length,
  });
  const byLeader = new Map<string, KeyItem[]>();
  for (const i of items) byLeader.set(i.leader ?? NO_LEADER, [...(byLeader.get(i.leader ?? NO_LEADER) ?? []), i]);
  const evaluations = items.reduce((n, i) => n + i.grades.satisfied + i.grades.basically_satisfied + i.grades.unsatisfied, 0);
  const good = items.reduce((n, i) => n + i.grades.satisfied + i.grades.basically_satisfied, 0);
  return {
    ...countsOf(items),
    satisfiedOrBasic: rate(good, evaluations),
    byLeader: [...byLeader]
      .map(([leader, list]) => ({ leader, ...countsOf(list) }))
      .sort((x, y) => y.total - x.total || x.leader.localeCompare(y.leader, 'zh-CN')),
    items,
  };
}
