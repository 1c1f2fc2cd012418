/**
 * 状态看板, the status board (cards/status_board.json): one per group, updated in place. Units,
 * contacts and commitments (a confirmed commitment gets a 已完成 button), then the forms the model
 * enables while the suggestion is open.
 */
import type { CardModelOf } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { JsonObject, LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { flatten, type Raw } from '../engine/template-values.ts';
import { cardBuilder } from './card-builder.ts';
import statusBoardJson from '../../../../cards/status_board.json' with { type: 'json' };

const TEMPLATE = loadTemplate('status_board', statusBoardJson);

export function buildStatusBoardCard(model: CardModelOf<'status_board'>, limits: Limits): LarkCard {
  const s = model.suggestion;
  const open = s.status === 'open';
  const b = cardBuilder(TEMPLATE, limits, s, (_pre, vars) => ({ ...vars, light: model.light, updatedAt: model.updatedAt }));
  const units = b.markdown([
    b.text('unitsHeading'),
    ...(model.assignments.length === 0
      ? [b.text('noUnits')]
      : b.list(model.assignments, (a) =>
          b.text('unit', { ...flatten('assignment', a, {}), role: b.label('role', a.role), deadline: b.deadline(a.nextDeadline) }),
        )),
  ]);
  const contacts = b.headedList(model.contacts, 'noContacts', 'contactsHeading', (c) =>
    b.text('contact', {
      ...flatten('contact', c, {}),
      method: b.label('method', c.method),
      confirmation: c.confirmed ? b.text('contactConfirmed', { by: c.confirmed.byName }) : b.text('contactUnconfirmed'),
    }),
  );
  const commitments: JsonObject[] = [];
  if (model.commitments.length === 0) {
    commitments.push(b.markdown([b.text('noCommitments')]));
  } else {
    // Lines without a button share one markdown element; a confirmed one gets a row with 已完成.
    let pending: Raw[] = [b.text('commitmentsHeading', { n: model.commitments.length })];
    const flush = () => {
      if (pending.length) commitments.push(b.markdown(pending));
      pending = [];
    };
    for (const c of model.commitments.slice(0, limits.rows)) {
      const cv = b.commitmentVars(s, c);
      const line = b.text('commitment', cv);
      if (c.state === 'confirmed' && s.status !== 'withdrawn') {
        flush();
        commitments.push(b.part('commitmentRow', { ...cv, line }));
      } else {
        pending.push(line);
      }
    }
    if (model.commitments.length > limits.rows) pending.push(b.text('more', { n: model.commitments.length - limits.rows }));
    flush();
  }
  const forms: JsonObject[] = [];
  if (open) {
    if (model.forms.progress) forms.push(b.part('progressForm'));
    if (model.forms.contact) forms.push(b.part('contactForm'));
    if (model.forms.opinion) forms.push(b.part('opinionForm'));
    if (model.forms.answer) forms.push(b.part('answerForm'));
    if (model.forms.extension) forms.push(b.part('extensionForm'));
    if (model.forms.nudge) forms.push(b.part('nudgeButton'));
    if (model.forms.withdraw) forms.push(b.part('withdrawForm'));
    if (forms.length) forms.unshift(b.part('hr'));
  } else {
    forms.push(b.notation(b.text(s.status === 'closed' ? 'closed' : 'withdrawn')));
  }
  return b.card({
    suggestion: b.suggestion(s),
    overview: [
      b.markdown([b.text('overview', { status: b.label('suggestionStatus', s.status), lightTag: b.label('light', model.light) })]),
      ...mergeNote(b, model.merge),
    ],
    units: [units],
    contacts: [contacts],
    commitments,
    forms,
  });
}

/** 并案: which suggestion this one is merged into, or which are merged into it. */
function mergeNote(b: ReturnType<typeof cardBuilder>, merge: CardModelOf<'status_board'>['merge']): JsonObject[] {
  if (!merge) return [];
  if ('mergedInto' in merge) {
    return [b.markdown([b.text('mergedInto', { number: b.inline(merge.mergedInto.number, 40), title: b.inline(merge.mergedInto.title, 60) })])];
  }
  return [b.markdown([b.text('mergedMembers', { numbers: b.inline(merge.members.map((m) => m.number).join('、'), 400) })])];
}
