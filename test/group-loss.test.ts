/**
 * The bot notices when it loses a group (SPEC §6), end to end with the real SDK and the sandbox:
 * a person removes the bot or disbands the chat (the sandbox sends Lark's event), or Lark answers
 * a call with 232011 / 232009 / 230002. The loss is recorded (GET /api/suggestions/:id and its
 * timeline), the chat's queued calls fail with the reason, later ones fail at once and are never
 * sent, the supervisors' group is told, naming the suggestion; the bot added back makes the group
 * reachable again. An event about a chat that is no suggestion's group changes nothing.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../src/adapters/logger.ts';
import { transactionalRecorder } from '../src/adapters/sqlite/message-store.ts';
import type { Directory } from '../src/core/directory.ts';
import { buildRuntime } from '../src/runtimes/node/build-runtime.ts';
import { createEventHandlers } from '../src/transports/lark/event-handlers.ts';
import type { LarkEnvelope } from '../src/transports/lark/webhook.ts';
import { startNodeLarkWorld } from './support/lark-world.ts';
import { deputy, directory as sample, tempDir, unit } from './support/world.ts';

type World = Awaited<ReturnType<typeof startNodeLarkWorld>>;
type OutboxRow = { id: string; suggestionId: string | null; kind: string; status: string; attempts: number; lastError: string | null; payload: Record<string, unknown> };

const SUPERVISORS_CHAT = 'oc_5a9e0000000000000000000000000001';
const jtw = unit('jtw');
const d01 = deputy('d01');

const row = (number: string) => ({
  session: '市六届人大二次会议',
  number,
  title: `失联测试 ${number}`,
  lead_deputy: 'd01',
  lead_unit: 'jtw',
  assigned_on: '2026-02-10',
});

describe('a group lost to the bot', () => {
  let w: World;
  const directory: Directory = structuredClone(sample);
  let extraSupervisors = 0;

  beforeAll(async () => {
    w = await startNodeLarkWorld({ DUBAN_SUPERVISOR_CHAT_ID: SUPERVISORS_CHAT });
    w.sandbox.fake.openGroupMadeByPeople({ chatId: SUPERVISORS_CHAT, name: '督办人员群', members: [...sample.supervisors] });
    await w.loadDirectory();
  });
  afterAll(() => w?.close());

  async function importRow(number: string): Promise<string> {
    const res = await w.api('POST', '/api/suggestions', row(number));
    expect(res.status).toBe(200);
    await w.drain();
    return res.body.items[0].id;
  }
  const detail = async (id: string) => (await w.api('GET', `/api/suggestions/${id}`)).body;
  const chatOf = async (id: string): Promise<string> => (await detail(id)).group.chatId;
  const outbox = async (status?: string): Promise<OutboxRow[]> => (await w.api('GET', `/api/outbox${status ? `?status=${status}` : ''}`)).body;
  const supervisorTexts = () => w.sandbox.fake.messagesIn(SUPERVISORS_CHAT).map((m) => (m.body as { text?: string }).text ?? '');
  const requests = (key: string) => w.sandbox.fake.requestCount(key);
  const SEND = 'POST /open-apis/im/v1/messages';
  const ADD = 'POST /open-apis/im/v1/chats/:chat_id/members';

  async function control(chatId: string, action: string, operator: string) {
    const res = await fetch(`${w.sandbox.url}/sandbox/chats/${chatId}/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operator }),
    });
    const body = (await res.json()) as { ok?: boolean; event: { eventId: string; status: number } | null; error?: string };
    expect(res.status, JSON.stringify(body)).toBe(200);
    return body;
  }
  /** A directory change that adds one supervisor: every open group gets an add-members call. */
  async function addSupervisor(): Promise<string> {
    const openId = `ou_00000000000000000000000000000b${String(++extraSupervisors).padStart(2, '0')}`;
    directory.supervisors = [...directory.supervisors, openId];
    expect((await w.api('PUT', '/api/directory', directory)).status).toBe(200);
    await w.drain();
    return openId;
  }
  async function until(what: string, check: () => Promise<boolean>) {
    const end = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      w.duban.worker.kick();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('the bot removed by a person: recorded, queued calls failed with the reason, supervisors told, nothing retried', async () => {
    const id = await importRow('0951');
    const chatId = await chatOf(id);
    // A call to the group waits for a retry (Lark is down for sends)...
    w.sandbox.fake.faults.add({ method: 'POST', path: '/open-apis/im/v1/messages', status: 503, times: 1000 });
    await w.sandbox.events.sendMessageEvent({ chatId, senderOpenId: d01, text: '/status' });
    await until('the board send to be retried', async () => (await outbox('pending')).some((r) => r.suggestionId === id && r.attempts > 0));
    // ... when a unit head removes the bot from the group.
    const removed = await control(chatId, 'remove-bot', jtw.head);
    expect(removed.event).toMatchObject({ status: 200 });
    w.sandbox.fake.faults.clear();
    await w.drain();

    const d = await detail(id);
    expect(d.group).toMatchObject({ chatId, lost: { reason: 'bot_removed', by: jtw.head } });
    expect(d.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'state_change', action: 'group_bot_removed', actor: jtw.head, source: 'lark' })]));
    const failed = (await outbox('failed')).filter((r) => r.suggestionId === id);
    expect(failed).toEqual([expect.objectContaining({ kind: 'send_card', lastError: expect.stringContaining('group lost: the bot was removed from the group') })]);
    expect((await outbox('pending')).filter((r) => r.suggestionId === id)).toEqual([]);
    const notice = supervisorTexts().filter((t) => t.includes('失联测试 0951'));
    expect(notice).toHaveLength(1);
    expect(notice[0]).toContain('机器人已被移出群聊');
    expect(notice[0]).toContain('第0951号');

    // The same event again has no second effect.
    expect((await w.sandbox.events.redeliver(removed.event!.eventId)).status).toBe(200);
    await w.drain();
    expect(supervisorTexts().filter((t) => t.includes('失联测试 0951'))).toHaveLength(1);

    // New calls for the chat fail at once with the reason, without reaching Lark; so does a retry.
    const adds = requests(ADD);
    const sends = requests(SEND);
    await addSupervisor();
    expect(requests(ADD)).toBe(adds); // 0951's is the only open group, and it is lost: no call at all
    const later = (await outbox('failed')).filter((r) => r.suggestionId === id && r.kind === 'add_members');
    expect(later).toEqual([expect.objectContaining({ lastError: expect.stringContaining('group lost'), attempts: 1 })]);
    expect((await w.api('POST', `/api/outbox/${failed[0]!.id}/retry`)).status).toBe(200);
    await w.drain();
    expect((await outbox('failed')).find((r) => r.id === failed[0]!.id)).toMatchObject({ lastError: expect.stringContaining('group lost') });
    expect(requests(SEND)).toBe(sends);
  });

  it('the bot added back: the group is reachable again and a failed call can be retried', async () => {
    const [id] = (await w.api('GET', '/api/suggestions')).body.items.filter((s: { number: string }) => s.number === '0951').map((s: { id: string }) => s.id);
    const chatId = await chatOf(id);
    w.sandbox.fake.addPersonToChat(chatId, jtw.head); // (still a member: only the bot left)
    await control(chatId, 'add-bot', jtw.head);
    await w.drain();
    const d = await detail(id);
    expect(d.group.lost).toBeNull();
    expect(d.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'group_bot_added' })]));
    const board = (await outbox('failed')).find((r) => r.suggestionId === id && r.kind === 'send_card')!;
    expect((await w.api('POST', `/api/outbox/${board.id}/retry`)).status).toBe(200);
    await w.drain();
    expect((await outbox('sent')).map((r) => r.id)).toContain(board.id);
  });

  it('the group disbanded: recorded as disbanded, the supervisors told, later calls never sent', async () => {
    const id = await importRow('0952');
    const chatId = await chatOf(id);
    await control(chatId, 'disband', d01);
    await w.drain();
    expect((await detail(id)).group.lost).toMatchObject({ reason: 'disbanded', by: d01 });
    expect((await detail(id)).timeline).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'group_disbanded' })]));
    expect(supervisorTexts().filter((t) => t.includes('失联测试 0952') && t.includes('群聊已被解散'))).toHaveLength(1);
    await addSupervisor();
    expect((await outbox('failed')).filter((r) => r.suggestionId === id).map((r) => r.kind)).toEqual(['add_members']);
    // A disbanded chat does not come back.
    const stillLost = await fetch(`${w.sandbox.url}/sandbox/chats/${chatId}/add-bot`, { method: 'POST', body: JSON.stringify({ operator: d01 }) });
    expect(stillLost.status).toBe(400);
  });

  it('Lark’s own answer says so when the event never came: 232011 and 230002 (bot not in the chat), 232009 (dissolved)', async () => {
    const [removed, dissolved, removedLater] = [await importRow('0953'), await importRow('0954'), await importRow('0955')];
    // People act in Lark, but their events are lost on the way.
    w.sandbox.fake.removeBotFromChat(await chatOf(removed));
    w.sandbox.fake.dissolveChat(await chatOf(dissolved));
    await addSupervisor(); // add members: 232011 and 232009
    w.sandbox.fake.removeBotFromChat(await chatOf(removedLater));
    expect((await w.api('POST', '/api/sweep?now=2026-02-11T01:00:00Z')).status).toBe(200); // the sign-for warnings: 230002
    await w.drain();

    expect((await detail(removed)).group.lost).toMatchObject({ reason: 'bot_removed', by: 'lark:232011' });
    expect((await detail(dissolved)).group.lost).toMatchObject({ reason: 'disbanded', by: 'lark:232009' });
    expect((await detail(removedLater)).group.lost).toMatchObject({ reason: 'bot_removed', by: 'lark:230002' });
    for (const [id, number] of [[removed, '0953'], [dissolved, '0954'], [removedLater, '0955']] as const) {
      const failed = (await outbox('failed')).filter((r) => r.suggestionId === id);
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.every((r) => r.lastError?.startsWith('group lost'))).toBe(true);
      const told = supervisorTexts().filter((t) => t.includes(`失联测试 ${number}`));
      expect(told).toHaveLength(1);
      expect(told[0]).toContain('飞书返回');
    }
    // The next call to a lost group is not even tried.
    const adds = requests(ADD);
    await addSupervisor();
    expect(requests(ADD) - adds).toBe(1); // 0951's group only, which is back
  });

  it('an event about a chat that is no suggestion’s group changes nothing', async () => {
    const other = w.sandbox.fake.openGroupMadeByPeople({ name: '别的群', members: [d01] });
    const timelines = async () => {
      const list = (await w.api('GET', '/api/suggestions')).body.items as Array<{ id: string }>;
      return Promise.all(
        list.map(async ({ id }) => {
          const d = await detail(id);
          return { id, group: d.group, entries: d.timeline.length };
        }),
      );
    };
    const before = { outbox: await outbox(), suggestions: await timelines(), supervisors: supervisorTexts().length };
    const removed = await control(other.chatId, 'remove-bot', d01);
    expect(removed.event).toMatchObject({ status: 200 });
    await w.drain();
    expect(await outbox()).toEqual(before.outbox);
    expect(await timelines()).toEqual(before.suggestions);
    expect(supervisorTexts()).toHaveLength(before.supervisors);
    expect(supervisorTexts().some((t) => t.includes('别的群'))).toBe(false);
  });
});

