/**
 * `POST /lark/events` as Lark and its users exercise it (SPEC §5–§6, API.md §1–§3): the real
 * server, outbox and sandbox; events encrypted and signed by the sandbox's event sender, or
 * tampered with. Every refusal is checked to change nothing, and every tampered request is shown
 * to have had an effect when sent untampered.
 */
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HELP_TEXT } from '../src/app/group-messages.ts';
import { larkWebhook, type LarkEnvelope } from '../src/transports/lark/webhook.ts';
import { createEventSender } from '../src/sandbox/event-sender.ts';
import { startNodeLarkWorld } from './support/lark-world.ts';
import { REAL_TEXT, expectRefusedBoth, realEvents, refusalCases, type RealEvents } from './support/webhook-refusals.ts';
import {
  ALREADY_HANDLED,
  NOT_THIS_GROUP,
  SIGNED,
  UNRECOGNISED,
  assignmentCard,
  auditRows,
  buttonValue,
  errorCode,
  importSuggestion,
  labelsOf,
  patchesOf,
  sealed,
  stateOf,
  storedMessages,
  tableCounts,
  visibleState,
  type NodeLarkWorld as LarkWorld,
} from './support/webhook-helpers.ts';
import { deputy, supervisor, unit } from './support/world.ts';

const jtw = unit('jtw');
const cgj = unit('cgj');
const zjw = unit('zjw');
const d01 = deputy('d01');
const d02 = deputy('d02');


async function openWorld(): Promise<LarkWorld> {
  const w = await startNodeLarkWorld();
  await w.loadDirectory();
  return w;
}

/** Presses and checks the press was refused with `content`, changed nothing, and was audited. */
async function expectRefusedPress<R extends { status: number; toast?: { type?: string; content?: string } | undefined }>(
  w: LarkWorld,
  pressing: () => Promise<R>,
  expected: { type: 'error' | 'warning'; content: string; action: string; actor: string },
) {
  const before = visibleState(w);
  const auditBefore = auditRows(w).length;
  const result = await pressing();
  expect(result.status).toBe(200);
  expect(result.toast).toMatchObject({ type: expected.type, content: expected.content });
  await w.drain();
  expect(visibleState(w)).toEqual(before);
  const audit = auditRows(w);
  expect(audit).toHaveLength(auditBefore + 1);
  expect(audit.at(-1)).toMatchObject({ outcome: 'refused', source: 'card', action: expected.action, actor: expected.actor, message: expected.content });
  return result;
}

// -------------------------------------------------------------------------------------------------

