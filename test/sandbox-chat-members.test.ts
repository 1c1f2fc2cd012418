/**
 * The sandbox's side of groups following people (API.md §2, §5.3): removing members as Lark does
 * (through the real SDK, with Lark's refusals), and the chat events a person's action sends the
 * bot, in Lark's payload shape.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../src/sandbox/start-sandbox.ts';
import { ALICE, APP_ID, APP_SECRET, BOB, CAROL } from './support/lark-client-helpers.ts';
import { serve, type ServerType } from '@hono/node-server';

type Json = Record<string, any>;
const silent = () => undefined;
/** The SDK logs every refusal; the tests look at the refusals themselves. */
const quiet = { error: silent, warn: silent, info: silent, debug: silent, trace: silent };

describe('the sandbox: members removed, and what people do to a chat', () => {
  let sandbox: RunningSandbox;
  let bot: { url: string; events: Json[]; close(): Promise<void> };
  let client: lark.Client;

  beforeEach(async () => {
    bot = await startEventSink();
    sandbox = await startSandbox({
      appId: APP_ID,
      appSecret: APP_SECRET,
      verificationToken: 'vt-members',
      webhookUrl: bot.url,
      directory: { people: [{ openId: ALICE, name: '王代表' }, { openId: BOB, name: '李联络员' }, { openId: CAROL, name: '张主任' }] },
    });
    // The SDK's default token cache is module-wide; a fresh one per client keeps the tests apart.
    client = new lark.Client({ appId: APP_ID, appSecret: APP_SECRET, domain: sandbox.url, loggerLevel: lark.LoggerLevel.error, logger: quiet, cache: new lark.DefaultCache() });
  });
  afterEach(async () => {
    await sandbox.close();
    await bot.close();
  });

  const createChat = async (data: Json = {}) =>
    (await client.im.v1.chat.create({ params: { user_id_type: 'open_id' }, data: { name: '第0001号', user_id_list: [ALICE, BOB, CAROL], ...data } })).data!.chat_id!;
  const remove = (chatId: string, ids: string[], type: 'open_id' | 'app_id' = 'open_id') =>
    client.im.v1.chatMembers.delete({ path: { chat_id: chatId }, params: { member_id_type: type }, data: { id_list: ids } });
  const refusal = (call: Promise<unknown>) =>
    call.then(
      () => ({ code: 0 }),
      (e: { response?: { status: number; data: { code: number } } }) => ({ status: e.response?.status, code: e.response?.data.code }),
    );
  const control = (chatId: string, action: string, body: Json) =>
    fetch(`${sandbox.url}/sandbox/chats/${chatId}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('removes members (DELETE im/v1/chats/:chat_id/members); ids not in the chat come back invalid', async () => {
    const chatId = await createChat();
    const answer = await remove(chatId, [BOB, 'ou_0123456789abcdef']);
    expect(answer).toMatchObject({ code: 0, data: { invalid_id_list: ['ou_0123456789abcdef'] } });
    expect(sandbox.fake.chat(chatId)!.members).toEqual([ALICE, CAROL]);
    expect(sandbox.fake.requestCount('DELETE /open-apis/im/v1/chats/:chat_id/members')).toBe(1);
  });

  it('refuses as Lark does: the owner 232076, over 50 users 232001, the bot not in the chat 232011, a dissolved chat 232009', async () => {
    const owned = await createChat({ owner_id: ALICE });
    expect(await refusal(remove(owned, [ALICE]))).toEqual({ status: 400, code: 232076 });
    const many = Array.from({ length: 51 }, (_, i) => `ou_${i.toString(16).padStart(32, '0')}`);
    expect(await refusal(remove(owned, many))).toEqual({ status: 400, code: 232001 });
    expect(sandbox.fake.chat(owned)!.members).toEqual([ALICE, BOB, CAROL]);
    const left = await createChat();
    sandbox.fake.removeBotFromChat(left);
    expect(await refusal(remove(left, [BOB]))).toEqual({ status: 400, code: 232011 });
    const gone = await createChat();
    sandbox.fake.dissolveChat(gone);
    expect(await refusal(remove(gone, [BOB]))).toEqual({ status: 400, code: 232009 });
  });

  it('sends the bot Lark’s chat events when a person removes it, adds it back, or disbands the chat, and nothing once it is out', async () => {
    const chatId = await createChat();
    expect((await control(chatId, 'remove-bot', { operator: ALICE })).status).toBe(200);
    expect(sandbox.fake.chat(chatId)!.bots).toEqual([]);
    // Out of the chat, the bot hears nothing of it: a member leaving sends no event.
    expect(await (await control(chatId, 'remove-member', { operator: BOB })).json()).toEqual({ ok: true, event: null });
    expect((await control(chatId, 'add-bot', { operator: ALICE })).status).toBe(200);
    expect((await control(chatId, 'disband', { operator: CAROL })).status).toBe(200);
    expect(sandbox.fake.chat(chatId)!.status).toBe('dissolved');

    expect(bot.events.map((e) => e.header.event_type)).toEqual(['im.chat.member.bot.deleted_v1', 'im.chat.member.bot.added_v1', 'im.chat.disbanded_v1']);
    const [deleted] = bot.events;
    expect(deleted).toEqual({
      schema: '2.0',
      header: { event_id: expect.any(String), event_type: 'im.chat.member.bot.deleted_v1', create_time: expect.stringMatching(/^\d{13}$/), token: 'vt-members', app_id: APP_ID, tenant_key: sandbox.fake.tenantKey },
      event: {
        chat_id: chatId,
        operator_id: { union_id: expect.stringMatching(/^on_/), open_id: ALICE },
        external: false,
        operator_tenant_key: sandbox.fake.tenantKey,
        name: '第0001号',
        i18n_names: { zh_cn: '第0001号', en_us: '第0001号' },
      },
    });
  });

  it('a member leaving sends im.chat.member.user.deleted_v1 with the users; the controls refuse what Lark would not allow', async () => {
    const chatId = await createChat();
    expect((await control(chatId, 'remove-member', { operator: BOB })).status).toBe(200);
    expect(bot.events[0]).toMatchObject({ header: { event_type: 'im.chat.member.user.deleted_v1' }, event: { users: [{ name: '李联络员', user_id: { open_id: BOB } }] } });
    expect((await control(chatId, 'remove-bot', { operator: BOB })).status).toBe(400); // no longer a member
    expect((await control(chatId, 'add-bot', { operator: ALICE })).status).toBe(400); // already in
    expect((await control(chatId, 'explode', { operator: ALICE })).status).toBe(404);
    expect((await control(chatId, 'remove-bot', {})).status).toBe(400);
  });

  it('the UI offers a member the chat actions and performs them as that person', async () => {
    const chatId = await createChat();
    const page = await (await fetch(`${sandbox.url}/?as=${ALICE}&chat=${chatId}`)).text();
    expect(page).toContain('action="/sandbox/ui/chat-action"');
    expect(page).toContain('value="remove-bot"');
    const form = new URLSearchParams({ as: ALICE, chat: chatId, action: 'remove-bot' });
    const res = await fetch(`${sandbox.url}/sandbox/ui/chat-action`, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location')!, sandbox.url).searchParams.get('flash')).toContain('The bot was sent im.chat.member.bot.deleted_v1');
    expect(bot.events.map((e) => e.event.operator_id.open_id)).toEqual([ALICE]);
    const after = await (await fetch(`${sandbox.url}/?as=${ALICE}&chat=${chatId}`)).text();
    expect(after).toContain('value="add-bot"');
    expect(after).toContain('is not in this chat');
  });
});

/** A stand-in bot without encryption: keeps every event it is sent and answers 200. */
function startEventSink(): Promise<{ url: string; events: Json[]; close(): Promise<void> }> {
  const events: Json[] = [];
  return new Promise((resolve) => {
    const server: ServerType = serve(
      {
        fetch: async (req) => {
          events.push((await req.json()) as Json);
          return Response.json({});
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      (info) =>
        resolve({
          url: `http://127.0.0.1:${info.port}/lark/events`,
          events,
          close: () => new Promise<void>((done) => server.close(() => done())),
        }),
    );
  });
}