describe('an event about a chat that is no suggestion’s group', () => {
  it('is acknowledged, changes nothing, and is logged with its chat', async () => {
    const runtime = buildRuntime({ DATABASE_PATH: join(tempDir(), 'duban.db'), LOG_LEVEL: 'silent' });
    const lines: Array<{ level: string; fields: object; message: string | undefined }> = [];
    const capture = (level: string) => (fields: object | string, message?: string) => lines.push({ level, fields: typeof fields === 'string' ? {} : fields, message: typeof fields === 'string' ? fields : message });
    const logger = { error: capture('error'), warn: capture('warn'), info: capture('info'), debug: capture('debug') } as unknown as Logger;
    try {
      let queued = 0;
      const handlers = createEventHandlers({ context: { ...runtime, logger }, messages: transactionalRecorder(runtime.db), onQueued: () => queued++ });
      for (const type of ['im.chat.member.bot.deleted_v1', 'im.chat.disbanded_v1', 'im.chat.member.bot.added_v1']) {
        const answer = await handlers.handle({
          schema: '2.0',
          header: { event_id: `ev_${type}`, event_type: type },
          event: { chat_id: 'oc_nobody', operator_id: { open_id: d01 }, external: false, name: '别的群' },
        } as LarkEnvelope);
        expect(answer).toEqual({});
      }
      expect(queued).toBe(0);
      const counts = ['outbox', 'audit_log', 'processed_events', 'suggestion_chats'].map((t) => runtime.db.$client.prepare(`select count(*) as n from ${t}`).get());
      expect(counts).toEqual([{ n: 0 }, { n: 0 }, { n: 0 }, { n: 0 }]);
      expect(lines.filter((l) => (l.fields as { chatId?: string }).chatId === 'oc_nobody').map((l) => [l.level, (l.fields as { type: string }).type, l.message])).toEqual(
        ['im.chat.member.bot.deleted_v1', 'im.chat.disbanded_v1', 'im.chat.member.bot.added_v1'].map((type) => ['info', type, 'event about a chat that is no suggestion\'s group: nothing changed']),
      );
    } finally {
      runtime.db.$client.close();
    }
  });
});
