/**
 * Every transition of SPEC §3, allowed and refused, through the real dispatch on a real SQLite
 * file: a refusal has a clear message, changes nothing and is audited; an allowed change is saved
 * with its audit entry.
 */
import { describe, expect, it } from 'vitest';
import { DomainError } from '../src/core/errors.ts';
import { auditOfSuggestion } from '../src/adapters/sqlite/audit-store.ts';
import { deputy, sampleWorld, supervisor, unit } from './support/world.ts';

// Suggestion 0001: lead 市交通运输委员会 (jtw), co 市城市管理局 (cgj); deputies d01 (lead), d02, d03.
const jtw = unit('jtw');
const cgj = unit('cgj');
const zjw = unit('zjw');
const d01 = deputy('d01');
const d02 = deputy('d02');
const stranger = 'ou_00000000000000000000000000000000';

describe('sign for (签收)', () => {
  it('the unit liaison signs; a second press, another unit, a deputy and a stranger are refused', async () => {
    const w = await sampleWorld();
    const lead = w.assignment('0001', 'jtw');
    w.expectRefused('0001', zjw.liaison, { type: 'sign', assignmentId: lead.id }, 'forbidden', '仅承办单位联络员或负责人可签收');
    w.expectRefused('0001', d01, { type: 'sign', assignmentId: lead.id }, 'forbidden');
    w.expectRefused('0001', stranger, { type: 'sign', assignmentId: lead.id }, 'forbidden');

    const { aggregate, audit } = w.act(jtw.liaisons[1]!, { type: 'sign', assignmentId: lead.id });
    expect(aggregate.assignments.find((a) => a.id === lead.id)).toMatchObject({ state: 'signed', signedAt: '2026-02-10T01:00:00.000Z' });
    expect(audit).toEqual([expect.objectContaining({ action: 'sign', actorRole: 'liaison', beforeState: 'pending_sign', afterState: 'signed' })]);
    expect(w.assignment('0001', 'jtw').state).toBe('signed');

    w.expectRefused('0001', jtw.liaison, { type: 'sign', assignmentId: lead.id }, 'invalid_state', '当前状态（办理中）不能签收');
  });

  it('the unit head may sign, and a supervisor signs on the unit’s behalf, recorded as such', async () => {
    const w = await sampleWorld();
    w.act(jtw.head, { type: 'sign', assignmentId: w.assignment('0001', 'jtw').id });
    const { audit } = w.act(supervisor, { type: 'sign', assignmentId: w.assignment('0001', 'cgj').id });
    expect(audit[0]!.actorRole).toBe('supervisor_on_behalf');
    const log = auditOfSuggestion(w.db, w.suggestionId('0001'));
    expect(log.filter((e) => e.action === 'sign').map((e) => [e.actor, e.actorRole])).toEqual([
      [jtw.head, 'head'],
      [supervisor, 'supervisor_on_behalf'],
    ]);
  });

  it('an unknown or forged id is refused as not found and audited', async () => {
    const w = await sampleWorld();
    expect(() => w.act(jtw.liaison, { type: 'sign', assignmentId: 'as_forged' })).toThrowError(DomainError);
    try {
      w.act(jtw.liaison, { type: 'sign', assignmentId: 'as_forged' });
    } catch (error) {
      expect((error as DomainError).code).toBe('not_found');
    }
  });
});

