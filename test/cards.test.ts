import { describe, expect, it } from 'vitest';
import type {
  CardAnswer,
  CardAssignment,
  CardCommitment,
  CardContact,
  CardModel,
  CardSuggestion,
} from '../src/adapters/cards/card-model.ts';
import {
  BUTTON_LABELS,
  CARD_ELEMENT_LIMIT,
  CARD_SIZE_LIMIT,
  FORM_FIELDS,
  cardSizeBytes,
  countCardElements,
  escapeMarkdown,
  renderCard,
  renderSupersededCard,
  type LarkCard,
} from '../src/adapters/cards/render-card.ts';

// ---------------------------------------------------------------------------------------------
// Realistic models.

const LIAISON = 'ou_030a038bfe9279208c201dfe45b18815';
const LIAISON2 = 'ou_94c738d01e2ff5abb4ed40ab56839551';
const HEAD = 'ou_058147fa646dd791bb1efec68f22b0b0';
const DEPUTY = 'ou_9f1c2e7a55b04c0e8d0f3a6b7c8d9e01';
const SUPERVISOR = 'ou_5a6b7c8d9e0f11223344556677889900';

function suggestion(over: Partial<CardSuggestion> = {}): CardSuggestion {
  return {
    id: 'sg_2026_0245',
    session: '市六届人大二次会议',
    number: '0245',
    title: '关于优化中心城区公交线网的建议',
    body: '部分线路重复设置、换乘不便。\n建议：\n1. 结合轨道交通优化公交线网；\n2. 增设社区微循环线路。',
    category: '交通邮电',
    kind: 'suggestion',
    timing: 'session',
    classified: false,
    key: true,
    keyLeader: '常务副市长 陈建华',
    assignedOn: '2026-02-10',
    status: 'open',
    version: 7,
    deputies: [
      { name: '王立群', role: 'lead' },
      { name: '李红', role: 'co' },
      { name: '张伟', role: 'co' },
    ],
    ...over,
  };
}

function assignment(over: Partial<CardAssignment> = {}): CardAssignment {
  return {
    id: 'as_jtw_0245',
    unitId: 'jtw',
    unitName: '市交通运输委员会',
    role: 'lead',
    state: 'pending_sign',
    stateLabel: { zh_cn: '待签收', en_us: 'awaiting sign-for' },
    nextDeadline: { label: { zh_cn: '签收', en_us: 'sign for' }, due: '2026-02-12', light: 'yellow', daysLeft: 1, workingDaysOverdue: 0 },
    ...over,
  };
}

function coAssignment(over: Partial<CardAssignment> = {}): CardAssignment {
  return assignment({
    id: 'as_cgj_0245',
    unitId: 'cgj',
    unitName: '市城市管理局',
    role: 'co',
    state: 'signed',
    stateLabel: { zh_cn: '办理中', en_us: 'in handling' },
    nextDeadline: { label: { zh_cn: '协办意见', en_us: 'co-handler opinion' }, due: '2026-03-10', light: 'blue', daysLeft: 18, workingDaysOverdue: 0 },
    ...over,
  });
}

function contact(over: Partial<CardContact> = {}): CardContact {
  return {
    id: 'ct_001',
    unitName: '市交通运输委员会',
    method: 'face_to_face',
    date: '2026-03-02',
    note: '处长赵明带队到代表所在社区实地查看，就线网调整方案听取王立群代表意见。',
    recordedByName: '刘芳',
    confirmed: null,
    ...over,
  };
}

function commitment(over: Partial<CardCommitment> = {}): CardCommitment {
  return {
    id: 'cm_001',
    unitName: '市交通运输委员会',
    content: '年内开通2条社区微循环公交线路',
    dueOn: '2026-12-31',
    state: 'confirmed',
    evidence: null,
    overdue: false,
    ...over,
  };
}

function answer(over: Partial<CardAnswer> = {}): CardAnswer {
  return {
    id: 'an_001',
    unitName: '市交通运输委员会',
    round: 1,
    resultClass: 'B',
    summary:
      '我委高度重视，会同轨道集团对中心城区公交线网进行了全面梳理。\n一是优化调整重复线路6条；二是计划年内新开社区微循环线路2条；三是完善轨道站点接驳。',
    public: true,
    privateReason: null,
    status: 'pending_approval',
    returnReason: null,
    commitments: [
      commitment({ id: 'cm_001', state: 'proposed' }),
      commitment({ id: 'cm_002', content: '6月底前完成3个轨道站点公交接驳改造', dueOn: '2026-06-30', state: 'proposed' }),
    ],
    evaluations: [],
    ...over,
  };
}

// ---------------------------------------------------------------------------------------------
// Cases: every kind and state variant, with the buttons and form fields each must show.

interface Case {
  name: string;
  model: CardModel;
  buttons: string[];
  fields: string[];
}

