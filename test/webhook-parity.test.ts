/**
 * Bad input, wrong presses and redeliveries, held to the same expectations on whichever runtime
 * the test project runs (DUBAN_E2E_RUNTIME: Node in the `node` project, the Worker under
 * `wrangler dev` in the `workers` project): the same HTTP errors, the same toasts, and nothing
 * changed that a person in the group or the operator could see. Everything is observed as they
 * would: through the sandbox's groups and the admin API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, e2eRuntime, startLarkWorld, type LarkWorld } from './support/lark-world.ts';
import { ALREADY_HANDLED, NOT_THIS_GROUP, SIGN_FORBIDDEN, SIGNED, UNRECOGNISED, assignmentCard, buttonValue, importSuggestion, suggestionInput } from './support/webhook-helpers.ts';
import { REAL_TEXT, expectRefusedBoth, realEvents, refusalCases, type RealEvents } from './support/webhook-refusals.ts';
import { deputy, unit } from './support/world.ts';

const jtw = unit('jtw');
const cgj = unit('cgj');
const zjw = unit('zjw');
const d01 = deputy('d01');
const d02 = deputy('d02');

let w: LarkWorld;
beforeAll(async () => {
  w = await startLarkWorld();
  await w.loadDirectory();
});
afterAll(() => w?.close());

/** What a refused request must leave alone: the suggestions as the admin API shows them, the outbox, and the groups. */
async function seen(suggestionIds: string[]) {
  await w.drain();
  const details = await Promise.all(suggestionIds.map((id) => w.api('GET', `/api/suggestions/${id}`)));
  const outbox = await w.api('GET', '/api/outbox');
  const groups = details.map((d) => w.sandbox.fake.messagesIn(d.body.chatId).map((m) => ({ id: m.messageId, content: m.content })));
  return { details: details.map((d) => d.body), outbox: outbox.body.length, groups };
}

const stateOf = async (suggestionId: string, assignmentId: string) =>
  ((await w.api('GET', `/api/suggestions/${suggestionId}`)).body.assignments as Array<{ id: string; state: string }>).find((a) => a.id === assignmentId)?.state;

const messagesOf = async (suggestionId: string, messageId: string) =>
  ((await w.api('GET', `/api/suggestions/${suggestionId}`)).body.timeline as Array<{ type: string; messageId?: string }>).filter((e) => e.type === 'message' && e.messageId === messageId);

describe(`on ${e2eRuntime()}: tampered and malformed deliveries are refused with the same errors and change nothing`, () => {
  let real: Awaited<ReturnType<typeof realEvents>>;
  let events: RealEvents;
  let before: Awaited<ReturnType<typeof seen>>;
  const cases = refusalCases(() => ({ w, events }));

  beforeAll(async () => {
    real = await realEvents(w, '0201');
    events = real.events;
    before = await seen([real.suggestion.id]);
  });

  it.each(cases)('%s: %i %s', async (_name, status, code, send) => {
    await expectRefusedBoth(send, status, code);
    expect(await seen([real.suggestion.id])).toEqual(before);
  });

  it('the same message and press, delivered untampered, are stored and sign for the assignment', async () => {
    expect(await stateOf(real.suggestion.id, real.assignmentId)).toBe('pending_sign');
    const said = await w.sandbox.events.redeliver(events.message().eventId);
    expect(said.status, said.rawBody).toBe(200);
    expect(await messagesOf(real.suggestion.id, events.message().messageId)).toEqual([expect.objectContaining({ sender: d02, senderType: 'user', text: REAL_TEXT })]);

    const pressed = await w.sandbox.events.redeliver(events.press().eventId);
    expect(pressed.status).toBe(200);
    expect(pressed.body).toMatchObject({ toast: { type: 'success', content: SIGNED } });
    expect(await stateOf(real.suggestion.id, real.assignmentId)).toBe('signed');
  });
});

describe(`on ${e2eRuntime()}: presses by the wrong person and forged card values answer the same toasts and change nothing`, () => {
  let a: { id: string; chatId: string };
  let b: { id: string; chatId: string };
  let leadA: { assignmentId: string; messageId: string };
  let leadB: { assignmentId: string; messageId: string };

  beforeAll(async () => {
    a = await importSuggestion(w, '0401');
    b = await importSuggestion(w, '0402', { lead_deputy: 'd03', co_deputies: [], co_units: ['zjw'] });
    leadA = assignmentCard(w, a.id, 'jtw');
    leadB = assignmentCard(w, b.id, 'jtw');
  });

  const pressValue = (chatId: string, messageId: string, operatorOpenId: string, value: Record<string, unknown>) =>
    w.sandbox.events.pressButton({ chatId, messageId, operatorOpenId, value });

  /** Presses, expects the toast, and that nothing anyone can see changed. */
  async function expectRefused(pressing: () => Promise<{ status: number; toast?: { type?: string; content?: string } | undefined }>, toast: { type: string; content: string }) {
    const before = await seen([a.id, b.id]);
    const result = await pressing();
    expect(result.status).toBe(200);
    expect(result.toast).toMatchObject(toast);
    expect(await seen([a.id, b.id])).toEqual(before);
  }

  it.each([
    ['a deputy', d01],
    ["the co unit's liaison", cgj.liaison],
    ['the liaison of a unit not on the suggestion', zjw.liaison],
  ])('签收 pressed by %s: “仅承办单位联络员或负责人可签收”', async (_who, operator) => {
    await expectRefused(() => w.press(leadA.messageId, '签收', operator), { type: 'error', content: SIGN_FORBIDDEN });
    expect(await stateOf(a.id, leadA.assignmentId)).toBe('pending_sign');
  });

  it.each<[string, (assignmentId: string, v: unknown) => Record<string, unknown>]>([
    ['an id that is not one of ours', () => ({ a: 'sign', id: 'x' })],
    ['an action that does not exist', (id, v) => ({ a: 'drop_tables', id, v })],
    ['a version that is not a number', (id) => ({ a: 'sign', id, v: '0; drop table assignments' })],
  ])('a value with %s: “无法识别的按钮”', async (_name, forge) => {
    const value = forge(leadA.assignmentId, buttonValue(w, leadA.messageId, '签收').v);
    await expectRefused(() => pressValue(a.chatId, leadA.messageId, jtw.liaison, value), { type: 'warning', content: UNRECOGNISED });
  });

  it("A's 签收 pressed from B's group: “这张卡片不属于本群”; from A's group it signs", async () => {
    const value = buttonValue(w, leadA.messageId, '签收');
    await expectRefused(() => pressValue(b.chatId, leadB.messageId, jtw.liaison, value), { type: 'error', content: NOT_THIS_GROUP });
    const own = await pressValue(a.chatId, leadA.messageId, jtw.liaison, value);
    expect(own.toast).toMatchObject({ type: 'success', content: SIGNED });
    expect([await stateOf(a.id, leadA.assignmentId), await stateOf(b.id, leadB.assignmentId)]).toEqual(['signed', 'pending_sign']);
  });
});