describe('re-assignment (申请改办 → 同意改办 / 不同意改办)', () => {
  it('needs a reason; only a supervisor decides; approval withdraws the old and assigns the new unit', async () => {
    const w = await sampleWorld();
    const lead = w.assignment('0001', 'jtw');
    w.expectRefused('0001', jtw.liaison, { type: 'request_reassign', assignmentId: lead.id, reason: '  ' }, 'invalid_input', '理由');
    w.expectRefused('0001', d01, { type: 'request_reassign', assignmentId: lead.id, reason: '不属于本单位职责' }, 'forbidden');
    w.expectRefused('0001', supervisor, { type: 'approve_reassign', assignmentId: lead.id, newUnitId: 'zjw' }, 'invalid_state');

    w.act(jtw.liaison, { type: 'request_reassign', assignmentId: lead.id, reason: '不属于本单位职责' });
    expect(w.aggregate('0001').assignments.find((a) => a.id === lead.id)!.state).toBe('reassign_requested');
    w.expectRefused('0001', jtw.liaison, { type: 'sign', assignmentId: lead.id }, 'invalid_state');
    w.expectRefused('0001', jtw.head, { type: 'approve_reassign', assignmentId: lead.id, newUnitId: 'zjw' }, 'forbidden', '仅督办人员可审批改办');
    w.expectRefused('0001', supervisor, { type: 'approve_reassign', assignmentId: lead.id, newUnitId: 'nope' }, 'invalid_input', '未知的承办单位');
    w.expectRefused('0001', supervisor, { type: 'approve_reassign', assignmentId: lead.id, newUnitId: 'cgj' }, 'conflict', '该单位已承办本建议');
    w.expectRefused('0001', supervisor, { type: 'approve_reassign', assignmentId: lead.id, newUnitId: 'jtw' }, 'invalid_input');

    w.setNow('2026-02-13T02:00:00Z');
    const { aggregate } = w.act(supervisor, { type: 'approve_reassign', assignmentId: lead.id, newUnitId: 'zjw' });
    const old = aggregate.assignments.find((a) => a.id === lead.id)!;
    const replacement = aggregate.assignments.find((a) => a.unitId === 'zjw')!;
    expect(old.state).toBe('withdrawn');
    expect(replacement).toMatchObject({ role: 'lead', state: 'pending_sign', assignedOn: '2026-02-13', replacesAssignmentId: lead.id });
    expect(aggregate.reassignmentRequests).toEqual([expect.objectContaining({ status: 'approved', newUnitId: 'zjw', newAssignmentId: replacement.id })]);
    // The withdrawn unit can no longer act; the new one can.
    w.expectRefused('0001', jtw.liaison, { type: 'sign', assignmentId: lead.id }, 'stale');
    w.act(zjw.liaison, { type: 'sign', assignmentId: replacement.id });
  });

  it('a refusal returns the assignment to the state it was in', async () => {
    const w = await sampleWorld();
    const lead = w.assignment('0001', 'jtw');
    w.act(jtw.liaison, { type: 'sign', assignmentId: lead.id });
    w.act(jtw.liaison, { type: 'request_reassign', assignmentId: lead.id, reason: '职责交叉' });
    w.expectRefused('0001', supervisor, { type: 'reject_reassign', assignmentId: lead.id, reason: '' }, 'invalid_input');
    const { aggregate } = w.act(supervisor, { type: 'reject_reassign', assignmentId: lead.id, reason: '属于本单位职责' });
    expect(aggregate.assignments.find((a) => a.id === lead.id)!.state).toBe('signed');
    expect(aggregate.reassignmentRequests[0]).toMatchObject({ status: 'rejected', decisionReason: '属于本单位职责' });
  });
});

