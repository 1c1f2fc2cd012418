/**
 * The admin API of SPEC §7 over real HTTP: bearer auth, validation errors in the SPEC shape,
 * idempotent directory and suggestion loads, the list filters and the detail with its timeline.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../src/app/dispatch.ts';
import { directory, fixturePath, unit } from './support/world.ts';
import { ADMIN_TOKEN, startTestServer } from './support/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const suggestion = (number: string, extra: Record<string, unknown> = {}) => ({
  session: '市六届人大二次会议',
  number,
  kind: 'suggestion',
  timing: 'session',
  title: `关于第 ${number} 号事项的建议`,
  body: '建议内容',
  category: '交通邮电',
  lead_deputy: 'd01',
  co_deputies: ['d02', 'd03'],
  lead_unit: 'jtw',
  co_units: ['cgj'],
  assigned_on: '2026-02-10',
  key: false,
  classified: false,
  ...extra,
});

describe('admin API', () => {
  let t: TestServer;
  /** One page of the list (SPEC §7: `{ items, next_cursor }`), as `{ status, body: items }`. */
  const listed = async (path: string) => {
    const res = await t.json('GET', path);
    return { status: res.status, body: res.status === 200 ? res.body.items : res.body };
  };
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('GET /healthz answers without a token', async () => {
    const res = await fetch(`${t.server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, version: '0.1.0', db: 'ok', lark: { mode: 'webhook' } });
  });

  it('refuses a missing or wrong bearer token with the SPEC error shape', async () => {
    const none = await fetch(`${t.server.url}/api/suggestions`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('Missing bearer token') } });
    const wrong = await t.request('GET', '/api/suggestions', undefined, { authorization: `Bearer ${ADMIN_TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as any).error.code).toBe('unauthorized');
    const basic = await t.request('GET', '/api/suggestions', undefined, { authorization: `Basic ${ADMIN_TOKEN}` });
    expect(basic.status).toBe(401);
  });

  it('PUT /api/directory validates, loads, and is idempotent', async () => {
    const bad = await t.json('PUT', '/api/directory', { units: [{ id: 'jtw', name: '交通', head: 'not-an-open-id', liaisons: [] }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_directory');
    expect(bad.body.error.details).toEqual(expect.arrayContaining([expect.stringMatching(/^units\.0\.head: /), expect.stringMatching(/^units\.0\.liaisons: /)]));

    const malformed = await t.json('PUT', '/api/directory', '{"units": [');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');

    const first = await t.json('PUT', '/api/directory', directory);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      units: { created: 12, updated: 0, unchanged: 0 },
      deputies: { created: 20, updated: 0, unchanged: 0 },
      leaders: { created: 0, updated: 0, unchanged: 0 },
      supervisors: { total: 3, added: 3, removed: 0 },
      groupsChanged: 0,
    });
    const again = await t.json('PUT', '/api/directory', directory);
    expect(again.body).toEqual({
      units: { created: 0, updated: 0, unchanged: 12 },
      deputies: { created: 0, updated: 0, unchanged: 20 },
      leaders: { created: 0, updated: 0, unchanged: 0 },
      supervisors: { total: 3, added: 0, removed: 0 },
      groupsChanged: 0,
    });
  });

  it('POST /api/suggestions imports one object or an array, idempotently, and reports rejects with reasons', async () => {
    const one = await t.json('POST', '/api/suggestions', suggestion('9001'));
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ total: 1, created: 1, updated: 0, unchanged: 0, rejected: [] });
    const id = one.body.items[0].id;
    expect(id).toMatch(/^sg_/);

    const again = await t.json('POST', '/api/suggestions', suggestion('9001'));
    expect(again.body).toMatchObject({ created: 0, unchanged: 1 });
    expect(again.body.items[0].id).toBe(id);

    const mixed = await t.json('POST', '/api/suggestions', [
      suggestion('9002', { kind: '议案', timing: '闭会' }),
      suggestion('9003', { title: '' }),
      suggestion('9004', { lead_unit: 'nope' }),
      suggestion('9005', { split_units: ['jw', 'wjw'] }),
      suggestion('9001', { title: '新标题' }),
      'not an object',
    ]);
    expect(mixed.status).toBe(200);
    expect(mixed.body).toMatchObject({ total: 6, created: 1, updated: 1, unchanged: 0 });
    expect(mixed.body.rejected).toEqual([
      { row: 2, number: '9003', reason: expect.stringContaining('缺少标题') },
      { row: 3, number: '9004', reason: expect.stringContaining('未知的承办单位：nope') },
      { row: 4, number: '9005', reason: expect.stringContaining('主办单位与分办单位不能同时填写') },
      { row: 6, reason: expect.stringContaining('对象') },
    ]);
    const created = await t.json('GET', `/api/suggestions/${mixed.body.items[0].id}`);
    expect(created.body).toMatchObject({ number: '9002', kind: 'motion', timing: 'interim' });
    expect((await t.json('GET', `/api/suggestions/${id}`)).body.title).toBe('新标题');

    const allBad = await t.json('POST', '/api/suggestions', [suggestion('9006', { lead_unit: 'nope' })]);
    expect(allBad.status).toBe(422);
    expect(allBad.body.error).toMatchObject({ code: 'all_rejected', details: { rejected: [{ row: 1, number: '9006' }] } });

    const malformed = await t.json('POST', '/api/suggestions', '[{"number": "1"');
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
  });

  it('GET /api/suggestions filters by status, unit, category and overdue, and rejects bad filters', async () => {
    const csvRows = readFileSync(fixturePath('suggestions.csv'), 'utf8').trim().split('\n').length - 1;
    // Import the sample suggestions too, through the API (Chinese headers are accepted as keys).
    const lines = readFileSync(fixturePath('suggestions.csv'), 'utf8').trim().split('\n');
    const header = lines[0]!.split(',');
    const items = lines.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i]!, v])));
    const imported = await t.json('POST', '/api/suggestions', items);
    expect(imported.body.created).toBe(csvRows);

    const all = await listed('/api/suggestions');
    expect(all.body).toHaveLength(csvRows + 2); // 9001 and 9002 from the test above
    const byUnit = await listed('/api/suggestions?unit=jtw');
    expect(byUnit.body.length).toBeGreaterThan(0);
    expect(byUnit.body.every((s: any) => s.assignments.some((a: any) => a.unitId === 'jtw'))).toBe(true);
    expect(byUnit.body.length).toBeLessThan(all.body.length);
    const byCategory = await listed(`/api/suggestions?category=${encodeURIComponent('交通邮电')}`);
    expect(byCategory.body.length).toBeGreaterThan(0);
    expect(byCategory.body.every((s: any) => s.category === '交通邮电')).toBe(true);

    // On 2026-02-10 nothing is overdue; on 2026-02-13 the unsigned items of 02-10 are (sign-for: 2 working days).
    expect((await listed('/api/suggestions?overdue=true')).body).toHaveLength(0);
    t.setNow('2026-02-13T02:00:00Z');
    const overdue = await listed('/api/suggestions?overdue=true');
    expect(overdue.body.length).toBe(all.body.filter((s: any) => s.assignedOn === '2026-02-10').length);
    expect(overdue.body[0]).toMatchObject({ overdue: true, light: 'red', nextDeadline: { kind: 'sign', due: '2026-02-12', overdue: true } });

    // Signing 0001 by both units moves it out of "pending_sign" and out of the overdue list.
    const s0001 = overdue.body.find((s: any) => s.number === '0001');
    for (const a of s0001.assignments) {
      dispatch({ db: t.runtime.db, clock: t.runtime.clock, timeZone: 'Asia/Shanghai' }, { actor: unit(a.unitId).liaison, command: { type: 'sign', assignmentId: a.id }, source: 'card' });
    }
    const stillOverdue = await listed('/api/suggestions?overdue=true');
    expect(stillOverdue.body.map((s: any) => s.number)).not.toContain('0001');
    const pending = await listed('/api/suggestions?status=pending_sign');
    expect(pending.body.map((s: any) => s.number)).not.toContain('0001');
    expect((await listed('/api/suggestions?status=signed')).body.map((s: any) => s.number)).toContain('0001');
    expect((await listed('/api/suggestions?status=open')).body).toHaveLength(all.body.length);

    const badStatus = await t.json('GET', '/api/suggestions?status=lost');
    expect(badStatus).toMatchObject({ status: 400, body: { error: { code: 'invalid_input', message: expect.stringContaining('Unknown status "lost"') } } });
    const badOverdue = await t.json('GET', '/api/suggestions?overdue=yes');
    expect(badOverdue).toMatchObject({ status: 400, body: { error: { code: 'invalid_query', details: [expect.stringContaining('overdue')] } } });
    const unknownParam = await t.json('GET', '/api/suggestions?colour=red');
    expect(unknownParam.status).toBe(400);
  });

  it('GET /api/suggestions/:id shows assignments, deadlines and the timeline; an unknown id is a 404', async () => {
    const list = await listed('/api/suggestions?unit=jtw');
    const s0001 = list.body.find((s: any) => s.number === '0001');
    const detail = await t.json('GET', `/api/suggestions/${s0001.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      number: '0001',
      key: true,
      keyLeader: '常务副市长 陈建华',
      deputies: [
        { id: 'd01', role: 'lead' },
        { id: 'd02', role: 'co' },
        { id: 'd03', role: 'co' },
      ],
    });
    expect(detail.body.assignments.map((a: any) => [a.unitId, a.role, a.state])).toEqual([
      ['jtw', 'lead', 'signed'],
      ['cgj', 'co', 'signed'],
    ]);
    const answer = detail.body.deadlines.find((d: any) => d.kind === 'answer');
    // 3 months from 2026-02-10 is 2026-05-10, a Sunday: the deadline moves to Monday 2026-05-11.
    expect(answer).toMatchObject({ due: '2026-05-11', overdue: false, usesFallbackCalendar: false });
    expect(answer.explanation.zh_cn).toContain('2026-05-11');
    expect(detail.body.timeline.map((e: any) => e.action)).toEqual(['import_created', 'sign', 'sign']);

    const missing = await t.json('GET', '/api/suggestions/sg_nope');
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const noRoute = await t.json('GET', '/api/nothing-here');
    expect(noRoute).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('refuses a body over the size limit with 413', async () => {
    const huge = JSON.stringify([{ title: 'x'.repeat(21 * 1024 * 1024) }]);
    const res = await t.request('POST', '/api/suggestions', huge);
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.code).toBe('payload_too_large');
  });
});

describe('admin API without ADMIN_TOKEN', () => {
  it('is disabled, and says how to enable it', async () => {
    const t = await startTestServer({ ADMIN_TOKEN: '' });
    try {
      const res = await t.json('GET', '/api/suggestions');
      expect(res).toMatchObject({ status: 403, body: { error: { code: 'admin_api_disabled', message: expect.stringContaining('ADMIN_TOKEN') } } });
      expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('admin API: sweep and extension', () => {
  it('POST /api/sweep lists with dry_run and sends without it, once; bad parameters are 400', async () => {
    const t = await startTestServer({}, '2026-02-12T01:00:00Z');
    try {
      await t.json('PUT', '/api/directory', directory);
      const csv = readFileSync(fixturePath('suggestions.csv'), 'utf8').trim().split('\n');
      const header = csv[0]!.split(',');
      await t.json('POST', '/api/suggestions', csv.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i]!, v]))));

      const dry = await t.json('POST', '/api/sweep?now=2026-02-24T09:00:00%2B08:00&dry_run=true');
      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({ today: '2026-02-24', workingDay: true, dryRun: true });
      const escalations = dry.body.reminders.filter((r: any) => r.level === 'escalation');
      expect(escalations.length).toBeGreaterThan(0);
      expect(escalations[0]).toMatchObject({ kind: 'sign', dueOn: '2026-02-12', workingDaysOverdue: 3, urgent: { channel: 'app' }, toSupervisors: true });
      expect(escalations[0].why.zh_cn).toBe('【督办】签收期限 2026-02-12，已逾期 3 个工作日');

      const sent = await t.json('POST', '/api/sweep?now=2026-02-24T09:00:00%2B08:00');
      expect(sent.body.reminders).toHaveLength(dry.body.reminders.length);
      const again = await t.json('POST', '/api/sweep?now=2026-02-24T10:00:00%2B08:00');
      expect(again.body.reminders).toHaveLength(0);
      const holiday = await t.json('POST', '/api/sweep?now=2026-02-18T09:00:00%2B08:00&dry_run=true');
      expect(holiday.body).toMatchObject({ workingDay: false, reminders: [] });

      expect((await t.json('POST', '/api/sweep?now=tomorrow')).status).toBe(400);
      expect((await t.json('POST', '/api/sweep?dry_run=maybe')).status).toBe(400);
    } finally {
      await t.close();
    }
  });

  it('POST /api/assignments/:id/extend: a supervisor extends once, within 6 months; others are refused', async () => {
    const t = await startTestServer({}, '2026-03-02T01:00:00Z');
    try {
      await t.json('PUT', '/api/directory', directory);
      const created = await t.json('POST', '/api/suggestions', suggestion('9101'));
      const detail = await t.json('GET', `/api/suggestions/${created.body.items[0].id}`);
      const lead = detail.body.assignments.find((a: any) => a.role === 'lead');
      const extend = (body: unknown) => t.json('POST', `/api/assignments/${lead.id}/extend`, body);

      const byLiaison = await extend({ by: unit('jtw').liaison, until: '2026-06-30', reason: '涉及多部门' });
      expect(byLiaison).toMatchObject({ status: 403, body: { error: { code: 'forbidden', details: { zh_cn: '仅督办人员可批准延期答复' } } } });
      const tooLate = await extend({ by: directory.supervisors[0], until: '2026-09-01', reason: '涉及多部门' });
      expect(tooLate).toMatchObject({ status: 400, body: { error: { code: 'invalid_input' } } });
      expect(tooLate.body.error.details.zh_cn).toContain('2026-08-10');
      const noReason = await extend({ by: directory.supervisors[0], until: '2026-06-30', reason: '' });
      expect(noReason.status).toBe(400);

      const ok = await extend({ by: directory.supervisors[0], until: '2026-06-30', reason: '涉及多部门，需会商' });
      expect(ok).toMatchObject({ status: 200, body: { answerDueExtendedTo: '2026-06-30' } });
      const after = await t.json('GET', `/api/suggestions/${created.body.items[0].id}`);
      expect(after.body.deadlines.find((d: any) => d.kind === 'answer')).toMatchObject({ due: '2026-06-30' });
      expect(after.body.timeline.map((e: any) => e.action)).toContain('extend_answer_deadline');
      const twice = await extend({ by: directory.supervisors[0], until: '2026-07-31', reason: '再延' });
      expect(twice).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    } finally {
      await t.close();
    }
  });
});
