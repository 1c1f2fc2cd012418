/**
 * The figures of supervision from the phone (SPEC §10): 催办 by unit, extensions asked and granted,
 * disputed contact records. Kept beside compute.ts so each stays one concern; computeStats adds
 * them to the figures. Each follows its sentence in definitions.ts (nudges, extensions,
 * contact_disputes); withdrawn suggestions are left out, as everywhere.
 */
import type { AssignmentRow, SuggestionAggregate } from '../model.ts';

export interface SupervisionFigures {
  /** definition nudges: one count per unit a deputy's 催办 urged (once per deputy, suggestion and working day). */
  nudges: { total: number; byUnit: Array<{ unitId: string; unitName: string; count: number }> };
  /** definition extensions: the units' 申请延期 and their outcome; `granted` also counts extensions made by the operator route. */
  extensions: { requested: number; granted: number; refused: number; pending: number };
  /** definition contact_disputes: contact records a deputy answered with 不属实 (never counted as confirmed, nor in 面商率). */
  contactDisputes: { recorded: number; disputed: number };
}

export function supervisionFigures(
  aggregates: readonly SuggestionAggregate[],
  mine: (a: AssignmentRow) => boolean,
  nameOf: (unitId: string) => string,
): SupervisionFigures {
  const nudgesByUnit = new Map<string, number>();
  const extensions = { requested: 0, granted: 0, refused: 0, pending: 0 };
  const contactDisputes = { recorded: 0, disputed: 0 };
  for (const agg of aggregates) {
    if (agg.suggestion.status === 'withdrawn') continue;
    const own = new Map(agg.assignments.filter(mine).map((a) => [a.id, a]));
    for (const n of agg.nudges) {
      const a = own.get(n.assignmentId);
      if (a) nudgesByUnit.set(a.unitId, (nudgesByUnit.get(a.unitId) ?? 0) + 1);
    }
    for (const r of agg.extensionRequests) {
      if (!own.has(r.assignmentId)) continue;
      extensions.requested++;
      if (r.status === 'rejected') extensions.refused++;
      if (r.status === 'pending') extensions.pending++;
    }
    for (const a of own.values()) if (a.state !== 'withdrawn' && a.answerDueExtendedTo !== null) extensions.granted++;
    for (const c of agg.contacts) {
      if (!own.has(c.assignmentId)) continue;
      contactDisputes.recorded++;
      if (c.disputedAt !== null) contactDisputes.disputed++;
    }
  }
  const byUnit = [...nudgesByUnit]
    .map(([unitId, count]) => ({ unitId, unitName: nameOf(unitId), count }))
    .sort((x, y) => y.count - x.count || x.unitName.localeCompare(y.unitName, 'zh-CN'));
  return { nudges: { total: byUnit.reduce((n, u) => n + u.count, 0), byUnit }, extensions, contactDisputes };
}