describe('handling: progress, contacts, co-handler opinion', () => {
  it('records progress and contacts only after signing, by the unit; a deputy confirms a contact once', async () => {
    const w = await sampleWorld();
    const lead = w.assignment('0001', 'jtw');
    w.expectRefused('0001', jtw.liaison, { type: 'report_progress', assignmentId: lead.id, text: '已调研' }, 'invalid_state');
    w.act(jtw.liaison, { type: 'sign', assignmentId: lead.id });
    w.expectRefused('0001', d01, { type: 'report_progress', assignmentId: lead.id, text: '已调研' }, 'forbidden');
    w.expectRefused('0001', jtw.liaison, { type: 'report_progress', assignmentId: lead.id, text: '' }, 'invalid_input');
    w.act(jtw.liaison, { type: 'report_progress', assignmentId: lead.id, text: '已赴现场调研' });

    w.expectRefused('0001', jtw.liaison, { type: 'record_contact', assignmentId: lead.id, method: 'face_to_face', date: '2026-02-11', note: '' }, 'invalid_input', '不能晚于今天');
    w.expectRefused('0001', jtw.liaison, { type: 'record_contact', assignmentId: lead.id, method: 'face_to_face', date: '2026-02-30', note: '' }, 'invalid_input', 'YYYY-MM-DD');
    w.expectRefused('0001', jtw.liaison, { type: 'record_contact', assignmentId: lead.id, method: 'face_to_face', date: '1900-01-01', note: '' }, 'invalid_input', '不能早于交办日期');
    w.expectRefused('0001', jtw.liaison, { type: 'report_progress', assignmentId: lead.id, text: '进'.repeat(1001) }, 'invalid_input', '（progress）最多 1000 字，现为 1001 字');
    const { aggregate } = w.act(jtw.liaison, { type: 'record_contact', assignmentId: lead.id, method: 'face_to_face', date: '2026-02-10', note: '当面听取意见' });
    const contact = aggregate.contacts[0]!;
    expect(contact).toMatchObject({ method: 'face_to_face', date: '2026-02-10', confirmedAt: null });
    expect(aggregate.progressReports).toEqual([expect.objectContaining({ text: '已赴现场调研', reportedBy: jtw.liaison })]);

    w.expectRefused('0001', jtw.liaison, { type: 'confirm_contact', contactId: contact.id }, 'forbidden', '仅本建议的代表可确认沟通记录');
    w.expectRefused('0001', deputy('d05'), { type: 'confirm_contact', contactId: contact.id }, 'forbidden');
    w.act(d02, { type: 'confirm_contact', contactId: contact.id });
    w.expectRefused('0001', d01, { type: 'confirm_contact', contactId: contact.id }, 'invalid_state', '已确认');
  });

  it('only the co unit submits an opinion, once, after signing', async () => {
    const w = await sampleWorld();
    const co = w.assignment('0001', 'cgj');
    const lead = w.assignment('0001', 'jtw');
    w.expectRefused('0001', cgj.liaison, { type: 'submit_opinion', assignmentId: co.id, opinion: '同意' }, 'invalid_state', '不能提交协办意见');
    w.act(cgj.liaison, { type: 'sign', assignmentId: co.id });
    w.act(jtw.liaison, { type: 'sign', assignmentId: lead.id });
    w.expectRefused('0001', jtw.liaison, { type: 'submit_opinion', assignmentId: lead.id, opinion: '同意' }, 'invalid_state', '只有协办单位');
    w.expectRefused('0001', jtw.liaison, { type: 'submit_opinion', assignmentId: co.id, opinion: '同意' }, 'forbidden');
    w.act(cgj.head, { type: 'submit_opinion', assignmentId: co.id, opinion: '建议同步优化站点设置' });
    expect(w.assignment('0001', 'cgj').state).toBe('opinion_submitted');
    w.expectRefused('0001', cgj.liaison, { type: 'submit_opinion', assignmentId: co.id, opinion: '再补充' }, 'invalid_state');
  });
});

