/**
 * 提醒, a reminder posted by the sweep (cards/reminder.json): its header colour follows the
 * level; it may carry the 报告进展 button. A 承诺进展 follow-up (policy `followUp`) is one too, with
 * its own header and the 报告承诺进展 form.
 */
import type { CardModelOf, Light } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { flatten } from '../engine/template-values.ts';
import { cardBuilder } from './card-builder.ts';
import reminderJson from '../../../../cards/reminder.json' with { type: 'json' };

const TEMPLATE = loadTemplate('reminder', reminderJson);

const LEVEL_LIGHT: Record<CardModelOf<'reminder'>['level'], Light> = {
  notice: 'blue',
  warning: 'yellow',
  overdue: 'red',
  escalation: 'red',
  escalation2: 'red',
};

export function buildReminderCard(model: CardModelOf<'reminder'>, limits: Limits): LarkCard {
  const s = model.suggestion;
  const light = LEVEL_LIGHT[model.level];
  const b = cardBuilder(TEMPLATE, limits, s, (pre, vars) => ({
    ...flatten('deadline', model.deadline, vars),
    level: pre.label('level', model.followUp ? 'follow_up' : model.level),
    commitmentId: model.followUp?.commitmentId ?? '',
    commitmentContent: pre.content(s, model.followUp?.content ?? '', limits.note),
    light,
    lightTag: pre.label('light', light),
    days: pre.days(model.deadline),
    unitName: model.unitName,
    todo: model.todo,
    assignmentId: model.assignmentId,
  }));
  return b.card({
    mentions: b.mentions(model.mentions),
    intro: [b.markdown([b.text(model.followUp ? 'intro_follow_up' : `intro_${model.level}`)])],
    suggestion: b.suggestion(s, true),
    details: [b.markdown(model.followUp ? [b.text('unit'), b.text('commitment'), b.text('deadline'), b.text('todo')] : [b.text('unit'), b.text('deadline'), b.text('todo')])],
    explanation: model.deadline.explanation.zh_cn.trim() ? [b.notation(model.deadline.explanation)] : [],
    actions: model.followUp ? [b.part('commitmentProgressForm')] : model.withProgressButton ? [b.part('progressButton')] : [],
  });
}