const cases: Case[] = [
  {
    name: 'assignment: pending sign',
    model: {
      kind: 'assignment',
      suggestion: suggestion(),
      assignment: assignment(),
      signDue: '2026-02-12',
      answerDue: '2026-05-11',
      mentions: [LIAISON, LIAISON2, HEAD],
    },
    buttons: ['签收', '申请改办'],
    fields: ['reason'],
  },
  {
    name: 'assignment: signed, re-assignment still possible',
    model: {
      kind: 'assignment',
      suggestion: suggestion({ key: false, keyLeader: null }),
      assignment: assignment({ state: 'signed', stateLabel: { zh_cn: '办理中', en_us: 'in handling' } }),
      signDue: '2026-02-12',
      answerDue: null,
      mentions: [LIAISON],
    },
    buttons: ['申请改办'],
    fields: ['reason'],
  },
  {
    name: 'assignment: answered, no actions',
    model: {
      kind: 'assignment',
      suggestion: suggestion(),
      assignment: assignment({ state: 'answered', stateLabel: { zh_cn: '已答复待评价', en_us: 'answered, awaiting evaluation' }, nextDeadline: null }),
      signDue: '2026-02-12',
      answerDue: '2026-05-11',
      mentions: [],
    },
    buttons: [],
    fields: [],
  },
  {
    name: 'assignment: classified',
    model: {
      kind: 'assignment',
      suggestion: suggestion({ classified: true, body: '', key: false, keyLeader: null, kind: 'motion', timing: 'interim' }),
      assignment: assignment(),
      signDue: '2026-02-12',
      answerDue: '2026-05-11',
      mentions: [LIAISON],
    },
    buttons: ['签收', '申请改办'],
    fields: ['reason'],
  },
  {
    name: 'reassign: pending',
    model: {
      kind: 'reassign',
      suggestion: suggestion(),
      assignment: assignment({ state: 'reassign_requested', stateLabel: { zh_cn: '申请改办中', en_us: 're-assignment requested' } }),
      request: {
        id: 'rq_001',
        reason: '公交线网规划调整属市规划和自然资源局职责，建议改由该局主办。',
        requestedByName: '刘芳',
        status: 'pending',
        decisionNote: null,
      },
      units: [
        { id: 'ghzrj', name: '市规划和自然资源局' },
        { id: 'zjw', name: '市住房和城乡建设委员会' },
        { id: 'cgj', name: '市城市管理局' },
      ],
      mentions: [SUPERVISOR],
    },
    buttons: ['同意改办', '不同意改办'],
    fields: ['unit', 'reason'],
  },
  {
    name: 'reassign: pending, no unit to offer',
    model: {
      kind: 'reassign',
      suggestion: suggestion(),
      assignment: assignment({ state: 'reassign_requested', stateLabel: { zh_cn: '申请改办中', en_us: 're-assignment requested' } }),
      request: { id: 'rq_001', reason: '不属于本单位职责。', requestedByName: '刘芳', status: 'pending', decisionNote: null },
      units: [],
      mentions: [SUPERVISOR],
    },
    buttons: ['不同意改办'],
    fields: ['reason'],
  },
  {
    name: 'reassign: approved',
    model: {
      kind: 'reassign',
      suggestion: suggestion({ version: 8 }),
      assignment: assignment({ state: 'withdrawn', stateLabel: { zh_cn: '已撤销', en_us: 'withdrawn' } }),
      request: {
        id: 'rq_001',
        reason: '公交线网规划调整属市规划和自然资源局职责。',
        requestedByName: '刘芳',
        status: 'approved',
        decisionNote: '同意改由市规划和自然资源局主办。',
      },
      units: [{ id: 'ghzrj', name: '市规划和自然资源局' }],
      mentions: [],
    },
    buttons: [],
    fields: [],
  },
  {
    name: 'reassign: rejected',
    model: {
      kind: 'reassign',
      suggestion: suggestion({ version: 8 }),
      assignment: assignment({ state: 'pending_sign' }),
      request: {
        id: 'rq_001',
        reason: '不属于本单位职责。',
        requestedByName: '刘芳',
        status: 'rejected',
        decisionNote: '公交线网优化属交通运输委职责，请按期签收办理。',
      },
      units: [],
      mentions: [LIAISON],
    },
    buttons: [],
    fields: [],
  },
  {
    name: 'status board: open, lead and co units, all forms',
    model: {
      kind: 'status_board',
      suggestion: suggestion(),
      light: 'yellow',
      assignments: [
        assignment({ state: 'signed', stateLabel: { zh_cn: '办理中', en_us: 'in handling' } }),
        coAssignment(),
      ],
      contacts: [
        contact({ confirmed: { byName: '王立群', at: '2026-03-03 10:12' } }),
        contact({ id: 'ct_002', method: 'phone', date: '2026-03-20', unitName: '市城市管理局', recordedByName: '陈静' }),
      ],
      commitments: [
        commitment({ id: 'cm_001', state: 'confirmed' }),
        commitment({ id: 'cm_002', content: '6月底前完成3个轨道站点公交接驳改造', dueOn: '2026-06-30', state: 'done_claimed', evidence: '已完成改造，见交委〔2026〕18号文' }),
        commitment({ id: 'cm_003', content: '优化调整重复线路6条', dueOn: '2026-03-31', state: 'confirmed', overdue: true }),
        commitment({ id: 'cm_004', content: '发布线网调整公告', dueOn: '2026-02-28', state: 'done' }),
      ],
      forms: { progress: true, contact: true, opinion: true, answer: true },
      updatedAt: '2026-04-02 09:00',
    },
    buttons: ['已完成', '已完成', '报告进展', '登记沟通', '提交协办意见', '提交答复'],
    fields: ['progress', 'method', 'date', 'note', 'opinion', 'result_class', 'summary', 'public', 'private_reason', 'commitments'],
  },
  {
    name: 'status board: co unit only, nothing recorded yet',
    model: {
      kind: 'status_board',
      suggestion: suggestion({ key: false, keyLeader: null }),
      light: 'blue',
      assignments: [coAssignment({ state: 'pending_sign', stateLabel: { zh_cn: '待签收', en_us: 'awaiting sign-for' }, nextDeadline: null })],
      contacts: [],
      commitments: [],
      forms: { progress: true, contact: false, opinion: true, answer: false },
      updatedAt: '2026-02-10 09:00',
    },
    buttons: ['报告进展', '提交协办意见'],
    fields: ['progress', 'opinion'],
  },
  {
    name: 'status board: overdue, split units',
    model: {
      kind: 'status_board',
      suggestion: suggestion({ key: false, keyLeader: null, kind: 'proposal', timing: 'interim' }),
      light: 'red',
      assignments: [
        assignment({
          role: 'split',
          state: 'signed',
          stateLabel: { zh_cn: '办理中', en_us: 'in handling' },
          nextDeadline: { label: { zh_cn: '答复', en_us: 'answer' }, due: '2026-05-11', light: 'red', daysLeft: -4, workingDaysOverdue: 4 },
        }),
        assignment({
          id: 'as_zjw_0245',
          unitId: 'zjw',
          unitName: '市住房和城乡建设委员会',
          role: 'split',
          state: 'answer_pending_approval',
          stateLabel: { zh_cn: '答复待审核', en_us: 'answer awaiting approval' },
          nextDeadline: { label: { zh_cn: '答复', en_us: 'answer' }, due: '2026-05-11', light: 'red', daysLeft: -1, workingDaysOverdue: 1 },
        }),
      ],
      contacts: [contact()],
      commitments: [],
      forms: { progress: true, contact: true, opinion: false, answer: true },
      updatedAt: '2026-05-15 09:00',
    },
    buttons: ['报告进展', '登记沟通', '提交答复'],
    fields: ['progress', 'method', 'date', 'note', 'result_class', 'summary', 'public', 'private_reason', 'commitments'],
  },
  {
    name: 'status board: closed, open commitment still tracked',
    model: {
      kind: 'status_board',
      suggestion: suggestion({ status: 'closed', version: 21 }),
      light: 'blue',
      assignments: [assignment({ state: 'closed', stateLabel: { zh_cn: '已办结', en_us: 'closed' }, nextDeadline: null })],
      contacts: [contact({ confirmed: { byName: '王立群', at: '2026-03-03 10:12' } })],
      commitments: [commitment({ state: 'confirmed' }), commitment({ id: 'cm_002', state: 'done' })],
      forms: { progress: true, contact: true, opinion: false, answer: true },
      updatedAt: '2026-06-01 09:00',
    },
    buttons: ['已完成'],
    fields: [],
  },
  {
    name: 'status board: withdrawn',
    model: {
      kind: 'status_board',
      suggestion: suggestion({ status: 'withdrawn', version: 3 }),
      light: 'blue',
      assignments: [assignment({ state: 'withdrawn', stateLabel: { zh_cn: '已撤销', en_us: 'withdrawn' }, nextDeadline: null })],
      contacts: [],
      commitments: [commitment({ state: 'confirmed' })],
      forms: { progress: true, contact: true, opinion: true, answer: true },
      updatedAt: '2026-02-20 09:00',
    },
    buttons: [],
    fields: [],
  },
  {
    name: 'status board: classified',
    model: {
      kind: 'status_board',
      suggestion: suggestion({ classified: true, body: '' }),
      light: 'blue',
      assignments: [assignment({ state: 'signed', stateLabel: { zh_cn: '办理中', en_us: 'in handling' } })],
      contacts: [contact()],
      commitments: [commitment({ state: 'proposed' })],
      forms: { progress: true, contact: true, opinion: false, answer: true },
      updatedAt: '2026-03-05 09:00',
    },
    buttons: ['报告进展', '登记沟通', '提交答复'],
    fields: ['progress', 'method', 'date', 'note', 'result_class', 'summary', 'public', 'private_reason', 'commitments'],
  },
  {
    name: 'contact: awaiting confirmation',
    model: { kind: 'contact', suggestion: suggestion(), contact: contact(), mentions: [DEPUTY] },
    buttons: ['确认属实', '不属实'],
    fields: ['reason'],
  },
  {
    name: 'contact: confirmed',
    model: {
      kind: 'contact',
      suggestion: suggestion({ version: 9 }),
      contact: contact({ confirmed: { byName: '王立群', at: '2026-03-03 10:12' } }),
      mentions: [],
    },
    buttons: [],
    fields: [],
  },
  {
    name: 'contact: classified',
    model: { kind: 'contact', suggestion: suggestion({ classified: true, body: '' }), contact: contact(), mentions: [DEPUTY] },
    buttons: ['确认属实', '不属实'],
    fields: ['reason'],
  },
  {
    name: 'contact: disputed',
    model: {
      kind: 'contact',
      suggestion: suggestion({ version: 9 }),
      contact: contact({ disputed: { byName: '王立群代表', at: '2026-03-03', reason: '未曾当面沟通' } }),
      mentions: [],
    },
    buttons: [],
    fields: [],
  },
  {
    name: 'status board: 催办, 申请延期 and 撤回',
    model: {
      kind: 'status_board',
      suggestion: suggestion(),
      light: 'blue',
      assignments: [assignment()],
      contacts: [],
      commitments: [],
      forms: { progress: false, contact: false, opinion: false, answer: false, nudge: true, extension: true, withdraw: true },
      updatedAt: '2026-04-02 09:00',
    },
    buttons: ['申请延期', '催办', '撤回'],
    fields: ['until', 'extension_reason', 'withdraw_reason'],
  },
  {
    name: 'nudge',
    model: {
      kind: 'nudge',
      suggestion: suggestion(),
      deputyName: '王立群代表',
      day: '2026-03-03',
      units: [{ unitName: '市交通运输委员会', stateLabel: { zh_cn: '办理中', en_us: 'in handling' } }],
      mentions: [LIAISON, HEAD],
    },
    buttons: [],
    fields: [],
  },
  {
    name: 'extension: pending',
    model: {
      kind: 'extension',
      suggestion: suggestion(),
      assignment: assignment(),
      request: { id: 'xr_0000001', until: '2026-07-10', reason: '涉及多部门协调', requestedByName: '市交通运输委员会联络员', status: 'pending', grantedUntil: null, decisionReason: null },
      currentDue: '2026-05-11',
      maxDue: '2026-08-10',
      mentions: [SUPERVISOR],
    },
    buttons: ['同意延期', '不同意延期'],
    fields: ['until', 'reason'],
  },
  {
    name: 'extension: granted',
    model: {
      kind: 'extension',
      suggestion: suggestion({ version: 9 }),
      assignment: assignment(),
      request: { id: 'xr_0000001', until: '2026-07-10', reason: '涉及多部门协调', requestedByName: '市交通运输委员会联络员', status: 'approved', grantedUntil: '2026-07-20', decisionReason: null },
      currentDue: '2026-05-11',
      maxDue: '2026-08-10',
      mentions: [],
    },
    buttons: [],
    fields: [],
  },
  {
    name: 'review: pending',
    model: { kind: 'review', suggestion: suggestion(), answer: answer({ status: 'pending_review' }), mentions: [SUPERVISOR] },
    buttons: ['复核通过', '退回重办'],
    fields: ['reason'],
  },
  {
    name: 'coordination: awaiting the record',
    model: { kind: 'coordination', suggestion: suggestion(), coordination: { assignmentId: 'as_001', unitName: '市交通运输委员会', closedOn: '2026-06-01', recorded: null } },
    buttons: ['登记协调结果'],
    fields: ['date', 'outcome'],
  },
  {
    name: 'coordination: recorded',
    model: {
      kind: 'coordination',
      suggestion: suggestion({ version: 12 }),
      coordination: { assignmentId: 'as_001', unitName: '市交通运输委员会', closedOn: '2026-06-01', recorded: { date: '2026-06-10', outcome: '召集各方当面协调，确定分期实施', byName: '陈督办' } },
    },
    buttons: [],
    fields: [],
  },
  {
    name: 'co-opinion: awaiting the rating',
    model: {
      kind: 'co_opinion',
      suggestion: suggestion(),
      opinion: { id: 'op_001', unitName: '市城市管理局', text: '同意主办单位意见，配合做好站点改造', submittedByName: '李联络', submittedAt: '2026-03-03', evaluation: null },
      mentions: [LIAISON, HEAD],
    },
    buttons: ['评价协办意见'],
    fields: ['grade', 'comment'],
  },
  {
    name: 'co-opinion: rated, classified',
    model: {
      kind: 'co_opinion',
      suggestion: suggestion({ classified: true, body: '', version: 11 }),
      opinion: { id: 'op_001', unitName: '市城市管理局', text: '', submittedByName: '李联络', submittedAt: '2026-03-03', evaluation: { grade: 'basically_satisfied', comment: '', byName: '王主办' } },
      mentions: [],
    },
    buttons: [],
    fields: [],
  },
  {
    name: 'quality review: awaiting the review',
    model: { kind: 'quality_review', suggestion: suggestion(), review: { answerId: 'an_001', unitName: '市交通运输委员会', round: 1, resultClass: 'B', recorded: null } },
    buttons: ['提交评审'],
    fields: ['compliance', 'document', 'effect', 'note'],
  },
  {
    name: 'quality review: reviewed',
    model: {
      kind: 'quality_review',
      suggestion: suggestion({ version: 12 }),
      review: { answerId: 'an_001', unitName: '市交通运输委员会', round: 2, resultClass: 'A', recorded: { compliance: 'good', document: 'fair', effect: 'poor', note: '措施时间表不够具体', byName: '陈督办' } },
    },
    buttons: [],
    fields: [],
  },
  {
    name: 'approval: pending',
    model: { kind: 'approval', suggestion: suggestion(), answer: answer(), mentions: [HEAD] },
    buttons: ['审核通过', '退回修改'],
    fields: ['reason'],
  },
  {
    name: 'approval: not public, approved',
    model: {
      kind: 'approval',
      suggestion: suggestion({ version: 12 }),
      answer: answer({ status: 'approved', public: false, privateReason: '涉及尚未公布的规划方案', commitments: [] }),
      mentions: [],
    },
    buttons: [],
    fields: [],
  },
  {
    name: 'approval: returned',
    model: {
      kind: 'approval',
      suggestion: suggestion({ version: 12 }),
      answer: answer({ status: 'returned', returnReason: '承诺事项的完成时限不明确，请补充。' }),
      mentions: [LIAISON],
    },
    buttons: [],
    fields: [],
  },
  {
    name: 'answer: commitments to confirm',
    model: {
      kind: 'answer',
      suggestion: suggestion({ version: 13 }),
      answer: answer({ status: 'approved' }),
      mentions: [DEPUTY],
    },
    buttons: ['满意', '基本满意', '不满意', '确认承诺'],
    fields: ['comment'],
  },
  {
    name: 'answer: evaluations received, second round',
    model: {
      kind: 'answer',
      suggestion: suggestion({ version: 30 }),
      answer: answer({
        status: 'approved',
        round: 2,
        resultClass: 'A',
        commitments: [commitment({ state: 'confirmed' })],
        evaluations: [
          { deputyName: '王立群', grade: 'unsatisfied', comment: '微循环线路覆盖不足。' },
          { deputyName: '李红', grade: 'basically_satisfied', comment: '' },
        ],
      }),
      mentions: [DEPUTY],
    },
    buttons: ['满意', '基本满意', '不满意'],
    fields: ['comment'],
  },
  {
    name: 'answer: suggestion closed',
    model: {
      kind: 'answer',
      suggestion: suggestion({ status: 'closed', version: 31 }),
      answer: answer({
        status: 'approved',
        commitments: [commitment({ state: 'done' })],
        evaluations: [{ deputyName: '王立群', grade: 'satisfied', comment: '办理认真，感谢。' }],
      }),
      mentions: [],
    },
    buttons: [],
    fields: [],
  },
  {
    name: 'commitment: proposed',
    model: { kind: 'commitment', suggestion: suggestion(), commitment: commitment({ state: 'proposed' }), mentions: [] },
    buttons: [],
    fields: [],
  },
  {
    name: 'commitment: confirmed, overdue',
    model: {
      kind: 'commitment',
      suggestion: suggestion(),
      commitment: commitment({ state: 'confirmed', dueOn: '2026-03-31', overdue: true }),
      mentions: [LIAISON, HEAD],
    },
    buttons: ['已完成'],
    fields: ['evidence'],
  },
  {
    name: 'commitment: done claimed',
    model: {
      kind: 'commitment',
      suggestion: suggestion(),
      commitment: commitment({ state: 'done_claimed', evidence: '两条线路已于11月1日开通，见交委〔2026〕56号文。' }),
      mentions: [DEPUTY, SUPERVISOR],
    },
    buttons: ['确认完成'],
    fields: [],
  },
  {
    name: 'commitment: done',
    model: {
      kind: 'commitment',
      suggestion: suggestion({ status: 'closed' }),
      commitment: commitment({ state: 'done', evidence: '两条线路已于11月1日开通。' }),
      mentions: [],
    },
    buttons: [],
    fields: [],
  },
  {
    // 承诺兑现评价: the second evaluation, open while a deputy has not graded it.
    name: 'commitment: done, second evaluation open',
    model: {
      kind: 'commitment',
      suggestion: suggestion({ status: 'closed' }),
      commitment: commitment({ state: 'done', evidence: '两条线路已于11月1日开通。', secondEvaluationOpen: true, secondEvaluations: [{ deputyName: '李明', grade: 'basically_satisfied' }] }),
      mentions: [DEPUTY],
    },
    buttons: ['满意', '基本满意', '不满意'],
    fields: ['comment'],
  },
  {
    // 承诺进展 (policy followUp): a notice with the 报告承诺进展 form.
    name: 'reminder: commitment follow-up',
    model: {
      kind: 'reminder',
      suggestion: suggestion(),
      level: 'notice',
      deadline: { label: { zh_cn: '承诺事项', en_us: 'commitment' }, due: '2026-12-31', daysLeft: 198, workingDaysOverdue: 0, explanation: { zh_cn: '【承诺进展】第 1 次跟踪（每 2 个月）：承诺于 2026-12-31 前完成，还有 198 天', en_us: '[commitment follow-up] round 1 (every 2 months): promised by 2026-12-31, 198 days left' } },
      unitName: '市交通运输委员会',
      todo: { zh_cn: '请报告承诺事项落实进展', en_us: 'Please report on the commitment' },
      withProgressButton: false,
      assignmentId: 'as_jtw_0245',
      mentions: [LIAISON, HEAD],
      followUp: { commitmentId: 'cm_001', content: '年内新开社区微循环线路2条' },
    },
    buttons: ['报告承诺进展'],
    fields: ['progress'],
  },
  {
    name: 'commitment: void',
    model: { kind: 'commitment', suggestion: suggestion(), commitment: commitment({ state: 'void' }), mentions: [] },
    buttons: [],
    fields: [],
  },
  {
    name: 'closing: lead answered and satisfied, co opinion in, a commitment still tracked',
    model: {
      kind: 'closing',
      suggestion: suggestion({ status: 'closed', version: 22 }),
      closedOn: '2026-05-20',
      units: [
        {
          unitName: '市交通运输委员会',
          role: 'lead',
          stateLabel: { zh_cn: '已办结', en_us: 'closed' },
          answer: { resultClass: 'B', round: 2, public: true },
          grade: 'basically_satisfied',
        },
        { unitName: '市城市管理局', role: 'co', stateLabel: { zh_cn: '已提交协办意见', en_us: 'co-handler opinion submitted' }, answer: null, grade: null },
      ],
      commitments: [commitment({ state: 'confirmed' }), commitment({ id: 'cm_002', content: '6月底前完成3个轨道站点公交接驳改造', dueOn: '2026-06-30', state: 'done_claimed' })],
    },
    buttons: [],
    fields: [],
  },
  {
    name: 'closing: split units, one closed unsatisfied, nothing left to do, classified',
    model: {
      kind: 'closing',
      suggestion: suggestion({ status: 'closed', classified: true, body: '', key: false, keyLeader: null, version: 40 }),
      closedOn: '2026-08-03',
      units: [
        { unitName: '市交通运输委员会', role: 'split', stateLabel: { zh_cn: '已办结', en_us: 'closed' }, answer: { resultClass: 'A', round: 1, public: false }, grade: 'satisfied' },
        {
          unitName: '市住房和城乡建设委员会',
          role: 'split',
          stateLabel: { zh_cn: '办结（不满意）', en_us: 'closed (unsatisfied)' },
          answer: { resultClass: 'C', round: 2, public: false },
          grade: 'unsatisfied',
        },
      ],
      commitments: [],
    },
    buttons: [],
    fields: [],
  },
  ...(['notice', 'warning', 'overdue', 'escalation', 'escalation2'] as const).map(
    (level, i): Case => ({
      name: `reminder: ${level}`,
      model: {
        kind: 'reminder',
        suggestion: suggestion(),
        level,
        deadline: {
          label: { zh_cn: '答复', en_us: 'answer' },
          due: '2026-05-11',
          daysLeft: [7, 1, -2, -5, -14][i]!,
          // Due on a Monday: -5 is a Saturday, -14 the Monday two weeks on.
          workingDaysOverdue: [0, 0, 2, 4, 10][i]!,
          explanation: {
            zh_cn: '答复期限：自交办之日起3个月（《重庆市人民代表大会代表建议、批评和意见办理办法》第十六条）。',
            en_us: 'Answer deadline: 3 months from assignment (Chongqing regulation, art. 16).',
          },
        },
        unitName: '市交通运输委员会',
        todo: { zh_cn: '请尽快办理并提交答复', en_us: 'please handle it and submit the answer' },
        withProgressButton: level !== 'notice',
        assignmentId: 'as_jtw_0245',
        mentions: level === 'notice' ? [LIAISON] : [LIAISON, HEAD],
      },
      buttons: level === 'notice' ? [] : ['报告进展'],
      // The reminder's 报告进展 is a one-field form, like the status board's.
      fields: level === 'notice' ? [] : ['progress'],
    }),
  ),
  {
    name: 'reminder: sign for, due today',
    model: {
      kind: 'reminder',
      suggestion: suggestion({ key: false, keyLeader: null }),
      level: 'warning',
      deadline: {
        label: { zh_cn: '签收', en_us: 'sign for' },
        due: '2026-02-12',
        daysLeft: 0,
        workingDaysOverdue: 0,
        explanation: { zh_cn: '签收期限：交办后2个工作日。', en_us: 'Sign for it within 2 working days of assignment.' },
      },
      unitName: '市交通运输委员会',
      todo: { zh_cn: '请尽快签收', en_us: 'please sign for it' },
      withProgressButton: false,
      assignmentId: 'as_jtw_0245',
      mentions: [LIAISON, HEAD],
    },
    buttons: [],
    fields: [],
  },
];