describe('answer, approval, evaluation, re-handling, commitments', () => {
  async function signedWorld() {
    const w = await sampleWorld();
    const lead = w.assignment('0001', 'jtw');
    const co = w.assignment('0001', 'cgj');
    w.act(jtw.liaison, { type: 'sign', assignmentId: lead.id });
    w.act(cgj.liaison, { type: 'sign', assignmentId: co.id });
    return { w, lead, co };
  }
  const answer = (assignmentId: string, extra: Partial<{ public: boolean; privateReason: string; commitments: Array<{ dueOn: string; content: string }> }> = {}) => ({
    type: 'submit_answer' as const,
    assignmentId,
    resultClass: 'A' as const,
    summary: '已优化 3 条公交线路',
    public: true,
    commitments: [{ dueOn: '2026-06-30', content: '新增两条微循环线路' }],
    ...extra,
  });

  it('validates the answer: lead unit only, reason when not public, no past commitments', async () => {
    const { w, lead, co } = await signedWorld();
    w.expectRefused('0001', cgj.liaison, answer(co.id), 'invalid_state', '协办单位不提交答复');
    w.expectRefused('0001', d01, answer(lead.id), 'forbidden', '仅主办（分办）单位联络员或负责人可提交答复');
    w.expectRefused('0001', jtw.liaison, answer(lead.id, { public: false }), 'invalid_input', '不公开的答复须说明理由');
    w.expectRefused('0001', jtw.liaison, answer(lead.id, { commitments: [{ dueOn: '2026-01-01', content: 'x' }] }), 'invalid_input', '不能早于今天');
    w.expectRefused('0001', jtw.liaison, answer(lead.id, { commitments: [{ dueOn: '9999-12-31', content: 'x' }] }), 'invalid_input', '不能晚于 5 年后');
    w.expectRefused('0001', jtw.liaison, { ...answer(lead.id), summary: ' ' }, 'invalid_input', '答复摘要');
  });

  it('refuses a public answer to a classified suggestion', async () => {
    const w = await sampleWorld();
    const classified = w.report.items.map((i) => w.aggregate(i.number)).find((a) => a.suggestion.classified)!;
    const a = classified.assignments.find((x) => x.role !== 'co')!;
    w.act(supervisor, { type: 'sign', assignmentId: a.id });
    w.expectRefused(classified.suggestion.number, supervisor, answer(a.id), 'invalid_input', '涉密建议的答复不得公开');
  });

  it('the head returns or approves; a deputy evaluates; unsatisfied sends it back once; satisfied closes', async () => {
    const { w, lead, co } = await signedWorld();
    w.act(jtw.liaison, answer(lead.id));
    const first = w.aggregate('0001').answers[0]!;
    expect(w.assignment('0001', 'jtw').state).toBe('answer_pending_approval');

    w.expectRefused('0001', jtw.liaison, { type: 'approve_answer', answerId: first.id }, 'forbidden', '仅承办单位负责人可审核答复');
    w.expectRefused('0001', cgj.head, { type: 'approve_answer', answerId: first.id }, 'forbidden');
    w.expectRefused('0001', jtw.head, { type: 'return_answer', answerId: first.id, reason: '' }, 'invalid_input');
    w.act(jtw.head, { type: 'return_answer', answerId: first.id, reason: '数据需核实' });
    let agg = w.aggregate('0001');
    expect(agg.assignments.find((a) => a.id === lead.id)!.state).toBe('signed');
    expect(agg.commitments.map((c) => c.state)).toEqual(['void']);
    w.expectRefused('0001', jtw.head, { type: 'approve_answer', answerId: first.id }, 'stale', '已审核');

    w.act(jtw.liaison, answer(lead.id));
    const second = w.aggregate('0001').answers.find((a) => a.status === 'pending_approval')!;
    w.expectRefused('0001', d01, { type: 'evaluate', answerId: second.id, grade: 'satisfied' }, 'invalid_state', '尚未审核通过');
    w.act(jtw.head, { type: 'approve_answer', answerId: second.id });
    expect(w.assignment('0001', 'jtw').state).toBe('answered');

    w.expectRefused('0001', jtw.liaison, { type: 'evaluate', answerId: second.id, grade: 'satisfied' }, 'forbidden', '仅本建议的代表可评价答复');
    // A co-signer's evaluation is recorded but does not move the assignment (the lead deputy rates).
    w.act(d02, { type: 'evaluate', answerId: second.id, grade: 'basically_satisfied', comment: '希望加快' });
    expect(w.assignment('0001', 'jtw').state).toBe('answered');
    w.expectRefused('0001', d02, { type: 'evaluate', answerId: second.id, grade: 'satisfied' }, 'conflict', '已评价');

    w.setNow('2026-05-06T02:00:00Z');
    w.act(d01, { type: 'evaluate', answerId: second.id, grade: 'unsatisfied', comment: '未解决根本问题' });
    agg = w.aggregate('0001');
    expect(agg.assignments.find((a) => a.id === lead.id)).toMatchObject({ state: 'rehandling', round: 2, rehandleFrom: '2026-05-06' });
    w.expectRefused('0001', d01, { type: 'evaluate', answerId: second.id, grade: 'satisfied' }, 'conflict');

    w.act(jtw.liaison, answer(lead.id, { commitments: [{ dueOn: '2026-09-30', content: '完成线网优化' }] }));
    const third = w.aggregate('0001').answers.find((a) => a.status === 'pending_approval')!;
    expect(third.round).toBe(2);
    w.act(jtw.head, { type: 'return_answer', answerId: third.id, reason: '补充时间表' });
    expect(w.assignment('0001', 'jtw').state).toBe('rehandling');
    w.act(jtw.liaison, answer(lead.id, { commitments: [{ dueOn: '2026-09-30', content: '完成线网优化' }] }));
    const fourth = w.aggregate('0001').answers.find((a) => a.status === 'pending_approval')!;
    w.act(jtw.head, { type: 'approve_answer', answerId: fourth.id });
    w.expectRefused('0001', d01, { type: 'evaluate', answerId: second.id, grade: 'satisfied' }, 'stale', '已被新的答复取代');
    // The second answer's promise was never confirmed: the re-handled answer replaces it.
    expect(w.aggregate('0001').commitments.map((c) => [c.answerId === second.id ? 'second' : c.answerId === fourth.id ? 'fourth' : 'other', c.state])).toEqual([
      ['other', 'void'],
      ['second', 'void'],
      ['other', 'void'],
      ['fourth', 'proposed'],
    ]);

    // Not closed while the co-handler opinion is missing.
    w.act(d01, { type: 'evaluate', answerId: fourth.id, grade: 'satisfied' });
    agg = w.aggregate('0001');
    expect(agg.assignments.find((a) => a.id === lead.id)!.state).toBe('closed');
    expect(agg.suggestion.status).toBe('open');
    w.act(cgj.liaison, { type: 'submit_opinion', assignmentId: co.id, opinion: '已配合' });
    expect(w.aggregate('0001').suggestion.status).toBe('closed');
    const closedEntry = auditOfSuggestion(w.db, w.suggestionId('0001')).find((e) => e.action === 'suggestion_closed');
    expect(closedEntry).toMatchObject({ beforeState: 'open', afterState: 'closed', outcome: 'ok' });
  });

  it('a second unsatisfied closes as closed_unsatisfied and flags escalation', async () => {
    const { w, lead } = await signedWorld();
    for (const round of [1, 2]) {
      w.act(jtw.liaison, answer(lead.id, { commitments: [] }));
      const pending = w.aggregate('0001').answers.find((a) => a.status === 'pending_approval')!;
      expect(pending.round).toBe(round);
      w.act(jtw.head, { type: 'approve_answer', answerId: pending.id });
      const { audit } = w.act(d01, { type: 'evaluate', answerId: pending.id, grade: 'unsatisfied' });
      expect((audit[0]!.details as { escalate: boolean }).escalate).toBe(round === 2);
    }
    expect(w.assignment('0001', 'jtw').state).toBe('closed_unsatisfied');
  });

  it('commitments: the deputy confirms, the unit claims done with evidence, a deputy or supervisor confirms done', async () => {
    const { w, lead } = await signedWorld();
    w.act(jtw.liaison, answer(lead.id));
    const ans = w.aggregate('0001').answers[0]!;
    w.expectRefused('0001', d01, { type: 'confirm_commitments', answerId: ans.id }, 'invalid_state', '尚未审核通过');
    w.act(jtw.head, { type: 'approve_answer', answerId: ans.id });
    const commitment = w.aggregate('0001').commitments[0]!;
    w.expectRefused('0001', jtw.liaison, { type: 'claim_commitment_done', commitmentId: commitment.id, evidence: '已开通' }, 'invalid_state', '待代表确认');
    w.expectRefused('0001', jtw.liaison, { type: 'confirm_commitments', answerId: ans.id }, 'forbidden', '仅本建议的代表可确认承诺');
    w.act(d01, { type: 'confirm_commitments', answerId: ans.id });
    w.expectRefused('0001', d01, { type: 'confirm_commitments', answerId: ans.id }, 'invalid_state', '没有待确认');
    w.expectRefused('0001', d01, { type: 'claim_commitment_done', commitmentId: commitment.id, evidence: '已开通' }, 'forbidden');
    w.expectRefused('0001', jtw.liaison, { type: 'claim_commitment_done', commitmentId: commitment.id, evidence: '' }, 'invalid_input');
    w.expectRefused('0001', jtw.liaison, { type: 'confirm_commitment_done', commitmentId: commitment.id }, 'forbidden');
    w.act(jtw.liaison, { type: 'claim_commitment_done', commitmentId: commitment.id, evidence: '两条线路已于 6 月开通' });
    w.expectRefused('0001', jtw.liaison, { type: 'confirm_commitment_done', commitmentId: commitment.id }, 'forbidden', '仅本建议的代表或督办人员可确认完成');
    w.act(supervisor, { type: 'confirm_commitment_done', commitmentId: commitment.id });
    expect(w.aggregate('0001').commitments[0]).toMatchObject({ state: 'done', evidence: '两条线路已于 6 月开通', doneBy: supervisor });
    w.expectRefused('0001', d01, { type: 'confirm_commitment_done', commitmentId: commitment.id }, 'invalid_state');
  });
});