describe('URL verification', () => {
  let w: LarkWorld;
  beforeAll(async () => {
    w = await openWorld();
  });
  afterAll(() => w?.close());

  it('answers an encrypted challenge (unsigned, as Lark sends it) with the challenge', async () => {
    const res = await w.sandbox.events.challenge({ encrypted: true, challenge: 'ajls384kdjx98XX' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ challenge: 'ajls384kdjx98XX' });
    expect(res.ok).toBe(true);
  });

  it('answers an encrypted challenge that carries signature headers too', async () => {
    const res = await w.sandbox.events.challenge({ encrypted: true, signed: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ challenge: res.challenge });
  });

  it('answers a plaintext challenge with the challenge, although an Encrypt Key is set (the official SDKs do)', async () => {
    const res = await w.sandbox.events.challenge({ challenge: 'plain-challenge-123' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ challenge: 'plain-challenge-123' });
  });

  it('refuses a challenge with a wrong verification token (401 bad_token), encrypted or not', async () => {
    const encrypted = await w.sandbox.events.challenge({ encrypted: true, token: 'not-the-verification-token' });
    expect(encrypted.status).toBe(401);
    expect(errorCode(encrypted.body)).toBe('bad_token');
    expect(encrypted.ok).toBe(false);
    expect(JSON.stringify(encrypted.body)).not.toContain(encrypted.challenge);

    const plain = await w.sandbox.events.challenge({ token: 'not-the-verification-token' });
    expect(plain.status).toBeGreaterThanOrEqual(400);
    expect(plain.status).toBeLessThan(500);
    expect(plain.ok).toBe(false);
  });

  it('without an Encrypt Key, a plaintext challenge is answered and a wrong token refused', async () => {
    const app = new Hono();
    app.route(
      '/lark/events',
      larkWebhook({
        verificationToken: 'vt-plain',
        logger: w.duban.runtime.logger,
        now: () => new Date(),
        handle: () => ({}),
      }),
    );
    const events = createEventSender({
      webhookUrl: 'http://duban.test/lark/events',
      verificationToken: 'vt-plain',
      appId: 'cli_plain',
      fetch: (async (input: string | URL | Request, init?: RequestInit) => app.fetch(new Request(input, init))) as typeof fetch,
    });
    const ok = await events.challenge({ challenge: 'no-key-challenge' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ challenge: 'no-key-challenge' });
    const wrong = await events.challenge({ token: 'vt-wrong' });
    expect(wrong.status).toBe(401);
    expect(errorCode(wrong.body)).toBe('bad_token');
  });

  it('through the Fetch API alone (as on Workers, with no Node request), signed events are checked and oversized bodies refused', async () => {
    const handled: LarkEnvelope[] = [];
    const app = new Hono();
    app.route(
      '/lark/events',
      larkWebhook({
        encryptKey: 'ek-fetch',
        verificationToken: 'vt-fetch',
        logger: w.duban.runtime.logger,
        now: () => new Date(),
        handle: (envelope) => void handled.push(envelope),
      }),
    );
    const events = createEventSender({
      webhookUrl: 'http://duban.test/lark/events',
      encryptKey: 'ek-fetch',
      verificationToken: 'vt-fetch',
      appId: 'cli_fetch',
      fetch: (async (input: string | URL | Request, init?: RequestInit) => app.fetch(new Request(input, init))) as typeof fetch,
    });
    const message = { chatId: 'oc_fetch', senderOpenId: d01, text: '你好', messageId: 'om_fetch_1' };
    expect((await events.sendMessageEvent(message)).status).toBe(200);
    expect(handled.map((e) => e.header.event_type)).toEqual(['im.message.receive_v1']);
    const forged = await events.sendMessageEvent(message, { badSignature: true });
    expect([forged.status, errorCode(forged.body)]).toEqual([401, 'bad_signature']);
    const big = await events.sendRaw(JSON.stringify({ encrypt: 'x'.repeat(600 * 1024) }), {}, { sign: true });
    expect([big.status, errorCode(big.body)]).toEqual([413, 'payload_too_large']);
    expect(handled).toHaveLength(1);
  });
});

// -------------------------------------------------------------------------------------------------

describe('refused requests change nothing, and the same request untampered has its effect', () => {
  let w: LarkWorld;
  let chatId: string;
  let assignmentId: string;
  let events: RealEvents;
  const cases = refusalCases(() => ({ w, events }));

  beforeAll(async () => {
    w = await openWorld();
    let suggestion: { chatId: string };
    ({ suggestion, assignmentId, events } = await realEvents(w, '0201'));
    chatId = suggestion.chatId;
  });
  afterAll(() => w?.close());

  let before: { counts: ReturnType<typeof tableCounts>; state: ReturnType<typeof visibleState> };
  beforeEach(async () => {
    await w.drain();
    before = { counts: tableCounts(w), state: visibleState(w) };
  });

  it.each(cases)('%s: refused with %i %s', async (_name, status, code, send) => {
    await expectRefusedBoth(send, status, code);
    await w.drain();
    expect(tableCounts(w)).toEqual(before.counts);
    expect(visibleState(w)).toEqual(before.state);
    expect(stateOf(w, assignmentId)).toBe('pending_sign');
    expect(storedMessages(w, events.message().messageId)).toEqual([]);
  });

  it('the same message event and press, delivered untampered, are stored and sign for the assignment', async () => {
    const said = await w.sandbox.events.redeliver(events.message().eventId);
    expect(said.status, JSON.stringify(said)).toBe(200);
    expect(storedMessages(w, events.message().messageId)).toEqual([expect.objectContaining({ chatId, senderOpenId: d02, text: REAL_TEXT, senderType: 'user' })]);

    const pressed = await w.sandbox.events.redeliver(events.press().eventId);
    expect(pressed.status).toBe(200);
    expect(pressed.body).toMatchObject({ toast: { type: 'success', content: SIGNED } });
    expect(stateOf(w, assignmentId)).toBe('signed');
    await w.drain();
    const after = tableCounts(w);
    // The press claims its event id; a message is claimed by its message id (API.md §1), stored once.
    expect(after.processed_events).toBe(before.counts.processed_events + 1);
    expect(after.group_messages).toBe(before.counts.group_messages + 1);
    expect(after.audit_log).toBeGreaterThan(before.counts.audit_log);
    expect(after.outbox).toBeGreaterThan(before.counts.outbox);
  });
});