describe(`on ${e2eRuntime()}: a redelivered event has its effect once`, () => {
  let s: { id: string; chatId: string };
  beforeAll(async () => {
    s = await importSuggestion(w, '0301');
  });
  const boards = () => w.cardsOfKind(s.id, 'status_board').length;

  it('/status delivered again (same event_id), and under a new event_id: stored once, one board posted', async () => {
    const boardsBefore = boards();
    const said = await w.sandbox.events.sendMessageEvent({ chatId: s.chatId, senderOpenId: d02, text: '/status' });
    expect(said.status).toBe(200);
    expect((await w.sandbox.events.redeliver(said.eventId)).status).toBe(200);
    expect((await w.sandbox.events.resendAsNewEvent(said.eventId)).status).toBe(200);
    await w.drain();
    expect(await messagesOf(s.id, said.messageId)).toHaveLength(1);
    expect(boards()).toBe(boardsBefore + 1);
  });

  it('签收 delivered again: signs once, one board update, and answers “该操作已处理”', async () => {
    const { assignmentId, messageId } = assignmentCard(w, s.id, 'jtw');
    const board = w.cardsOfKind(s.id, 'status_board')[0]!;
    const boardPatches = () => w.outboxRows().filter((r) => r.kind === 'patch_card' && r.payload.cardMessageId === board.id).length;
    const signs = async () => ((await w.api('GET', `/api/suggestions/${s.id}`)).body.timeline as Array<{ action?: string; subjectId?: string }>).filter((e) => e.action === 'sign' && e.subjectId === assignmentId).length;
    const patchesBefore = boardPatches();

    const first = await w.press(messageId, '签收', jtw.liaison);
    expect(first.toast).toMatchObject({ type: 'success', content: SIGNED });
    await w.drain();
    const afterFirst = await seen([s.id]);
    expect(boardPatches()).toBe(patchesBefore + 1);

    const second = await w.sandbox.events.redeliver(first.eventId);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ toast: { type: 'info', content: ALREADY_HANDLED } });
    expect(await seen([s.id])).toEqual(afterFirst);
    expect(boardPatches()).toBe(patchesBefore + 1);
    expect(await signs()).toBe(1);
    expect(await stateOf(s.id, assignmentId)).toBe('signed');
  });
});

describe(`on ${e2eRuntime()}: the admin API answers bad requests with the same errors`, () => {
  const raw = (path: string, init: RequestInit = {}) => fetch(`${w.url}${path}`, init).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));
  const post = (token: string, body: string) => raw('/api/suggestions', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });

  it.each<[string, () => Promise<{ status: number; body: any }>, number, string]>([
    ['no bearer token', () => raw('/api/suggestions'), 401, 'unauthorized'],
    ['a wrong bearer token', () => raw('/api/suggestions', { headers: { authorization: 'Bearer not-the-admin-token-0123' } }), 401, 'unauthorized'],
    ['a body that is not JSON', () => post(ADMIN_TOKEN, '{"number": '), 400, 'invalid_json'],
    ['every suggestion rejected', () => w.api('POST', '/api/suggestions', [suggestionInput('9001', { lead_unit: 'no-such-unit' })]), 422, 'all_rejected'],
    ['an unknown suggestion', () => w.api('GET', '/api/suggestions/s_nope'), 404, 'not_found'],
    ['a bad filter', () => w.api('GET', '/api/suggestions?overdue=maybe'), 400, 'invalid_query'],
    ['a retry of a row that is not failed', () => w.api('POST', '/api/outbox/o_nope/retry'), 404, 'not_found'],
    ['an unknown route', () => w.api('GET', '/api/nothing-here'), 404, 'not_found'],
    ['a body over 20 MB', () => post(ADMIN_TOKEN, `[${'"x",'.repeat(5_300_000)}"x"]`), 413, 'payload_too_large'],
  ])('%s: %i %s', async (_name, request, status, code) => {
    const res = await request();
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it('/healthz answers ok with the version and the database', async () => {
    expect(await raw('/healthz')).toMatchObject({ status: 200, body: { ok: true, version: expect.any(String), db: 'ok' } });
  });
});