describe('split handling (分办) and withdrawal', () => {
  it('a split suggestion closes only when every split unit is closed', async () => {
    const w = await sampleWorld();
    // 0006: split between sthjj and slj, lead deputy d10.
    const agg = w.aggregate('0006');
    expect(agg.assignments.map((a) => [a.unitId, a.role])).toEqual([
      ['sthjj', 'split'],
      ['slj', 'split'],
    ]);
    for (const a of agg.assignments) {
      const u = unit(a.unitId);
      w.act(u.liaison, { type: 'sign', assignmentId: a.id });
      w.act(u.liaison, { type: 'submit_answer', assignmentId: a.id, resultClass: 'B', summary: '分别答复', public: true, commitments: [] });
      const pending = w.aggregate('0006').answers.find((x) => x.assignmentId === a.id)!;
      w.act(u.head, { type: 'approve_answer', answerId: pending.id });
      w.act(deputy('d10'), { type: 'evaluate', answerId: pending.id, grade: 'satisfied' });
      expect(w.aggregate('0006').suggestion.status).toBe(a.unitId === 'slj' ? 'closed' : 'open');
    }
  });

  it('a supervisor withdraws a suggestion; after that nothing can be done on it', async () => {
    const w = await sampleWorld();
    const lead = w.assignment('0002', 'zjw');
    w.expectRefused('0002', zjw.head, { type: 'withdraw_suggestion', suggestionId: w.suggestionId('0002'), reason: '代表书面撤回' }, 'forbidden');
    w.act(supervisor, { type: 'withdraw_suggestion', suggestionId: w.suggestionId('0002'), reason: '代表书面撤回' }, 'card');
    expect(() => w.act(zjw.liaison, { type: 'sign', assignmentId: lead.id })).toThrowError(/withdrawn/);
    const agg = w.aggregate('0002');
    expect(agg.suggestion.status).toBe('withdrawn');
    expect(agg.assignments.every((a) => a.state === 'withdrawn')).toBe(true);
  });
});