// -------------------------------------------------------------------------------------------------

describe('a redelivered event has its effect once', () => {
  let w: LarkWorld;
  let s: { id: string; chatId: string };
  beforeAll(async () => {
    w = await openWorld();
    s = await importSuggestion(w, '0301');
  });
  afterAll(() => w?.close());

  const boards = () => w.cardsOfKind(s.id, 'status_board').length;

  it('a message event delivered again (same event_id) is stored once and acts once', async () => {
    const boardsBefore = boards();
    const said = await w.sandbox.events.sendMessageEvent({ chatId: s.chatId, senderOpenId: d02, text: '/status' });
    expect(said.status).toBe(200);
    const again = await w.sandbox.events.redeliver(said.eventId);
    expect(again.status).toBe(200);
    await w.drain();
    expect(storedMessages(w, said.messageId)).toHaveLength(1);
    expect(boards()).toBe(boardsBefore + 1);
  });

  it('the same message under a new event_id (same message_id) is stored once and acts once', async () => {
    const boardsBefore = boards();
    const said = await w.sandbox.events.sendMessageEvent({ chatId: s.chatId, senderOpenId: d02, text: '/status' });
    const again = await w.sandbox.events.resendAsNewEvent(said.eventId);
    expect(again.status).toBe(200);
    expect(again.eventId).not.toBe(said.eventId);
    await w.drain();
    expect(storedMessages(w, said.messageId)).toHaveLength(1);
    expect(boards()).toBe(boardsBefore + 1);
  });

  it('a 签收 press delivered again signs once, audits once, queues one board update, and answers “already handled”', async () => {
    const { assignmentId, messageId } = assignmentCard(w, s.id, 'jtw');
    const boardRow = w.cardsOfKind(s.id, 'status_board')[0]!.id;
    const patchesBefore = patchesOf(w, boardRow);
    const signs = () => auditRows(w).filter((a) => a.action === 'sign' && a.subjectId === assignmentId && a.outcome === 'ok').length;
    expect(signs()).toBe(0);

    const first = await w.press(messageId, '签收', jtw.liaison);
    expect(first.toast).toMatchObject({ type: 'success', content: SIGNED });
    await w.drain();
    const afterFirst = { state: visibleState(w), patches: patchesOf(w, boardRow), audit: auditRows(w).length };
    expect(afterFirst.patches).toBe(patchesBefore + 1);

    const second = await w.sandbox.events.redeliver(first.eventId);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ toast: { type: 'info', content: ALREADY_HANDLED } });
    await w.drain();
    expect(stateOf(w, assignmentId)).toBe('signed');
    expect(signs()).toBe(1);
    expect(patchesOf(w, boardRow)).toBe(patchesBefore + 1);
    expect(visibleState(w)).toEqual(afterFirst.state);
    expect(auditRows(w)).toHaveLength(afterFirst.audit);
  });
});

// -------------------------------------------------------------------------------------------------