// ---------------------------------------------------------------------------------------------
// The structural validator: what Lark's JSON 2.0 rules (lark/API.md §4) and SPEC §5 demand.

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Interactive components that need a `name` inside a form. */
const INTERACTIVE = new Set([
  'input',
  'select_static',
  'multi_select_static',
  'select_person',
  'multi_select_person',
  'date_picker',
  'picker_time',
  'picker_datetime',
  'checker',
  'button',
  'select_img',
  'overflow',
]);
const HEADER_TEMPLATES = new Set(['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default']);
const KNOWN_ACTIONS = new Set(Object.keys(BUTTON_LABELS));

function walk(node: unknown, visit: (obj: Obj, path: string[]) => void, path: string[] = []): void {
  if (Array.isArray(node)) node.forEach((item, i) => walk(item, visit, [...path, String(i)]));
  else if (isObj(node)) {
    visit(node, path);
    for (const [k, v] of Object.entries(node)) walk(v, visit, [...path, k]);
  }
}

function byTag(root: unknown, tag: string): Obj[] {
  const out: Obj[] = [];
  walk(root, (o) => {
    if (o.tag === tag) out.push(o);
  });
  return out;
}

function allStrings(root: unknown): string[] {
  const out: string[] = [];
  const rec = (x: unknown) => {
    if (typeof x === 'string') out.push(x);
    else if (Array.isArray(x)) x.forEach(rec);
    else if (isObj(x)) Object.values(x).forEach(rec);
  };
  rec(root);
  return out;
}

