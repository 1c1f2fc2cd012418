/**
 * Turns a card press (`action.value` + `form_value`, SPEC §5) into a lifecycle command. Values
 * come from outside and may be forged: everything is validated here, and a bad value becomes a
 * DomainError whose message the presser sees as a toast.
 */
import { z } from 'zod';
import type { ActionValue, CardAction } from '../../adapters/cards/card-model.ts';
import { refuse } from '../../core/errors.ts';
import { isIsoDate, requireWithinLimit, type Command, type FormFieldName } from '../../core/lifecycle/index.ts';
import { CONTACT_METHODS, RESULT_CLASSES } from '../../core/model.ts';

const CARD_ACTIONS = [
  'sign',
  'request_reassign',
  'approve_reassign',
  'reject_reassign',
  'report_progress',
  'record_contact',
  'submit_opinion',
  'submit_answer',
  'confirm_contact',
  'approve_answer',
  'return_answer',
  'evaluate_satisfied',
  'evaluate_basically_satisfied',
  'evaluate_unsatisfied',
  'confirm_commitments',
  'claim_commitment_done',
  'confirm_commitment_done',
  'show_commitment',
  'nudge',
  'request_extension',
  'withdraw',
  'approve_extension',
  'reject_extension',
  'approve_review',
  'return_review',
  'dispute_contact',
  'record_coordination',
  'submit_quality_review',
  'evaluate_co_opinion',
  'report_commitment_progress',
  'evaluate_commitment_satisfied',
  'evaluate_commitment_basically_satisfied',
  'evaluate_commitment_unsatisfied',
] as const satisfies readonly CardAction[];

const actionValueSchema = z.object({
  a: z.enum(CARD_ACTIONS),
  id: z.string().regex(/^[a-z]{2}_[A-Za-z0-9_-]{6,40}$/),
  v: z.number().int().nonnegative(),
});

export function parseActionValue(value: unknown): ActionValue {
  const parsed = actionValueSchema.safeParse(value);
  if (!parsed.success) return refuse('invalid_input', '无法识别的按钮', 'Unrecognised button value');
  return parsed.data;
}

type FormValue = Record<string, unknown>;

/** A form field as text, refused (naming the field and its limit) when it is longer than allowed. */
const field = (form: FormValue, name: FormFieldName): string => {
  const v = Object.hasOwn(form, name) ? form[name] : undefined;
  const text = v === undefined || v === null ? '' : Array.isArray(v) ? v.map(String).join(',') : String(v).trim();
  requireWithinLimit(name, text);
  return text;
};

/** Lark's date picker answers `2024-04-01 +0800`; a typed date is `2024-04-01`. */
export function parseFormDate(raw: string): string {
  const date = raw.trim().split(/\s+/)[0] ?? '';
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(date);
  return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : date;
}

/** `commitments`: one per line, `YYYY-MM-DD content`. A line that does not parse is named. */
export function parseCommitmentLines(text: string): Array<{ dueOn: string; content: string }> {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line, i) => {
      const m = /^(\d{4}[-/]\d{1,2}[-/]\d{1,2})\s*[:：、,，]?\s*(.+)$/.exec(line);
      const dueOn = m ? parseFormDate(m[1]!) : '';
      if (!m || !isIsoDate(dueOn)) {
        const shown = clipForMessage(line);
        return refuse('invalid_input', `承诺事项第 ${i + 1} 行应为“YYYY-MM-DD 内容”：${shown}`, `Commitment line ${i + 1} must be "YYYY-MM-DD content": ${shown}`);
      }
      return { dueOn, content: m[2]!.trim() };
    });
}

/** A line quoted back in a refusal: short enough for a toast. */
const clipForMessage = (line: string): string => (line.length > 40 ? `${Array.from(line).slice(0, 40).join('')}…` : line);

const yesNo = (raw: string): boolean => {
  if (raw === 'yes' || raw === '是' || raw === '公开') return true;
  if (raw === 'no' || raw === '否' || raw === '不公开') return false;
  return refuse('invalid_input', '请选择是否公开', 'Choose whether the answer is public (yes/no)');
};

/**
 * The command of a press. `assignmentFor` resolves status-board forms, which act for the presser's
 * own unit: the board belongs to the whole suggestion.
 */
