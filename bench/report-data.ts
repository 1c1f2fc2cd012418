/**
 * A handling year's data written straight into a real SQLite file, for the report bench and for
 * tests that need thousands of suggestions quickly (the command path would take minutes): lead,
 * co and split assignments, re-assignments, returned and re-handled answers, evaluations by lead
 * deputies and co-signers, contacts, co-handler opinions, commitments in every state, and open
 * items that are overdue. Deterministic: every run writes the same rows. Dated for REPORT_DATE.
 */
import { openDatabase } from '../src/runtimes/node/open-database.ts';

/** The moment the seeded year is reported on. */
export const REPORT_DATE = '2024-11-20T02:00:00Z';

/** Real suggestions run to one or two thousand characters, answers to a few hundred. */
const BODY = '针对当前存在的问题，建议进一步完善工作机制，加大投入力度，强化部门协同，切实解决群众急难愁盼问题。'.repeat(30);
const SUMMARY = '经认真研究，已采纳代表建议并制定具体措施，明确责任单位和完成时限，正在抓紧推进落实。'.repeat(5);
const CATEGORIES = ['教科文卫体', '城乡建设与管理', '农林水利', '工业经济', '交通邮电', '财政经济', '民政', '政法'];

/** A small deterministic generator, so every run measures the same data. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const iso = (date: string, hour = 2) => `${date}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export function seedReportData(path: string, count: number): { rows: number } {
  const db = openDatabase(path);
  const sqlite = db.$client;
  const rnd = random(count);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const units = Array.from({ length: 200 }, (_, i) => `u${String(i + 1).padStart(3, '0')}`);
  const deputies = Array.from({ length: 500 }, (_, i) => `d${String(i + 1).padStart(3, '0')}`);
  let rows = 0;
  let n = 0;
  const id = (prefix: string) => `${prefix}_${(++n).toString(36).padStart(8, '0')}`;
  const ins = (sql: string) => {
    const st = sqlite.prepare(sql);
    return (...args: unknown[]) => {
      rows++;
      st.run(...args);
    };
  };
  sqlite.transaction(() => {
    const unit = ins('insert into units (id, name) values (?, ?)');
    const member = ins('insert into unit_members (unit_id, open_id, role) values (?, ?, ?)');
    for (const u of units) {
      unit(u, `承办单位${u.slice(1)}`);
      member(u, `ou_head_${u}`, 'head');
      member(u, `ou_liaison_${u}`, 'liaison');
    }
    const deputy = ins('insert into deputies (id, name, open_id) values (?, ?, ?)');
    for (const d of deputies) deputy(d, `代表${d.slice(1)}`, `ou_deputy_${d}`);

    const suggestion = ins(
      'insert into suggestions (id, session, number, kind, timing, title, body, category, key, classified, assigned_on, status, version, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)',
    );
    const link = ins('insert into suggestion_deputies (suggestion_id, deputy_id, role, position) values (?, ?, ?, ?)');
    const assignment = ins(
      'insert into assignments (id, suggestion_id, unit_id, role, state, assigned_on, round, rehandle_from, signed_at, closed_at, replaces_assignment_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const request = ins(
      "insert into reassignment_requests (id, suggestion_id, assignment_id, reason, requested_by, requested_at, status, decided_by, decided_at, new_unit_id, new_assignment_id) values (?, ?, ?, '不属于本单位职责', ?, ?, 'approved', 'ou_supervisor', ?, ?, ?)",
    );
    const contact = ins('insert into contacts (id, suggestion_id, assignment_id, method, date, note, recorded_by, recorded_at, confirmed_by, confirmed_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const opinion = ins("insert into co_opinions (id, suggestion_id, assignment_id, text, submitted_by, submitted_at) values (?, ?, ?, '同意主办单位意见', ?, ?)");
    const answer = ins(
      'insert into answers (id, suggestion_id, assignment_id, round, result_class, summary, public, private_reason, status, submitted_by, submitted_at, decided_by, decided_at, return_reason) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const commitment = ins(
      'insert into commitments (id, suggestion_id, assignment_id, answer_id, content, due_on, state, confirmed_by, confirmed_at, evidence, claimed_by, claimed_at, done_by, done_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const close = ins("update suggestions set status = 'closed' where id = ?");
    const finish = ins('update assignments set state = ?, round = ?, rehandle_from = ?, closed_at = ? where id = ?');
    const evaluation = ins('insert into evaluations (id, suggestion_id, assignment_id, answer_id, round, deputy_id, grade, comment, evaluated_by, evaluated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');

    for (let i = 0; i < count; i++) {
      const sid = id('sg');
      const interim = rnd() < 0.1;
      const assignedOn = interim ? pick(['2024-04-08', '2024-05-13', '2024-06-03', '2024-07-01']) : '2024-02-05';
      const classified = rnd() < 0.02;
      const leadDeputy = pick(deputies);
      const coDeputy = rnd() < 0.3 ? pick(deputies.filter((d) => d !== leadDeputy).slice(0, 50)) : null;
      const shape = rnd();
      const plan: Array<{ unit: string; role: 'lead' | 'co' | 'split' }> =
        shape < 0.8
          ? [{ unit: pick(units), role: 'lead' }]
          : shape < 0.92
            ? [{ unit: units[i % 100]!, role: 'lead' }, { unit: units[100 + (i % 100)]!, role: 'co' }]
            : [{ unit: units[i % 100]!, role: 'split' }, { unit: units[100 + (i % 100)]!, role: 'split' }];
      let closedAll = true;
      const created = iso(assignedOn, 1);
      suggestion(sid, '市六届人大二次会议', String(i + 1).padStart(5, '0'), i % 50 === 0 ? 'motion' : 'suggestion', interim ? 'interim' : 'session', `关于第${i + 1}号事项的建议`, BODY, pick(CATEGORIES), rnd() < 0.01 ? 1 : 0, classified ? 1 : 0, assignedOn, 'open', created, created);
      link(sid, leadDeputy, 'lead', 0);
      if (coDeputy) link(sid, coDeputy, 'co', 1);
      for (const p of plan) {
        let aid = id('as');
        let unitId = p.unit;
        let from = assignedOn;
        if (rnd() < 0.02) {
          // Re-assigned within the week: the original is withdrawn, a new one replaces it.
          const old = aid;
          aid = id('as');
          const newUnit = units[(units.indexOf(unitId) + 37) % units.length]!;
          const decided = addDays(assignedOn, 2);
          assignment(old, sid, unitId, p.role, 'withdrawn', assignedOn, 1, null, null, iso(decided), null, created);
          request(id('rr'), sid, old, `ou_liaison_${unitId}`, iso(addDays(assignedOn, 1)), iso(decided), newUnit, aid);
          unitId = newUnit;
          from = decided;
        }
        const liaison = `ou_liaison_${unitId}`;
        const head = `ou_head_${unitId}`;
        const fate = rnd();
        const signedAt = fate < 0.005 ? null : iso(addDays(from, rnd() < 0.95 ? 1 : 4));
        if (p.role === 'co') {
          const done = signedAt && rnd() < 0.9;
          assignment(aid, sid, unitId, 'co', done ? 'opinion_submitted' : signedAt ? 'signed' : 'pending_sign', from, 1, null, signedAt, null, null, created);
          if (done) opinion(id('op'), sid, aid, liaison, iso(addDays(from, 20)));
          else closedAll = false;
          continue;
        }
        assignment(aid, sid, unitId, p.role, signedAt ? 'signed' : 'pending_sign', from, 1, null, signedAt, null, null, created);
        if (signedAt && rnd() < 0.6) {
          const f2f = rnd() < 0.65;
          const confirmed = rnd() < 0.9;
          contact(id('ct'), sid, aid, f2f ? 'face_to_face' : 'phone', addDays(from, 15), '听取代表意见', liaison, iso(addDays(from, 15)), confirmed ? `ou_deputy_${leadDeputy}` : null, confirmed ? iso(addDays(from, 16)) : null);
        }
        if (!signedAt || fate < 0.03) {
          closedAll = false;
          continue;
        }
        const late = rnd() < 0.03;
        const answeredOn = addDays(from, late ? 100 : 40 + Math.floor(rnd() * 40));
        const cls = pick(['A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'B', 'C', 'D'] as const);
        const isPublic = !classified && rnd() < 0.85;
        if (rnd() < 0.05) {
          answer(id('an'), sid, aid, 1, 'B', '初稿', 1, null, 'returned', liaison, iso(addDays(answeredOn, -5)), head, iso(addDays(answeredOn, -4)), '请补充措施');
        }
        const a1 = id('an');
        answer(a1, sid, aid, 1, cls, SUMMARY, isPublic ? 1 : 0, isPublic ? null : '涉及个人信息', 'approved', liaison, iso(answeredOn), head, iso(answeredOn, 6), null);
        if (rnd() < 0.06) {
          const c = rnd();
          const due = addDays(answeredOn, c < 0.5 ? 60 : 200);
          const state = c < 0.3 ? 'done' : c < 0.4 ? 'done_claimed' : c < 0.9 ? 'confirmed' : 'proposed';
          const confirmed = state === 'proposed' ? null : iso(addDays(answeredOn, 5));
          commitment(id('cm'), sid, aid, a1, '按期完成整改', due, state, confirmed && `ou_deputy_${leadDeputy}`, confirmed, state.startsWith('done') ? '已完成' : null, state.startsWith('done') ? liaison : null, state.startsWith('done') ? iso(addDays(due, -3)) : null, state === 'done' ? `ou_deputy_${leadDeputy}` : null, state === 'done' ? iso(addDays(due, -1)) : null);
        }
        const waiting = rnd() < 0.03;
        if (waiting) {
          finish('answered', 1, null, null, aid);
          closedAll = false;
          continue;
        }
        const evaluatedOn = addDays(answeredOn, 10);
        if (coDeputy) evaluation(id('ev'), sid, aid, a1, 1, coDeputy, 'satisfied', '', `ou_deputy_${coDeputy}`, iso(evaluatedOn, 3));
        if (rnd() < 0.03) {
          // Re-handled: unsatisfied, then a round-2 answer and its evaluation.
          evaluation(id('ev'), sid, aid, a1, 1, leadDeputy, 'unsatisfied', '措施不具体', `ou_deputy_${leadDeputy}`, iso(evaluatedOn));
          const a2 = id('an');
          const second = addDays(evaluatedOn, 30);
          answer(a2, sid, aid, 2, 'A', SUMMARY, isPublic ? 1 : 0, isPublic ? null : '涉及个人信息', 'approved', liaison, iso(second), head, iso(second, 6), null);
          evaluation(id('ev'), sid, aid, a2, 2, leadDeputy, 'basically_satisfied', '', `ou_deputy_${leadDeputy}`, iso(addDays(second, 7)));
          finish('closed', 2, evaluatedOn, iso(addDays(second, 7)), aid);
        } else {
          evaluation(id('ev'), sid, aid, a1, 1, leadDeputy, rnd() < 0.9 ? 'satisfied' : 'basically_satisfied', '', `ou_deputy_${leadDeputy}`, iso(evaluatedOn));
          finish('closed', 1, null, iso(evaluatedOn), aid);
        }
      }
      if (closedAll) close(sid);
    }
  })();
  sqlite.close();
  return { rows };
}