describe('presses by the wrong person are refused with the reason, change nothing, and are audited', () => {
  let w: LarkWorld;
  let s: { id: string; chatId: string };
  let lead: { assignmentId: string; messageId: string };
  beforeAll(async () => {
    w = await openWorld();
    s = await importSuggestion(w, '0401');
    lead = assignmentCard(w, s.id, 'jtw');
  });
  afterAll(() => w?.close());

  it('a deputy pressing 签收', async () => {
    await expectRefusedPress(w, () => w.press(lead.messageId, '签收', d01), {
      type: 'error',
      content: '仅承办单位联络员或负责人可签收',
      action: 'sign',
      actor: d01,
    });
    expect(stateOf(w, lead.assignmentId)).toBe('pending_sign');
  });

  it("another unit's liaison pressing 签收 (the co unit's, and a unit not on the suggestion)", async () => {
    for (const other of [cgj.liaison, zjw.liaison]) {
      await expectRefusedPress(w, () => w.press(lead.messageId, '签收', other), {
        type: 'error',
        content: '仅承办单位联络员或负责人可签收',
        action: 'sign',
        actor: other,
      });
    }
    expect(stateOf(w, lead.assignmentId)).toBe('pending_sign');
  });

  it('a liaison pressing 审核通过; the head then may', async () => {
    const signed = await w.press(lead.messageId, '签收', jtw.liaison);
    expect(signed.toast).toMatchObject({ type: 'success', content: SIGNED });
    await w.drain();
    const board = w.cardMessages('status_board', s.id)[0]!;
    const submitted = await w.press(board, '提交答复', jtw.liaison, {
      result_class: 'B',
      summary: '已完成线网调研，年内优化 3 条线路',
      public: 'yes',
      private_reason: '',
      commitments: '',
    });
    expect(submitted.toast?.type, JSON.stringify(submitted.toast)).toBe('success');
    await w.drain();
    expect(stateOf(w, lead.assignmentId)).toBe('answer_pending_approval');
    const approval = w.cardsOfKind(s.id, 'approval')[0]!.messageId!;

    await expectRefusedPress(w, () => w.press(approval, '审核通过', jtw.liaison), {
      type: 'error',
      content: '仅承办单位负责人可审核答复',
      action: 'approve_answer',
      actor: jtw.liaison,
    });
    expect(stateOf(w, lead.assignmentId)).toBe('answer_pending_approval');

    const byHead = await w.press(approval, '审核通过', jtw.head);
    expect(byHead.toast).toMatchObject({ type: 'success', content: '答复已审核通过' });
    expect(stateOf(w, lead.assignmentId)).toBe('answered');
  });
});

// -------------------------------------------------------------------------------------------------

describe('forged card values', () => {
  let w: LarkWorld;
  let a: { id: string; chatId: string };
  let b: { id: string; chatId: string };
  let leadA: { assignmentId: string; messageId: string };
  let coA: { assignmentId: string; messageId: string };
  let leadB: { assignmentId: string; messageId: string };
  beforeAll(async () => {
    w = await openWorld();
    a = await importSuggestion(w, '0501');
    b = await importSuggestion(w, '0502', { lead_deputy: 'd03', co_deputies: [], co_units: ['zjw'] });
    leadA = assignmentCard(w, a.id, 'jtw');
    coA = assignmentCard(w, a.id, 'cgj');
    leadB = assignmentCard(w, b.id, 'jtw');
  });
  afterAll(() => w?.close());

  const pressValue = (chatId: string, messageId: string, operatorOpenId: string, value: Record<string, unknown>) =>
    w.sandbox.events.pressButton({ chatId, messageId, operatorOpenId, value });

  it.each<[string, (assignmentId: string, v: unknown) => Record<string, unknown>]>([
    ['an id that is not one of ours', () => ({ a: 'sign', id: 'x' })],
    ['an action that does not exist', (id, v) => ({ a: 'drop_tables', id, v })],
    ['no version', (id) => ({ a: 'sign', id })],
    ['a version that is not a number', (id) => ({ a: 'sign', id, v: '0; drop table assignments' })],
  ])('a value with %s: refused as unrecognised, nothing changed, audited', async (_name, forge) => {
    const real = buttonValue(w, leadA.messageId, '签收');
    expect(real).toMatchObject({ a: 'sign', id: leadA.assignmentId });
    const value = forge(leadA.assignmentId, real.v);
    const operator = jtw.liaison; // who could press the real 签收
    await expectRefusedPress(w, () => pressValue(a.chatId, leadA.messageId, operator, value), {
      type: 'warning',
      content: UNRECOGNISED,
      action: 'card_press',
      actor: operator,
    });
    expect(stateOf(w, leadA.assignmentId)).toBe('pending_sign');
  });

  it("A's assignment pressed from B's chat is refused ('这张卡片不属于本群'); from A's chat it signs", async () => {
    const value = buttonValue(w, leadA.messageId, '签收');
    await expectRefusedPress(w, () => pressValue(b.chatId, leadB.messageId, jtw.liaison, value), {
      type: 'error',
      content: NOT_THIS_GROUP,
      action: 'sign',
      actor: jtw.liaison,
    });
    expect(auditRows(w).at(-1)).toMatchObject({ suggestionId: a.id, subjectId: leadA.assignmentId });
    expect([stateOf(w, leadA.assignmentId), stateOf(w, leadB.assignmentId)]).toEqual(['pending_sign', 'pending_sign']);

    const own = await pressValue(a.chatId, leadA.messageId, jtw.liaison, value);
    expect(own.toast).toMatchObject({ type: 'success', content: SIGNED });
    expect([stateOf(w, leadA.assignmentId), stateOf(w, leadB.assignmentId)]).toEqual(['signed', 'pending_sign']);
  });

  it('a press naming an unknown message: the chat decides — refused from another chat, accepted from the right one (no card to show)', async () => {
    const value = buttonValue(w, coA.messageId, '签收');
    const unknownMessage = 'om_ffffffffffffffffffffffffffffffff';
    await expectRefusedPress(w, () => pressValue(b.chatId, unknownMessage, cgj.liaison, value), {
      type: 'error',
      content: NOT_THIS_GROUP,
      action: 'sign',
      actor: cgj.liaison,
    });
    expect(stateOf(w, coA.assignmentId)).toBe('pending_sign');

    const right = await pressValue(a.chatId, unknownMessage, cgj.liaison, value);
    expect(right.status).toBe(200);
    expect(right.toast).toMatchObject({ type: 'success', content: SIGNED });
    expect(right.card).toBeUndefined();
    expect(stateOf(w, coA.assignmentId)).toBe('signed');
    expect(auditRows(w).filter((e) => e.action === 'sign' && e.subjectId === coA.assignmentId && e.outcome === 'ok')).toHaveLength(1);
  });
});

