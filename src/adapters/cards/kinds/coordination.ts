/**
 * 协调处理, the coordination (cards/coordination.json): in the supervisors' group after an
 * assignment closed `closed_unsatisfied`, with the 登记协调结果 form until a supervisor records the
 * date and outcome, then the record. A classified suggestion's outcome is not shown.
 */
import type { CardModelOf } from '../card-model.ts';
import type { Limits } from '../engine/card-budget.ts';
import type { LarkCard } from '../engine/card-json.ts';
import { loadTemplate } from '../engine/template-file.ts';
import { flatten } from '../engine/template-values.ts';
import { cardBuilder } from './card-builder.ts';
import coordinationJson from '../../../../cards/coordination.json' with { type: 'json' };

const TEMPLATE = loadTemplate('coordination', coordinationJson);

export function buildCoordinationCard(model: CardModelOf<'coordination'>, limits: Limits): LarkCard {
  const s = model.suggestion;
  const c = model.coordination;
  const b = cardBuilder(TEMPLATE, limits, s, (pre, vars) => ({
    ...flatten('coordination', c, vars),
    outcome: pre.content(s, c.recorded?.outcome ?? '', limits.note),
    by: c.recorded?.byName ?? '',
    date: c.recorded?.date ?? '',
  }));
  const details = [b.text('unit'), b.text('closed')];
  const actions = c.recorded
    ? [b.markdown([b.text('recorded'), ...(s.classified ? [] : [b.text('outcome')])])]
    : [b.markdown([b.text('askRecord')]), b.part('recordForm')];
  return b.card({ suggestion: b.suggestion(s, true), details: [b.markdown(details)], actions });
}