/** Every markdown text in the card: content and all i18n_content values. */
function markdownTexts(card: unknown): string[] {
  return byTag(card, 'markdown').flatMap((m) => [
    String(m.content),
    ...(isObj(m.i18n_content) ? Object.values(m.i18n_content).map(String) : []),
  ]);
}

interface Shape {
  buttons: string[];
  fields: string[];
}

function validate(card: LarkCard, version: number): Shape {
  expect(card.schema).toBe('2.0');
  expect(card.config.update_multi).toBe(true);
  expect(isObj(card.header.title)).toBe(true);
  expect(HEADER_TEMPLATES.has(String(card.header.template))).toBe(true);
  expect(Array.isArray(card.body.elements)).toBe(true);

  const ids = new Set<string>();
  const names: string[] = [];
  walk(card, (o, path) => {
    expect(o.tag, `tag at ${path.join('.')}`).not.toBe('action');
    expect(o.tag, `tag at ${path.join('.')}`).not.toBe('note');
    for (const key of Object.keys(o)) expect(key.startsWith('$'), `template comment key ${key} leaked`).toBe(false);
    if (o.element_id !== undefined) {
      expect(String(o.element_id)).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,19}$/);
      expect(ids.has(String(o.element_id)), `duplicate element_id ${String(o.element_id)}`).toBe(false);
      ids.add(String(o.element_id));
    }
    if (o.tag === 'form') {
      // Forms only at the body's root: path = ['body', 'elements', i].
      expect(path, 'form not at body root').toEqual(['body', 'elements', path[2]]);
    }
    // Text elements with i18n carry both languages, and content is the zh_cn text.
    if ((o.tag === 'plain_text' || o.tag === 'markdown') && o.i18n_content !== undefined) {
      const i18n = o.i18n_content as Obj;
      expect(typeof i18n.zh_cn).toBe('string');
      expect(typeof i18n.en_us).toBe('string');
      expect(String(i18n.en_us).length).toBeGreaterThan(0);
      expect(o.content).toBe(i18n.zh_cn);
    }
    if (o.tag === 'select_static') {
      const values = (o.options as Obj[]).map((opt) => opt.value);
      expect(new Set(values).size).toBe(values.length);
      expect(values.length).toBeGreaterThan(0);
    }
  });

  const buttons: string[] = [];
  const fields: string[] = [];
  const forms = card.body.elements.filter((e) => e.tag === 'form');
  for (const form of forms) {
    expect(typeof form.name).toBe('string');
    names.push(String(form.name));
    expect(byTag(form.elements, 'form')).toHaveLength(0);
    let submits = 0;
    walk(form.elements, (o) => {
      if (typeof o.tag !== 'string' || !INTERACTIVE.has(o.tag)) return;
      expect(typeof o.name, `${o.tag} in form ${String(form.name)} has no name`).toBe('string');
      expect(String(o.name).length).toBeGreaterThan(0);
      names.push(String(o.name));
      if (o.tag === 'button') {
        if (o.form_action_type === 'submit') submits += 1;
      } else {
        fields.push(String(o.name));
      }
    });
    expect(submits, `form ${String(form.name)} has no submit button`).toBeGreaterThanOrEqual(1);
  }
  expect(new Set(names).size, `names not unique: ${names.join(',')}`).toBe(names.length);

  for (const button of byTag(card, 'button')) {
    const text = button.text as Obj;
    expect(text.tag).toBe('plain_text');
    const behaviors = button.behaviors as Obj[];
    expect(Array.isArray(behaviors)).toBe(true);
    const callbacks = behaviors.filter((b) => b.type === 'callback');
    expect(callbacks).toHaveLength(1);
    const value = callbacks[0]!.value as Obj;
    expect(Object.keys(value).sort()).toEqual(['a', 'id', 'v']);
    expect(KNOWN_ACTIONS.has(String(value.a)), `unknown action ${String(value.a)}`).toBe(true);
    expect(typeof value.id).toBe('string');
    expect(String(value.id).length).toBeGreaterThan(0);
    expect(value.v).toBe(version);
    expect(text.content).toBe(BUTTON_LABELS[value.a as keyof typeof BUTTON_LABELS]);
    buttons.push(String(text.content));
    // A button that submits a form sends exactly the contract's fields.
    if (button.form_action_type === 'submit') {
      const form = forms.find((f) => byTag(f.elements, 'button').includes(button))!;
      const formFields = byTag(form.elements, 'input')
        .concat(byTag(form.elements, 'select_static'))
        .map((f) => String(f.name));
      expect(formFields.sort()).toEqual([...(FORM_FIELDS[value.a as keyof typeof FORM_FIELDS] ?? [])].sort());
    } else {
      expect(button.form_action_type).toBeUndefined();
      expect(button.name).toBeUndefined();
    }
  }

  expect(countCardElements(card)).toBeLessThanOrEqual(CARD_ELEMENT_LIMIT);
  expect(cardSizeBytes(card)).toBeLessThan(CARD_SIZE_LIMIT);
  for (const s of allStrings(card)) expect(s, 'unfilled placeholder').not.toMatch(/\{\{|\}\}/);
  return { buttons, fields };
}