// -------------------------------------------------------------------------------------------------

describe('a stale card', () => {
  let w: LarkWorld;
  let s: { id: string; chatId: string };
  beforeAll(async () => {
    w = await openWorld();
    s = await importSuggestion(w, '0601');
  });
  afterAll(() => w?.close());

  it('签收 pressed again (a new event) after it was signed answers a warning and the current card, without 签收', async () => {
    const { assignmentId, messageId } = assignmentCard(w, s.id, 'jtw');
    const value = buttonValue(w, messageId, '签收');
    const pressSign = () => w.sandbox.events.pressButton({ chatId: s.chatId, messageId, operatorOpenId: jtw.liaison, value });

    const first = await pressSign();
    expect(first.toast).toMatchObject({ type: 'success', content: SIGNED });
    expect(labelsOf(w, (first.card as { data: unknown }).data)).not.toContain('签收');
    await w.drain();

    const again = await expectRefusedPress(w, pressSign, {
      type: 'warning',
      content: '当前状态（办理中）不能签收',
      action: 'sign',
      actor: jtw.liaison,
    });
    expect(again.eventId).not.toBe(first.eventId);
    const card = again.card as { type?: string; data?: unknown } | undefined;
    expect(card?.type).toBe('raw');
    const labels = labelsOf(w, card?.data);
    expect(labels).not.toContain('签收');
    expect(labels).toContain('申请改办');
    expect(stateOf(w, assignmentId)).toBe('signed');
    // Lark shows the returned card: the 签收 button is gone for everyone.
    expect(labelsOf(w, w.cardJson(messageId))).not.toContain('签收');
  });
});

// -------------------------------------------------------------------------------------------------

