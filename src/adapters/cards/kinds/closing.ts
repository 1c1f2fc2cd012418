/**
 * 办结, the closing card (cards/closing.json): posted once when the suggestion closes, with no
 * buttons (SPEC §5). What each unit's handling came to, and the commitments still tracked.
 */
import type { CardModelOf } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { cardBuilder } from './card-builder.ts';
import closingJson from '../../../../cards/closing.json' with { type: 'json' };

const TEMPLATE = loadTemplate('closing', closingJson);

export function buildClosingCard(model: CardModelOf<'closing'>, limits: Limits): LarkCard {
  const s = model.suggestion;
  const b = cardBuilder(TEMPLATE, limits, s, (_pre, vars) => ({ ...vars, closedOn: model.closedOn }));
  const outcome = b.markdown([
    b.text('closedOn'),
    b.text('unitsHeading'),
    ...b.list(model.units, (u) => {
      const unit = { unitName: b.inline(u.unitName, limits.text), role: b.label('role', u.role) };
      if (!u.answer) return b.text('coUnit', { ...unit, state: u.stateLabel });
      return b.text('answeredUnit', {
        ...unit,
        resultClass: b.label('resultClass', u.answer.resultClass),
        round: u.answer.round,
        publicity: b.label('publicity', u.answer.public ? 'yes' : 'no'),
        grade: u.grade ? b.label('grade', u.grade) : b.text('noGrade'),
      });
    }),
  ]);
  const commitments = b.headedList(model.commitments, 'noCommitments', 'commitmentsHeading', (c) => b.text('commitment', b.commitmentVars(s, c)));
  return b.card({
    suggestion: b.suggestion(s, true),
    outcome: [outcome],
    commitments: [commitments],
    closingNote: [b.notation(b.text(model.commitments.length ? 'trackedNote' : 'doneNote'))],
  });
}
