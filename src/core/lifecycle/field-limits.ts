/**
 * How long each piece of text a person types may be, and how far ahead a date may lie. One table
 * for every way a command arrives (a card's form, the admin API, the CLI): a form field over its
 * limit is refused with the field's name and its limit, before anything is stored, so no text
 * duban keeps is too long to post back to Lark (a text message fails for good past 150 KB).
 *
 * The limits follow the cards' inputs: Lark's `input` takes at most 1,000 characters (its default
 * `max_length`), and the cards set 500 where a short reason is asked for. A forged press that
 * skips the client's check meets the same limit here.
 */
import { refuse } from '../errors.ts';
import type { Command } from './commands.ts';

export interface FieldLimit {
  /** The form field name of SPEC §5 (what the toast names). */
  field: string;
  zh: string;
  max: number;
}

const limit = (field: string, zh: string, max: number): FieldLimit => ({ field, zh, max });

/** Every form field of SPEC §5, by name: its label and its limit in characters (code points). */
export const FORM_FIELD_LIMITS = {
  reason: limit('reason', '理由', 500),
  unit: limit('unit', '改办单位', 64),
  progress: limit('progress', '进展内容', 1000),
  method: limit('method', '沟通方式', 16),
  date: limit('date', '沟通日期', 32),
  note: limit('note', '沟通情况', 1000),
  opinion: limit('opinion', '协办意见', 1000),
  result_class: limit('result_class', '答复类别', 4),
  summary: limit('summary', '答复摘要', 1000),
  public: limit('public', '是否公开', 8),
  private_reason: limit('private_reason', '不公开理由', 500),
  commitments: limit('commitments', '承诺事项', 1000),
  comment: limit('comment', '评价意见', 500),
  evidence: limit('evidence', '完成情况', 500),
  extension_reason: limit('extension_reason', '延期理由', 500),
  withdraw_reason: limit('withdraw_reason', '撤回理由', 500),
  until: limit('until', '延期至', 32),
  outcome: limit('outcome', '协调结果', 1000),
  grade: limit('grade', '评价', 32),
  compliance: limit('compliance', '合规', 32),
  document: limit('document', '文书', 32),
  effect: limit('effect', '效果', 32),
} as const satisfies Record<string, FieldLimit>;

export type FormFieldName = keyof typeof FORM_FIELD_LIMITS;

/** At most this many commitments in one answer (one line each in the `commitments` field). */
export const MAX_COMMITMENTS = 20;

/**
 * How far ahead a commitment may be due: 5 years, the length of a congress's term (a longer
 * promise is not one this congress can follow up). A documented constant, since SPEC §4 names no
 * policy key for it.
 */
export const COMMITMENT_HORIZON_YEARS = 5;

export const characterCount = (text: string): number => {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
};

/** Refuses `value` when it is longer than its field allows, naming the field and its limit. */
export function requireWithinLimit(name: FormFieldName, value: string): void {
  const { field, zh, max } = FORM_FIELD_LIMITS[name];
  if (value.length <= max) return; // UTF-16 length ≥ code points: no need to count
  const count = characterCount(value);
  if (count <= max) return;
  refuse('invalid_input', `“${zh}”（${field}）最多 ${max} 字，现为 ${count} 字`, `The field "${field}" takes at most ${max} characters; this one has ${count}`, {
    field,
    max,
    length: count,
  });
}

/** The text fields of a command, checked against their limits (admin API and CLI commands too). */
export function requireCommandWithinLimits(command: Command): void {
  switch (command.type) {
    case 'request_reassign':
    case 'reject_reassign':
    case 'return_answer':
    case 'withdraw_suggestion':
    case 'extend_answer_deadline':
    case 'reject_extension':
    case 'return_review':
    case 'dispute_contact':
      return requireWithinLimit('reason', command.reason);
    case 'request_extension':
      return requireWithinLimit('extension_reason', command.reason);
    case 'record_coordination':
      requireWithinLimit('date', command.date);
      return requireWithinLimit('outcome', command.outcome);
    case 'evaluate_co_opinion':
      return requireWithinLimit('comment', command.comment);
    case 'submit_quality_review':
      return requireWithinLimit('note', command.note);
    case 'report_commitment_progress':
      return requireWithinLimit('progress', command.text);
    case 'evaluate_commitment':
      return requireWithinLimit('comment', command.comment ?? '');
    case 'approve_reassign':
      return requireWithinLimit('unit', command.newUnitId);
    case 'report_progress':
      return requireWithinLimit('progress', command.text);
    case 'record_contact':
      requireWithinLimit('date', command.date);
      return requireWithinLimit('note', command.note);
    case 'submit_opinion':
      return requireWithinLimit('opinion', command.opinion);
    case 'submit_answer':
      requireWithinLimit('summary', command.summary);
      requireWithinLimit('private_reason', command.privateReason ?? '');
      if (command.commitments.length > MAX_COMMITMENTS) {
        refuse('invalid_input', `承诺事项最多 ${MAX_COMMITMENTS} 项，现为 ${command.commitments.length} 项`, `At most ${MAX_COMMITMENTS} commitments; this answer has ${command.commitments.length}`, {
          field: 'commitments',
          max: MAX_COMMITMENTS,
        });
      }
      return requireWithinLimit('commitments', command.commitments.map((c) => c.content).join('\n'));
    case 'evaluate':
      return requireWithinLimit('comment', command.comment ?? '');
    case 'claim_commitment_done':
      return requireWithinLimit('evidence', command.evidence);
    default:
      return;
  }
}

/** The last day a commitment made on `today` may be due (YYYY-MM-DD; 29 February becomes 28). */
export function commitmentHorizon(today: string): string {
  const year = Number(today.slice(0, 4)) + COMMITMENT_HORIZON_YEARS;
  const monthDay = today.slice(5) === '02-29' ? '02-28' : today.slice(5);
  return `${String(year).padStart(4, '0')}-${monthDay}`;
}