describe('text in the group', () => {
  let w: LarkWorld;
  let s: { id: string; chatId: string };
  beforeAll(async () => {
    w = await openWorld();
    s = await importSuggestion(w, '0701');
  });
  afterAll(() => w?.close());
  beforeEach(() => w.drain());

  const boards = () => w.cardsOfKind(s.id, 'status_board');

  it("ignores the bot's own messages, even /status: nothing stored, nothing queued", async () => {
    const before = tableCounts(w);
    const own = await w.sandbox.events.sendMessageEvent({ chatId: s.chatId, senderOpenId: w.sandbox.fake.botOpenId, senderType: 'app', text: '/status' });
    expect(own.status).toBe(200);
    await w.drain();
    expect(storedMessages(w, own.messageId)).toEqual([]);
    expect(tableCounts(w)).toEqual(before);
  });

  it("a person's /status posts the status board again", async () => {
    const boardsBefore = boards().length;
    const said = await w.sandbox.events.sendMessageEvent({ chatId: s.chatId, senderOpenId: d02, text: '/status' });
    expect(said.status).toBe(200);
    await w.drain();
    expect(storedMessages(w, said.messageId)).toHaveLength(1);
    const after = boards();
    expect(after).toHaveLength(boardsBefore + 1);
    const posted = w.sandbox.fake.message(after.at(-1)!.messageId!);
    expect(posted?.chatId).toBe(s.chatId);
    expect(posted?.msgType).toBe('interactive');
  });

  it('@bot 进度 posts the status board again', async () => {
    const boardsBefore = boards().length;
    await w.sandbox.events.sendMessageEvent({ chatId: s.chatId, senderOpenId: jtw.liaison, text: '进度', mentionBot: true });
    await w.drain();
    expect(boards()).toHaveLength(boardsBefore + 1);
  });

  it('@bot 帮助 is answered with the commands, as a reply to that message', async () => {
    const help = await w.sandbox.events.sendMessageEvent({ chatId: s.chatId, senderOpenId: d01, text: '帮助', mentionBot: true });
    expect(help.status).toBe(200);
    await w.drain();
    const replies = w.sandbox.fake.messagesIn(s.chatId).filter((m) => m.parentId === help.messageId);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.msgType).toBe('text');
    expect((replies[0]!.body as { text: string }).text).toBe(HELP_TEXT);
  });

  it('plain 进度 without @ is stored but posts no board', async () => {
    const boardsBefore = boards().length;
    const outboxBefore = tableCounts(w).outbox;
    const said = await w.sandbox.events.sendMessageEvent({ chatId: s.chatId, senderOpenId: d01, text: '进度' });
    expect(said.status).toBe(200);
    await w.drain();
    expect(storedMessages(w, said.messageId)).toEqual([expect.objectContaining({ text: '进度', senderOpenId: d01, suggestionId: s.id })]);
    expect(boards()).toHaveLength(boardsBefore);
    expect(tableCounts(w).outbox).toBe(outboxBefore);
  });
});

// -------------------------------------------------------------------------------------------------

describe('events of other types', () => {
  let w: LarkWorld;
  let s: { id: string; chatId: string };
  beforeAll(async () => {
    w = await openWorld();
    s = await importSuggestion(w, '0801');
  });
  afterAll(() => w?.close());

  const envelope = (eventType: string, event: Record<string, unknown>): LarkEnvelope & { schema: string } => {
    const { verificationToken, appId } = w.secrets;
    return {
      schema: '2.0',
      header: { event_id: `e${Date.now()}${Math.random().toString(16).slice(2, 12)}`, event_type: eventType, create_time: String(Date.now()), token: verificationToken, app_id: appId, tenant_key: 'tk_sandbox' },
      event,
    };
  };
  const common = () => ({ chat_id: s.chatId, operator_id: { open_id: supervisor }, external: false, operator_tenant_key: 'tk_sandbox', name: '第0801号' });

  it.each<[string, () => Record<string, unknown>]>([
    ['im.chat.member.user.added_v1', () => ({ ...common(), users: [{ name: '新成员', tenant_key: 'tk_sandbox', user_id: { open_id: 'ou_0123456789abcdef0123456789abcdef' } }] })],
    ['im.chat.member.user.deleted_v1', () => ({ ...common(), users: [{ name: '王建国', tenant_key: 'tk_sandbox', user_id: { open_id: d01 } }] })],
    // The bot is in this group: being "added" changes nothing (a lost group comes back: test/group-loss.test.ts).
    ['im.chat.member.bot.added_v1', common],
  ])('%s, encrypted and signed, is acknowledged with 200 and changes nothing', async (eventType, event) => {
    await w.drain();
    const before = { counts: tableCounts(w), state: visibleState(w) };
    const res = await w.sandbox.events.sendRaw(await sealed(w, envelope(eventType, event())), {}, { sign: true });
    expect(res.status, res.rawBody).toBe(200);
    expect(res.body).toEqual({});
    await w.drain();
    expect(tableCounts(w)).toEqual(before.counts);
    expect(visibleState(w)).toEqual(before.state);
  });

  it('the same event unsigned is refused (the 200 above was earned by the signature)', async () => {
    const res = await w.sandbox.events.sendRaw(await sealed(w, envelope('im.chat.member.user.added_v1', common())));
    expect(res.status).toBe(401);
    expect(errorCode(res.body)).toBe('unsigned');
  });
});