export function commandOfPress(
  value: ActionValue,
  form: FormValue,
  assignmentFor: (suggestionId: string, purpose: 'progress' | 'opinion' | 'answer') => string,
): Command {
  const assignment = (purpose: 'progress' | 'opinion' | 'answer') => (value.id.startsWith('sg_') ? assignmentFor(value.id, purpose) : value.id);
  switch (value.a) {
    case 'sign':
      return { type: 'sign', assignmentId: value.id };
    case 'request_reassign':
      return { type: 'request_reassign', assignmentId: value.id, reason: field(form, 'reason') };
    case 'approve_reassign': {
      const unit = field(form, 'unit');
      if (!unit) refuse('invalid_input', '请选择改办后的承办单位', 'Choose the unit to re-assign to');
      return { type: 'approve_reassign', assignmentId: value.id, newUnitId: unit };
    }
    case 'reject_reassign':
      return { type: 'reject_reassign', assignmentId: value.id, reason: field(form, 'reason') };
    case 'report_progress':
      return { type: 'report_progress', assignmentId: assignment('progress'), text: field(form, 'progress') };
    case 'record_contact': {
      const method = field(form, 'method');
      if (!(CONTACT_METHODS as readonly string[]).includes(method)) {
        refuse('invalid_input', '请选择沟通方式（面商、电话、座谈、视察、其他）', 'Choose the contact method');
      }
      return {
        type: 'record_contact',
        assignmentId: assignment('progress'),
        method: method as (typeof CONTACT_METHODS)[number],
        date: parseFormDate(field(form, 'date')),
        note: field(form, 'note'),
      };
    }
    case 'submit_opinion':
      return { type: 'submit_opinion', assignmentId: assignment('opinion'), opinion: field(form, 'opinion') };
    case 'submit_answer': {
      const resultClass = field(form, 'result_class').toUpperCase();
      if (!(RESULT_CLASSES as readonly string[]).includes(resultClass)) refuse('invalid_input', '请选择答复类别（A/B/C/D）', 'Choose the result class (A/B/C/D)');
      const isPublic = yesNo(field(form, 'public'));
      return {
        type: 'submit_answer',
        assignmentId: assignment('answer'),
        resultClass: resultClass as (typeof RESULT_CLASSES)[number],
        summary: field(form, 'summary'),
        public: isPublic,
        privateReason: field(form, 'private_reason'),
        commitments: parseCommitmentLines(field(form, 'commitments')),
      };
    }
    case 'confirm_contact':
      return { type: 'confirm_contact', contactId: value.id };
    case 'approve_answer':
      return { type: 'approve_answer', answerId: value.id };
    case 'return_answer':
      return { type: 'return_answer', answerId: value.id, reason: field(form, 'reason') };
    case 'evaluate_satisfied':
      return { type: 'evaluate', answerId: value.id, grade: 'satisfied', comment: field(form, 'comment') };
    case 'evaluate_basically_satisfied':
      return { type: 'evaluate', answerId: value.id, grade: 'basically_satisfied', comment: field(form, 'comment') };
    case 'evaluate_unsatisfied':
      return { type: 'evaluate', answerId: value.id, grade: 'unsatisfied', comment: field(form, 'comment') };
    case 'confirm_commitments':
      return { type: 'confirm_commitments', answerId: value.id };
    case 'claim_commitment_done':
      return { type: 'claim_commitment_done', commitmentId: value.id, evidence: field(form, 'evidence') };
    case 'confirm_commitment_done':
      return { type: 'confirm_commitment_done', commitmentId: value.id };
    case 'report_commitment_progress':
      return { type: 'report_commitment_progress', commitmentId: value.id, text: field(form, 'progress') };
    case 'evaluate_commitment_satisfied':
      return { type: 'evaluate_commitment', commitmentId: value.id, grade: 'satisfied', comment: field(form, 'comment') };
    case 'evaluate_commitment_basically_satisfied':
      return { type: 'evaluate_commitment', commitmentId: value.id, grade: 'basically_satisfied', comment: field(form, 'comment') };
    case 'evaluate_commitment_unsatisfied':
      return { type: 'evaluate_commitment', commitmentId: value.id, grade: 'unsatisfied', comment: field(form, 'comment') };
    case 'show_commitment':
      return { type: 'show_commitment', commitmentId: value.id };
    case 'nudge':
      return { type: 'nudge', suggestionId: value.id };
    case 'request_extension':
      return {
        type: 'request_extension',
        assignmentId: assignment('answer'),
        until: parseFormDate(field(form, 'until')),
        reason: field(form, 'extension_reason'),
      };
    case 'withdraw':
      return { type: 'withdraw_suggestion', suggestionId: value.id, reason: field(form, 'withdraw_reason') };
    case 'approve_extension':
      return { type: 'approve_extension', extensionRequestId: value.id, until: parseFormDate(field(form, 'until')) };
    case 'reject_extension':
      return { type: 'reject_extension', extensionRequestId: value.id, reason: field(form, 'reason') };
    case 'approve_review':
      return { type: 'approve_review', answerId: value.id };
    case 'return_review':
      return { type: 'return_review', answerId: value.id, reason: field(form, 'reason') };
    case 'dispute_contact':
      return { type: 'dispute_contact', contactId: value.id, reason: field(form, 'reason') };
    case 'evaluate_co_opinion':
      return { type: 'evaluate_co_opinion', opinionId: value.id, grade: field(form, 'grade'), comment: field(form, 'comment') };
    case 'submit_quality_review':
      return {
        type: 'submit_quality_review',
        answerId: value.id,
        compliance: field(form, 'compliance'),
        document: field(form, 'document'),
        effect: field(form, 'effect'),
        note: field(form, 'note'),
      };
    case 'record_coordination':
      return { type: 'record_coordination', assignmentId: value.id, date: parseFormDate(field(form, 'date')), outcome: field(form, 'outcome') };
  }
}
