/**
 * The button labels and form fields of SPEC §5: a contract with the people who press the buttons
 * and with the code that reads their callbacks (src/transports/lark/card-action-command.ts). The
 * templates in cards/ spell them out; the card tests check every rendered button and form against
 * these tables.
 */
import type { CardAction } from './card-model.ts';

/** The zh_cn label of every button, by the action it carries (SPEC §5: a contract). */
export const BUTTON_LABELS: Readonly<Record<CardAction, string>> = {
  sign: '签收',
  request_reassign: '申请改办',
  approve_reassign: '同意改办',
  reject_reassign: '不同意改办',
  report_progress: '报告进展',
  record_contact: '登记沟通',
  submit_opinion: '提交协办意见',
  submit_answer: '提交答复',
  confirm_contact: '确认属实',
  approve_answer: '审核通过',
  return_answer: '退回修改',
  evaluate_satisfied: '满意',
  evaluate_basically_satisfied: '基本满意',
  evaluate_unsatisfied: '不满意',
  confirm_commitments: '确认承诺',
  claim_commitment_done: '已完成',
  confirm_commitment_done: '确认完成',
  show_commitment: '已完成',
  nudge: '催办',
  request_extension: '申请延期',
  withdraw: '撤回',
  approve_extension: '同意延期',
  reject_extension: '不同意延期',
  approve_review: '复核通过',
  return_review: '退回重办',
  dispute_contact: '不属实',
  record_coordination: '登记协调结果',
  submit_quality_review: '提交评审',
  evaluate_co_opinion: '评价协办意见',
  report_commitment_progress: '报告承诺进展',
  evaluate_commitment_satisfied: '满意',
  evaluate_commitment_basically_satisfied: '基本满意',
  evaluate_commitment_unsatisfied: '不满意',
};

/**
 * The form fields a submit button sends in `action.form_value` (SPEC §5: a contract). Actions not
 * listed come from plain buttons. The reminder's 报告进展 is the same one-field form as the board's.
 */
export const FORM_FIELDS: Readonly<Partial<Record<CardAction, readonly string[]>>> = {
  request_reassign: ['reason'],
  approve_reassign: ['unit'],
  reject_reassign: ['reason'],
  report_progress: ['progress'],
  record_contact: ['method', 'date', 'note'],
  submit_opinion: ['opinion'],
  submit_answer: ['result_class', 'summary', 'public', 'private_reason', 'commitments'],
  return_answer: ['reason'],
  evaluate_satisfied: ['comment'],
  evaluate_basically_satisfied: ['comment'],
  evaluate_unsatisfied: ['comment'],
  claim_commitment_done: ['evidence'],
  request_extension: ['until', 'extension_reason'],
  withdraw: ['withdraw_reason'],
  approve_extension: ['until'],
  reject_extension: ['reason'],
  return_review: ['reason'],
  dispute_contact: ['reason'],
  record_coordination: ['date', 'outcome'],
  submit_quality_review: ['compliance', 'document', 'effect', 'note'],
  evaluate_co_opinion: ['grade', 'comment'],
  report_commitment_progress: ['progress'],
  evaluate_commitment_satisfied: ['comment'],
  evaluate_commitment_basically_satisfied: ['comment'],
  evaluate_commitment_unsatisfied: ['comment'],
};