// ---------------------------------------------------------------------------------------------

describe('card templates', () => {
  for (const c of cases) {
    it(`${c.name}`, () => {
      const card = renderCard(c.model);
      const shape = validate(card, c.model.suggestion.version);
      expect([...shape.buttons].sort()).toEqual([...c.buttons].sort());
      expect([...shape.fields].sort()).toEqual([...c.fields].sort());
      expect(card).toMatchSnapshot();
    });
  }

  it('has a validator that rejects broken cards', () => {
    const good = () => structuredClone(renderCard(cases[0]!.model)) as LarkCard;
    const form = (card: LarkCard) => card.body.elements.find((e) => e.tag === 'form')!;
    const breakages: Array<(card: LarkCard) => void> = [
      (card) => card.body.elements.push({ tag: 'action', actions: [] }),
      (card) => card.body.elements.push({ tag: 'note', elements: [] }),
      (card) => card.body.elements.push({ tag: 'markdown', content: 'x', element_id: '1bad' }),
      (card) => ((form(card).elements as Obj[])[0]!.name = undefined as never),
      (card) => ((form(card).elements as Obj[])[1]!.form_action_type = 'reset'),
      (card) => ((form(card).elements as Obj[])[1]!.name = 'reason'),
      (card) => (form(card).elements as Obj[]).push(structuredClone(form(card))),
      (card) => card.body.elements.push({ tag: 'column_set', columns: [{ tag: 'column', elements: [structuredClone(form(card))] }] }),
      (card) => (((card.body.elements.find((e) => e.tag === 'button')!.text as Obj).content = '签 收')),
      (card) => (((card.body.elements.find((e) => e.tag === 'button')!.behaviors as Obj[])[0]!.value = { a: 'sign', id: 'x', v: '7' })),
      (card) => (((card.body.elements.find((e) => e.tag === 'button')!.behaviors as Obj[])[0]!.value = { a: 'launch', id: 'x', v: 7 })),
      (card) => card.body.elements.push({ tag: 'markdown', content: 'x'.repeat(CARD_SIZE_LIMIT) }),
    ];
    expect(() => validate(good(), 7)).not.toThrow();
    for (const [i, breakIt] of breakages.entries()) {
      const card = good();
      breakIt(card);
      expect(() => validate(card, 7), `breakage ${i} not caught`).toThrow();
    }
  });

  it('covers every card kind', () => {
    const kinds = new Set(cases.map((c) => c.model.kind));
    expect([...kinds].sort()).toEqual(['answer', 'approval', 'assignment', 'closing', 'co_opinion', 'commitment', 'contact', 'coordination', 'extension', 'nudge', 'quality_review', 'reassign', 'reminder', 'review', 'status_board']);
  });

  it('uses exactly the SPEC §5 button labels', () => {
    const spec = ['签收', '申请改办', '同意改办', '不同意改办', '报告进展', '登记沟通', '提交协办意见', '提交答复', '确认属实', '审核通过', '退回修改', '满意', '基本满意', '不满意', '确认承诺', '已完成', '确认完成', '催办', '申请延期', '撤回', '同意延期', '不同意延期', '复核通过', '退回重办', '不属实', '登记协调结果', '提交评审', '评价协办意见', '报告承诺进展'];
    expect(new Set(Object.values(BUTTON_LABELS))).toEqual(new Set(spec));
    const seen = new Set(cases.flatMap((c) => c.buttons));
    expect(seen).toEqual(new Set(spec));
  });

  it('counts days past due in calendar days, with the working days among them when they differ', () => {
    const reminder = (name: string) => {
      const model = cases.find((c) => c.name === name)!.model;
      if (model.kind !== 'reminder') throw new Error(`${name} is not a reminder`);
      return model;
    };
    const text = (model: Parameters<typeof renderCard>[0]) => JSON.stringify(renderCard(model));
    const overdue = reminder('reminder: overdue'); // 2 days, both working days
    expect(text(overdue)).toContain('已逾期 2 天');
    expect(text(overdue)).not.toContain('其中工作日');
    const escalation = reminder('reminder: escalation'); // 5 days to a Saturday: 4 working days
    expect(text(escalation)).toContain('已逾期 5 天（其中工作日 4 天）');
    // A reminder queued by an earlier version has no working-day count: calendar days only.
    const { workingDaysOverdue: _, ...older } = escalation.deadline;
    const olderText = text({ ...escalation, deadline: older });
    expect(olderText).toContain('已逾期 5 天');
    expect(olderText).not.toMatch(/其中工作日|undefined/);
  });

  it('titles the card and colours the header', () => {
    const byName = (name: string) => renderCard(cases.find((c) => c.name === name)!.model);
    expect(byName('assignment: pending sign').header.title).toMatchObject({
      content: '交办通知 · 第0245号',
      i18n_content: { zh_cn: '交办通知 · 第0245号', en_us: 'Assignment notice · No. 0245' },
    });
    expect(byName('status board: overdue, split units').header.template).toBe('red');
    expect(byName('status board: co unit only, nothing recorded yet').header.template).toBe('blue');
    expect(byName('status board: open, lead and co units, all forms').header.template).toBe('yellow');
    expect(byName('reminder: notice').header.template).toBe('blue');
    expect(byName('reminder: warning').header.template).toBe('yellow');
    expect(byName('reminder: escalation2').header.template).toBe('red');
    expect((byName('reminder: escalation2').header.title as Obj).content).toBe('督办通知 · 第0245号');
    expect(byName('status board: open, lead and co units, all forms').config).toMatchObject({ locales: ['zh_cn', 'en_us'] });
  });

  it('turns an earlier copy of a re-posted card into a buttonless notice saying when the current one was posted', () => {
    for (const cardKind of ['assignment', 'reassign', 'status_board', 'contact', 'approval', 'answer', 'commitment'] as const) {
      const card = renderSupersededCard({ kind: 'superseded', suggestion: suggestion({ classified: cardKind === 'contact' }), cardKind, repostedAt: '2026-03-02 09:00' });
      expect(validate(card, 7), cardKind).toEqual({ buttons: [], fields: [] });
      expect(card.header.template).toBe('grey');
    }
    // It keeps the title of the card it was.
    for (const c of cases) {
      if (c.model.kind === 'reminder') continue;
      const superseded = renderSupersededCard({ kind: 'superseded', suggestion: c.model.suggestion, cardKind: c.model.kind, repostedAt: '2026-03-02 09:00' });
      expect(superseded.header.title, c.name).toEqual(renderCard(c.model).header.title);
    }
    const card = renderSupersededCard({ kind: 'superseded', suggestion: suggestion(), cardKind: 'answer', repostedAt: '2026-03-02 09:00' });
    expect(card.header.title).toMatchObject({ content: '答复 · 第0245号', i18n_content: { zh_cn: '答复 · 第0245号', en_us: 'Answer · No. 0245' } });
    expect(JSON.stringify(card)).toContain('最新卡片已于 2026-03-02 09:00 重新发送到本群');
    expect(JSON.stringify(card)).not.toContain(suggestion().body.slice(0, 8));
    expect(card).toMatchSnapshot();
  });

  it('@-mentions the people of the model at the top, and nobody else', () => {
    const card = renderCard({ ...(cases[0]!.model as Extract<CardModel, { kind: 'assignment' }>), mentions: [LIAISON, 'all', LIAISON, 'ou_x"></at><at id=all', HEAD] });
    expect(card.body.elements[0]).toEqual({ tag: 'markdown', content: `<at id=${LIAISON}></at> <at id=${HEAD}></at>` });
    const none = renderCard({ ...(cases[0]!.model as Extract<CardModel, { kind: 'assignment' }>), mentions: [] });
    expect(JSON.stringify(none)).not.toContain('<at ');
  });

  it('shows a classified suggestion by number, title, units and dates only', () => {
    const secret = '这是涉密内容，不得在群内展示';
    const s = suggestion({ classified: true, body: secret });
    const models: CardModel[] = [
      { kind: 'assignment', suggestion: s, assignment: assignment(), signDue: '2026-02-12', answerDue: null, mentions: [] },
      { kind: 'contact', suggestion: s, contact: contact({ note: secret }), mentions: [] },
      {
        kind: 'answer',
        suggestion: s,
        answer: answer({
          status: 'approved',
          summary: secret,
          commitments: [commitment({ content: secret, state: 'proposed' })],
          evaluations: [{ deputyName: '王立群', grade: 'satisfied', comment: secret }],
        }),
        mentions: [],
      },
      { kind: 'commitment', suggestion: s, commitment: commitment({ content: secret, evidence: secret }), mentions: [] },
      { kind: 'closing', suggestion: { ...s, status: 'closed' }, closedOn: '2026-05-20', units: [], commitments: [commitment({ content: secret })] },
    ];
    for (const model of models) {
      const json = JSON.stringify(renderCard(model));
      expect(json).not.toContain(secret);
      expect(json).not.toContain('领衔代表'); // nor the deputies, the category or the body
      expect(json).not.toContain('交通邮电');
      expect(json).toContain('涉密');
      expect(json).toContain('0245');
    }
  });

  it('escapes hostile user text in markdown', () => {
    const hostile = '<at id=all></at> **x** </font> [链接](https://evil.example) # 标题';
    const s = suggestion({ title: hostile, deputies: [{ name: hostile, role: 'lead' }], body: `${hostile}\n- 列表\n1. 序号` });
    const models: CardModel[] = [
      { kind: 'assignment', suggestion: s, assignment: assignment({ unitName: hostile }), signDue: '2026-02-12', answerDue: null, mentions: [] },
      { kind: 'contact', suggestion: s, contact: contact({ note: hostile, recordedByName: hostile }), mentions: [] },
      {
        kind: 'answer',
        suggestion: s,
        answer: answer({
          status: 'approved',
          summary: hostile,
          privateReason: hostile,
          public: false,
          commitments: [commitment({ content: hostile, state: 'proposed' })],
          evaluations: [{ deputyName: hostile, grade: 'unsatisfied', comment: hostile }],
        }),
        mentions: [],
      },
      {
        kind: 'status_board',
        suggestion: s,
        light: 'red',
        assignments: [assignment({ unitName: hostile })],
        contacts: [contact({ unitName: hostile, confirmed: { byName: hostile, at: '2026-03-03' } })],
        commitments: [commitment({ content: hostile })],
        forms: { progress: true, contact: true, opinion: false, answer: true },
        updatedAt: '2026-03-05 09:00',
      },
      { kind: 'reassign', suggestion: s, assignment: assignment(), request: { id: 'r', reason: hostile, requestedByName: hostile, status: 'rejected', decisionNote: hostile }, units: [], mentions: [] },
    ];
    for (const model of models) {
      const card = renderCard(model);
      validate(card, s.version);
      const texts = markdownTexts(card);
      for (const t of texts) {
        expect(t).not.toContain('<at id=all');
        expect(t).not.toContain('**x**');
        expect(t).not.toContain('](https://evil');
        expect(t.split('</font>').length).toBe(t.split('<font ').length);
      }
      const joined = texts.join('\n');
      expect(joined).toContain('&#60;at id=all&#62;&#60;/at&#62;');
      expect(joined).toContain('&#42;&#42;x&#42;&#42;');
      expect(joined).toContain('&#60;/font&#62;');
    }
    // The header is plain_text, which Lark does not parse: the title shows as typed.
    expect(renderCard(models[0]!).header.subtitle).toEqual({ tag: 'plain_text', content: hostile });
  });

  it('escapes line-level markdown in multi-line user text', () => {
    expect(escapeMarkdown('# 标题\n- 列表\n  + 缩进\n1. 序号\n普通 *强调* a_b &amp;')).toBe(
      '&#35; 标题\n&#45; 列表\n&#43; 缩进\n1&#46; 序号\n普通 &#42;强调&#42; a&#95;b &#38;amp;',
    );
  });

  it('stays under 30 KB and 200 elements with very large inputs', () => {
    const long = '办理情况说明'.repeat(834); // 5,004 characters
    const stars = '*'.repeat(5000); // escapes to 5 bytes a character
    const s = suggestion({ body: long, title: '关于'.repeat(150), deputies: Array.from({ length: 40 }, (_, i) => ({ name: `代表${i + 1}`, role: i === 0 ? 'lead' : 'co' })) });
    const many = Array.from({ length: 30 }, (_, i) =>
      commitment({
        id: `cm_${i}`,
        content: `承诺事项${i + 1}：${'完善公交站点无障碍设施'.repeat(10)}`,
        state: (['proposed', 'confirmed', 'done_claimed', 'done'] as const)[i % 4]!,
        overdue: i % 3 === 0,
        evidence: i % 4 === 2 ? '见文件'.repeat(50) : null,
      }),
    );
    const contacts = Array.from({ length: 20 }, (_, i) =>
      contact({ id: `ct_${i}`, note: long, unitName: `市某某委员会第${i + 1}处`, confirmed: i % 2 ? { byName: '王立群', at: '2026-03-03' } : null }),
    );
    const units = Array.from({ length: 12 }, (_, i) =>
      assignment({ id: `as_${i}`, unitName: `市第${i + 1}委员会`.repeat(5), role: i === 0 ? 'lead' : 'co', nextDeadline: { label: { zh_cn: '答复', en_us: 'answer' }, due: '2026-05-11', light: 'red', daysLeft: -3, workingDaysOverdue: 3 } }),
    );
    const bigAnswer = (summary: string) =>
      answer({
        status: 'approved',
        summary,
        public: false,
        privateReason: long,
        commitments: many,
        evaluations: Array.from({ length: 20 }, (_, i) => ({ deputyName: `代表${i}`, grade: 'unsatisfied' as const, comment: long })),
      });
    const models: CardModel[] = [
      { kind: 'assignment', suggestion: s, assignment: assignment(), signDue: '2026-02-12', answerDue: '2026-05-11', mentions: Array.from({ length: 40 }, (_, i) => `ou_${String(i).padStart(32, '0')}`) },
      { kind: 'reassign', suggestion: s, assignment: assignment(), request: { id: 'r', reason: long, requestedByName: '刘芳', status: 'pending', decisionNote: null }, units: Array.from({ length: 120 }, (_, i) => ({ id: `unit_${i}`, name: `市第${i + 1}委员会` })), mentions: [] },
      { kind: 'status_board', suggestion: s, light: 'red', assignments: units, contacts, commitments: many, forms: { progress: true, contact: true, opinion: true, answer: true }, updatedAt: '2026-05-15 09:00' },
      { kind: 'contact', suggestion: s, contact: contact({ note: long }), mentions: [DEPUTY] },
      { kind: 'approval', suggestion: s, answer: { ...bigAnswer(long), status: 'pending_approval' }, mentions: [HEAD] },
      { kind: 'approval', suggestion: s, answer: { ...bigAnswer(stars), status: 'pending_approval' }, mentions: [HEAD] },
      { kind: 'answer', suggestion: s, answer: bigAnswer(long), mentions: [DEPUTY] },
      { kind: 'answer', suggestion: s, answer: bigAnswer(stars), mentions: [DEPUTY] },
      { kind: 'commitment', suggestion: s, commitment: commitment({ content: long, evidence: long, state: 'done_claimed' }), mentions: [] },
      { kind: 'reminder', suggestion: s, level: 'escalation2', deadline: { label: { zh_cn: '答复', en_us: 'answer' }, due: '2026-05-11', daysLeft: -20, workingDaysOverdue: 14, explanation: { zh_cn: long, en_us: long } }, unitName: long, todo: { zh_cn: long, en_us: long }, withProgressButton: true, assignmentId: 'as_1', mentions: [LIAISON] },
    ];
    for (const model of models) {
      const card = renderCard(model);
      validate(card, s.version);
      expect(cardSizeBytes(card)).toBeLessThan(CARD_SIZE_LIMIT);
      expect(countCardElements(card)).toBeLessThanOrEqual(CARD_ELEMENT_LIMIT);
    }
    const board = JSON.stringify(renderCard(models[2]!));
    expect(board).toMatch(/…及其他 \d+ 项/);
    expect(board).toContain('… and');
    const answerCard = JSON.stringify(renderCard(models[6]!));
    expect(answerCard).toMatch(/…及其他 \d+ 项/);
    expect(answerCard).not.toContain(long);
    // All 120 units stay selectable.
    const reassign = renderCard(models[1]!);
    const select = byTag(reassign, 'select_static')[0]!;
    expect((select.options as Obj[]).length).toBe(120);
  });
});
