/**
 * The sandbox against the real @larksuiteoapi/node-sdk (API.md §5), and the event sender against
 * a tiny receiver that verifies signatures with src/transports/lark/crypto.ts (API.md §1–3).
 */
import { serve, type ServerType } from '@hono/node-server';
import * as lark from '@larksuiteoapi/node-sdk';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../src/core/clock.ts';
import { constantTimeEqual, decryptEvent, signEvent } from '../src/transports/lark/crypto.ts';
import { createEventSender } from '../src/sandbox/event-sender.ts';
import { startSandbox, type RunningSandbox } from '../src/sandbox/start-sandbox.ts';

const APP_ID = 'cli_a1b2c3d4e5f60718';
const APP_SECRET = 'sandbox-secret';
const ENCRYPT_KEY = 'sandbox encrypt key';
const VT = 'sandbox-verification-token';

const ALICE = 'ou_0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const BOB = 'ou_f9e8d7c6b5a4938271605f4e3d2c1b0a';
const CAROL = 'ou_00112233445566778899aabbccddeeff';
const DIRECTORY = {
  people: [
    { openId: ALICE, name: '王代表', roles: ['deputy'] },
    { openId: BOB, name: '李联络员', roles: ['liaison'] },
    { openId: CAROL, name: '张主任', roles: ['head'] },
  ],
};

const quiet = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

/** A card as duban sends them: JSON 2.0, a button and a form. */
function card(title: string, extra: unknown[] = []) {
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: { title: { tag: 'plain_text', content: title }, template: 'blue' },
    body: {
      elements: [
        { tag: 'markdown', content: `**${title}**` },
        {
          tag: 'button',
          text: { tag: 'plain_text', content: 'Accept' },
          type: 'primary',
          behaviors: [{ type: 'callback', value: { cmd: 'accept', id: '42' } }],
        },
        {
          tag: 'form',
          name: 'reply_form',
          elements: [
            { tag: 'input', name: 'reason', label: { tag: 'plain_text', content: 'Reason' } },
            {
              tag: 'select_static',
              name: 'unit',
              options: [
                { text: { tag: 'plain_text', content: 'Transport' }, value: 'jtw' },
                { text: { tag: 'plain_text', content: 'Housing' }, value: 'zjw' },
              ],
            },
            {
              tag: 'button',
              name: 'submit_reply',
              form_action_type: 'submit',
              text: { tag: 'plain_text', content: 'Submit' },
              behaviors: [{ type: 'callback', value: { cmd: 'reply', id: '42' } }],
            },
          ],
        },
        ...extra,
      ],
    },
  };
}

/** Catches the SDK's AxiosError and returns status, Lark body and headers. */
async function refusal(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    const e = error as { response?: { status: number; data: { code: number; msg: string }; headers: Record<string, string> } };
    if (!e.response) throw error;
    return { status: e.response.status, code: e.response.data.code, msg: e.response.data.msg, headers: e.response.headers };
  }
  throw new Error('expected the call to be refused');
}

interface Received {
  raw: string;
  headers: Record<string, string>;
  plain: any;
}

/** The bot's side, minimal: verifies the signature over the raw body, decrypts, checks the token. */
async function startReceiver(encryptKey: string | undefined, answer: (plain: any) => Response | undefined = () => undefined) {
  const received: Received[] = [];
  const app = new Hono();
  app.post('/lark/events', async (c) => {
    const raw = await c.req.text();
    const headers = Object.fromEntries(c.req.raw.headers);
    let plain: any;
    try {
      const outer = JSON.parse(raw);
      plain = outer.encrypt !== undefined ? JSON.parse(await decryptEvent(outer.encrypt, encryptKey!)) : outer;
    } catch {
      return c.body(null, 400);
    }
    received.push({ raw, headers, plain });
    if (plain.type === 'url_verification') {
      return plain.token === VT ? c.json({ challenge: plain.challenge }) : c.body(null, 401);
    }
    if (encryptKey !== undefined) {
      const expected = await signEvent(headers['x-lark-request-timestamp'] ?? '', headers['x-lark-request-nonce'] ?? '', encryptKey, raw);
      if (!constantTimeEqual(expected, headers['x-lark-signature'] ?? '')) return c.body(null, 401);
      const age = Math.abs(Date.now() / 1000 - Number(headers['x-lark-request-timestamp']));
      if (!(age < 300)) return c.body(null, 401);
    }
    if (plain.header?.token !== VT) return c.body(null, 401);
    const custom = answer(plain);
    if (custom) return custom;
    if (plain.header.event_type === 'card.action.trigger') {
      return c.json({ toast: { type: 'success', content: `done: ${plain.event.action.value.cmd}` } });
    }
    return c.json({});
  });
  let server!: ServerType;
  const url = await new Promise<string>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}/lark/events`));
  });
  return {
    url,
    received,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

describe('fake Lark Open API with the real SDK', () => {
  let now: Date;
  let sandbox: RunningSandbox;
  let client: lark.Client;

  const newClient = () =>
    new lark.Client({
      appId: APP_ID,
      appSecret: APP_SECRET,
      domain: sandbox.url,
      loggerLevel: lark.LoggerLevel.error,
      logger: quiet,
      // The SDK's default token cache is module-wide; a fresh one per client keeps tests apart.
      cache: new lark.DefaultCache(),
    });

  beforeEach(async () => {
    now = new Date('2026-03-02T02:00:00Z');
    sandbox = await startSandbox({
      appId: APP_ID,
      appSecret: APP_SECRET,
      encryptKey: ENCRYPT_KEY,
      verificationToken: VT,
      webhookUrl: 'http://127.0.0.1:9/unused',
      directory: DIRECTORY,
      clock: () => now,
    });
    client = newClient();
  });
  afterEach(() => sandbox.close());

  async function createChat(uuid = 'suggestion-42') {
    const res = await client.im.v1.chat.create({
      params: { user_id_type: 'open_id', uuid },
      data: { name: '建议 #42 <督办>', description: '关于公交线路的建议', user_id_list: [ALICE, BOB] },
    });
    return res.data!.chat_id!;
  }

  async function sendCard(chatId: string, content: unknown = card('Suggestion 42'), uuid?: string) {
    const res = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(content), ...(uuid && { uuid }) },
    });
    return res.data!;
  }

  it('creates one chat per uuid, adds members and reads the chat back', async () => {
    const first = await client.im.v1.chat.create({
      params: { user_id_type: 'open_id', uuid: 'suggestion-42' },
      data: { name: '建议 #42', user_id_list: [ALICE] },
    });
    expect(first.code).toBe(0);
    expect(first.data?.chat_id).toMatch(/^oc_[0-9a-f]{32}$/);
    now = new Date(now.getTime() + 9 * 3600_000);
    // Tokens expire on the fake's clock (2 h) while the SDK's cache runs on the wall clock, so
    // after a jump the cached token is refused (99991663) and a client must fetch a new one.
    client = newClient();
    const again = await client.im.v1.chat.create({
      params: { user_id_type: 'open_id', uuid: 'suggestion-42' },
      data: { name: '建议 #42', user_id_list: [ALICE] },
    });
    expect(again.data?.chat_id).toBe(first.data?.chat_id);
    expect(sandbox.fake.chats()).toHaveLength(1);

    const chatId = first.data!.chat_id!;
    const added = await client.im.v1.chatMembers.create({
      path: { chat_id: chatId },
      params: { member_id_type: 'open_id', succeed_type: 1 },
      data: { id_list: [BOB, 'ou_nothex', ALICE] },
    });
    expect(added.data).toEqual({ invalid_id_list: [], not_existed_id_list: ['ou_nothex'], pending_approval_id_list: [] });
    expect(sandbox.fake.chat(chatId)!.members).toEqual([ALICE, BOB]);

    const strict = await refusal(
      client.im.v1.chatMembers.create({ path: { chat_id: chatId }, params: { member_id_type: 'open_id' }, data: { id_list: [CAROL, 'bogus'] } }),
    );
    expect(strict).toMatchObject({ status: 400, code: 232043 });
    expect(sandbox.fake.chat(chatId)!.members).not.toContain(CAROL);

    const unknownChat = await refusal(
      client.im.v1.chatMembers.create({ path: { chat_id: 'oc_0000' }, params: { member_id_type: 'open_id' }, data: { id_list: [CAROL] } }),
    );
    expect(unknownChat.code).toBe(232009);

    // The SDK sends `{}` as the body of this GET.
    const got = await client.im.v1.chat.get({ path: { chat_id: chatId }, params: { user_id_type: 'open_id' } });
    expect(got.data).toMatchObject({ name: '建议 #42', user_count: '2', bot_count: '1', chat_status: 'normal' });

    // After 10 h the same uuid makes a new chat.
    now = new Date(now.getTime() + 2 * 3600_000);
    client = newClient();
    const later = await client.im.v1.chat.create({ params: { uuid: 'suggestion-42' }, data: { name: '建议 #42' } });
    expect(later.data?.chat_id).not.toBe(chatId);
  });

  it('sends, replies, patches and urges as Lark answers them', async () => {
    const chatId = await createChat();
    const sent = await sendCard(chatId);
    expect(sent).toMatchObject({
      chat_id: chatId,
      msg_type: 'interactive',
      create_time: String(now.getTime()),
      deleted: false,
      updated: false,
      sender: { id: APP_ID, id_type: 'app_id', sender_type: 'app' },
    });
    expect(sent.message_id).toMatch(/^om_/);
    expect(JSON.parse(sent.body!.content!)).toEqual(card('Suggestion 42'));

    const text = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text: `请 <at user_id="${BOB}">李联络员</at> 办理` }) },
    });
    expect(JSON.parse(text.data!.body!.content!)).toEqual({ text: '请 @_user_1 办理' });
    expect(text.data!.mentions).toEqual([expect.objectContaining({ key: '@_user_1', id: BOB, name: '李联络员' })]);

    const reply = await client.im.v1.message.reply({
      path: { message_id: sent.message_id! },
      data: { msg_type: 'text', content: JSON.stringify({ text: 'noted' }), reply_in_thread: true, uuid: 'reply-1' },
    });
    expect(reply.data).toMatchObject({ root_id: sent.message_id, parent_id: sent.message_id, chat_id: chatId });
    expect(reply.data!.thread_id).toMatch(/^omt_/);

    now = new Date(now.getTime() + 60_000);
    const patched = await client.im.v1.message.patch({
      path: { message_id: sent.message_id! },
      data: { content: JSON.stringify(card('Suggestion 42 — accepted')) },
    });
    expect(patched).toMatchObject({ code: 0, msg: 'ok' });

    const urgent = await client.im.v1.message.urgentApp({
      path: { message_id: sent.message_id! },
      params: { user_id_type: 'open_id' },
      data: { user_id_list: [BOB, CAROL] },
    });
    expect(urgent.data).toEqual({ invalid_user_id_list: [CAROL] });

    const direct = await client.im.v1.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: CAROL, msg_type: 'text', content: '{"text":"a direct message"}' },
    });
    expect(sandbox.fake.chat(direct.data!.chat_id!)).toMatchObject({ chatType: 'p2p', members: [CAROL] });
    const nobody = await refusal(
      client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: 'ou_', msg_type: 'text', content: '{"text":"x"}' } }),
    );
    expect(nobody.code).toBe(99992351);

    const messages = sandbox.fake.messagesIn(chatId);
    expect(messages.map((m) => m.msgType)).toEqual(['interactive', 'text', 'text']);
    const stored = messages[0]!;
    expect(stored.revisions).toHaveLength(1);
    expect(stored.updated).toBe(true);
    expect((stored.body as any).header.title.content).toBe('Suggestion 42 — accepted');
    expect(stored.urgents).toEqual([{ kind: 'app', at: now.getTime(), userIds: [BOB], invalidUserIds: [CAROL] }]);
    expect(sandbox.fake.requestCount('PATCH /open-apis/im/v1/messages/:message_id')).toBe(1);

    const state = (await (await fetch(`${sandbox.url}/sandbox/state`)).json()) as any;
    expect(state.chats[0].messages).toHaveLength(3);
    expect(state.requests['POST /open-apis/im/v1/messages']).toBe(4);
    expect(state.refused).toEqual([expect.objectContaining({ code: 99992351, status: 400 })]);
  });

  it('does not store a second message for a repeated uuid', async () => {
    const chatId = await createChat();
    const a = await sendCard(chatId, card('A'), 'outbox-7');
    const b = await sendCard(chatId, card('A'), 'outbox-7');
    expect(b.message_id).toBe(a.message_id);
    expect(sandbox.fake.messagesIn(chatId)).toHaveLength(1);
    now = new Date(now.getTime() + 3600_000 + 1);
    const c = await sendCard(chatId, card('A'), 'outbox-7');
    expect(c.message_id).not.toBe(a.message_id);
  });

  it('refuses cards Lark refuses', async () => {
    const chatId = await createChat();
    const big = card('big', [{ tag: 'markdown', content: 'x'.repeat(31 * 1024) }]);
    const tooLong = await refusal(sendCard(chatId, big));
    expect(tooLong).toMatchObject({ status: 400, code: 230025 });

    const malformed = await refusal(
      client.im.v1.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: chatId, msg_type: 'interactive', content: '{"schema":"2.0",' },
      }),
    );
    expect(malformed.code).toBe(230099);

    const removedTag = await refusal(sendCard(chatId, card('old', [{ tag: 'action', actions: [] }])));
    expect(removedTag.code).toBe(230099);
    expect(removedTag.msg).toContain('200861');

    const v1 = { config: { update_multi: true }, elements: [{ tag: 'div', text: { tag: 'lark_md', content: 'v1' } }] };
    const sent = await sendCard(chatId);
    const downgrade = await refusal(client.im.v1.message.patch({ path: { message_id: sent.message_id! }, data: { content: JSON.stringify(v1) } }));
    expect(downgrade.code).toBe(230099);

    expect(sandbox.fake.messagesIn(chatId)).toHaveLength(1);
    expect(sandbox.fake.state.refused.map((r) => r.code)).toEqual([230025, 230099, 230099, 230099]);
  });

  it('enforces the 14-day edit window, the sender rules and bot membership', async () => {
    const chatId = await createChat();
    const sent = await sendCard(chatId);
    const text = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'text', content: '{"text":"hi"}' },
    });
    expect((await refusal(client.im.v1.message.patch({ path: { message_id: text.data!.message_id! }, data: { content: '{}' } }))).code).toBe(230001);

    const person = await sandbox.events.sendMessageEvent({ chatId, senderOpenId: ALICE, text: 'hello' });
    const urgentOnTheirs = await refusal(
      client.im.v1.message.urgentApp({ path: { message_id: person.messageId }, params: { user_id_type: 'open_id' }, data: { user_id_list: [BOB] } }),
    );
    expect(urgentOnTheirs.code).toBe(230012);

    now = new Date(now.getTime() + 14 * 24 * 3600_000 + 1000);
    client = newClient();
    const late = await refusal(
      client.im.v1.message.patch({ path: { message_id: sent.message_id! }, data: { content: JSON.stringify(card('late')) } }),
    );
    expect(late.code).toBe(230031);

    sandbox.fake.removeBotFromChat(chatId);
    expect((await refusal(sendCard(chatId))).code).toBe(230002);
  });

  it('limits sends to 5 per second per chat', async () => {
    const chatId = await createChat();
    for (let i = 0; i < 5; i++) await sendCard(chatId, card(`n${i}`));
    const sixth = await refusal(sendCard(chatId, card('n5')));
    expect(sixth).toMatchObject({ status: 400, code: 230020 });
    // Replies to the same chat share the limit.
    const first = sandbox.fake.messagesIn(chatId)[0]!;
    const reply = await refusal(
      client.im.v1.message.reply({ path: { message_id: first.messageId }, data: { msg_type: 'text', content: '{"text":"r"}' } }),
    );
    expect(reply.code).toBe(230020);
    now = new Date(now.getTime() + 1000);
    await sendCard(chatId, card('n6'));
    expect(sandbox.fake.messagesIn(chatId)).toHaveLength(6);
  });

  it('limits PATCH to 5 per second per message', async () => {
    const chatId = await createChat();
    const sent = await sendCard(chatId);
    for (let i = 0; i < 5; i++) {
      await client.im.v1.message.patch({ path: { message_id: sent.message_id! }, data: { content: JSON.stringify(card(`v${i}`)) } });
    }
    const sixth = await refusal(client.im.v1.message.patch({ path: { message_id: sent.message_id! }, data: { content: JSON.stringify(card('v5')) } }));
    expect(sixth.code).toBe(230020);
  });

  it('answers 429 with x-ogw-ratelimit-reset past 50 calls a second to one API', async () => {
    const chatId = await createChat();
    for (let i = 0; i < 50; i++) await client.im.v1.chat.get({ path: { chat_id: chatId } });
    const limited = await refusal(client.im.v1.chat.get({ path: { chat_id: chatId } }));
    expect(limited).toMatchObject({ status: 429, code: 99991400, msg: 'request trigger frequency limit' });
    expect(limited.headers['x-ogw-ratelimit-limit']).toBe('50');
    expect(limited.headers['x-ogw-ratelimit-reset']).toBe('1');
    expect(limited.headers['x-tt-logid']).toBeTruthy();
    // Other APIs have their own budget; the limited one recovers after a second.
    await sendCard(chatId);
    now = new Date(now.getTime() + 1000);
    await client.im.v1.chat.get({ path: { chat_id: chatId } });
  });

  it('refuses revoked, expired and missing tokens', async () => {
    const chatId = await createChat();
    sandbox.fake.expireAllTokens();
    // The SDK keeps using its cached token: the bot must drop it and fetch a new one.
    const revoked = await refusal(client.im.v1.chat.get({ path: { chat_id: chatId } }));
    expect(revoked).toMatchObject({ status: 400, code: 99991663, msg: 'Invalid access token for authorization' });
    client = newClient();
    await client.im.v1.chat.get({ path: { chat_id: chatId } });

    now = new Date(now.getTime() + 7200_000);
    expect((await refusal(client.im.v1.chat.get({ path: { chat_id: chatId } }))).code).toBe(99991663);

    const missing = await fetch(`${sandbox.url}/open-apis/im/v1/chats/${chatId}`);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as any).code).toBe(99991661);

    const badSecret = await fetch(`${sandbox.url}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: APP_ID, app_secret: 'wrong' }),
    });
    expect(((await badSecret.json()) as any).code).toBe(10014);

    const token = (await (
      await fetch(`${sandbox.url}/open-apis/auth/v3/tenant_access_token/internal`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_id: APP_ID, app_secret: APP_SECRET }),
      })
    ).json()) as any;
    expect(token).toMatchObject({ code: 0, expire: 7200 });
    expect(token.tenant_access_token).toMatch(/^t-/);
    expect(token.data).toBeUndefined();
  });

  it('injects faults a given number of times', async () => {
    const chatId = await createChat();
    sandbox.fake.faults.add({ method: 'POST', path: '/open-apis/im/v1/messages', status: 500, times: 3 });
    for (let i = 0; i < 3; i++) expect((await refusal(sendCard(chatId))).status).toBe(500);
    await sendCard(chatId);
    expect(sandbox.fake.messagesIn(chatId)).toHaveLength(1);

    sandbox.fake.faults.add({ path: /\/reply$/, status: 429, headers: { 'x-ogw-ratelimit-reset': '3' } });
    const first = sandbox.fake.messagesIn(chatId)[0]!;
    const limited = await refusal(
      client.im.v1.message.reply({ path: { message_id: first.messageId }, data: { msg_type: 'text', content: '{"text":"r"}' } }),
    );
    expect(limited).toMatchObject({ status: 429, code: 99991400 });
    expect(limited.headers['x-ogw-ratelimit-reset']).toBe('3');

    // Applied, but the answer is lost: the uuid makes the retry safe.
    sandbox.fake.faults.add({ method: 'POST', path: '/open-apis/im/v1/messages', status: 502, mode: 'after' });
    expect((await refusal(sendCard(chatId, card('lost'), 'outbox-9'))).status).toBe(502);
    const retried = await sendCard(chatId, card('lost'), 'outbox-9');
    expect(sandbox.fake.messagesIn(chatId).filter((m) => m.messageId === retried.message_id)).toHaveLength(1);
    expect(sandbox.fake.messagesIn(chatId)).toHaveLength(2);

    const viaHttp = await fetch(`${sandbox.url}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'GET', pathRegex: '^/open-apis/im/v1/chats/', status: 503, times: 2, delayMs: 20 }),
    });
    expect(viaHttp.status).toBe(200);
    expect((await refusal(client.im.v1.chat.get({ path: { chat_id: chatId } }))).status).toBe(503);
    expect((await refusal(client.im.v1.chat.get({ path: { chat_id: chatId } }))).status).toBe(503);
    expect((await client.im.v1.chat.get({ path: { chat_id: chatId } })).code).toBe(0);
  });

  it('performs a slow call even when its caller gives up waiting, and the same uuid again stores nothing more', async () => {
    const chatId = await createChat();
    const token = (await (
      await fetch(`${sandbox.url}/open-apis/auth/v3/tenant_access_token/internal`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_id: APP_ID, app_secret: APP_SECRET }),
      })
    ).json()) as { tenant_access_token: string };
    sandbox.fake.faults.add({ method: 'POST', path: '/open-apis/im/v1/messages', delayMs: 300 });
    const gaveUp = new AbortController();
    const call = fetch(`${sandbox.url}/open-apis/im/v1/messages?receive_id_type=chat_id`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.tenant_access_token}` },
      body: JSON.stringify({ receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card('slow')), uuid: 'outbox-slow' }),
      signal: gaveUp.signal,
    });
    setTimeout(() => gaveUp.abort(), 50);
    await expect(call).rejects.toThrow();
    expect(sandbox.fake.messagesIn(chatId)).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stored = sandbox.fake.messagesIn(chatId);
    expect(stored.map((m) => m.uuid)).toEqual(['outbox-slow']);
    expect((await sendCard(chatId, card('slow'), 'outbox-slow')).message_id).toBe(stored[0]!.messageId);
    expect(sandbox.fake.messagesIn(chatId)).toHaveLength(1);
  });

  it('renders the UI with everything escaped', async () => {
    const chatId = await createChat();
    await sendCard(chatId, card('<img src=x onerror=alert(1)>'));
    const html = await (await fetch(`${sandbox.url}/?as=${ALICE}&chat=${chatId}`)).text();
    expect(html).toContain('建议 #42 &lt;督办&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('name="field:reason"');
  });
});

describe('event sender', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  afterEach(() => receiver?.close());

  const sender = (extra: Partial<Parameters<typeof createEventSender>[0]> = {}) =>
    createEventSender({ webhookUrl: receiver.url, encryptKey: ENCRYPT_KEY, verificationToken: VT, appId: APP_ID, tenantKey: 'tk1', ...extra });

  it('delivers im.message.receive_v1 encrypted and signed, exactly as documented', async () => {
    receiver = await startReceiver(ENCRYPT_KEY);
    const events = sender({ botOpenId: CAROL, botName: 'duban' });
    const result = await events.sendMessageEvent({
      chatId: 'oc_abc',
      senderOpenId: ALICE,
      text: 'hello "there"',
      mentionBot: true,
      mentions: [{ openId: BOB, name: '李联络员' }],
    });
    expect(result.status).toBe(200);
    const [got] = receiver.received;
    expect(Object.keys(JSON.parse(got!.raw))).toEqual(['encrypt']);
    expect(got!.raw).not.toMatch(/\s/);
    expect(got!.headers['x-lark-request-timestamp']).toMatch(/^\d{10}$/);
    expect(got!.headers['x-lark-request-nonce']).toBeTruthy();
    expect(got!.headers['x-lark-signature']).toMatch(/^[0-9a-f]{64}$/);
    const { plain } = got!;
    expect(plain.schema).toBe('2.0');
    expect(plain.header).toEqual({
      event_id: result.eventId,
      event_type: 'im.message.receive_v1',
      create_time: expect.stringMatching(/^\d{13}$/),
      token: VT,
      app_id: APP_ID,
      tenant_key: 'tk1',
    });
    expect(plain.event.sender).toEqual({ sender_id: { union_id: expect.stringMatching(/^on_/), open_id: ALICE }, sender_type: 'user', tenant_key: 'tk1' });
    const message = plain.event.message;
    expect(message).toMatchObject({ message_id: result.messageId, chat_id: 'oc_abc', chat_type: 'group', message_type: 'text' });
    expect(message.create_time).toBe(plain.header.create_time);
    expect(typeof message.content).toBe('string');
    expect(JSON.parse(message.content)).toEqual({ text: '@_user_1 @_user_2 hello "there"' });
    expect(message.mentions.map((m: any) => [m.key, m.id.open_id, m.name])).toEqual([
      ['@_user_1', CAROL, 'duban'],
      ['@_user_2', BOB, '李联络员'],
    ]);
    expect(message.root_id).toBeUndefined();
  });

  it('delivers card.action.trigger with µs create_time and form_value, and returns the answer', async () => {
    receiver = await startReceiver(ENCRYPT_KEY);
    const result = await sender().pressButton({
      chatId: 'oc_abc',
      messageId: 'om_card',
      operatorOpenId: BOB,
      value: { cmd: 'reply', id: '42' },
      formValue: { reason: '已办结', unit: 'jtw' },
      name: 'submit_reply',
    });
    expect(result.status).toBe(200);
    expect(result.toast).toEqual({ type: 'success', content: 'done: reply' });
    const { plain } = receiver.received[0]!;
    expect(plain.header).toMatchObject({ event_type: 'card.action.trigger', token: VT, app_id: APP_ID, event_id: result.eventId });
    expect(plain.header.create_time).toMatch(/^\d{16}$/);
    expect(plain.event).toEqual({
      operator: { tenant_key: 'tk1', open_id: BOB, union_id: expect.stringMatching(/^on_/) },
      token: expect.stringMatching(/^c-/),
      action: {
        value: { cmd: 'reply', id: '42' },
        tag: 'button',
        timezone: 'Asia/Shanghai',
        name: 'submit_reply',
        form_value: { reason: '已办结', unit: 'jtw' },
      },
      host: 'im_message',
      context: { open_message_id: 'om_card', open_chat_id: 'oc_abc' },
    });
  });

  it('redelivers the same event_id with a fresh signature', async () => {
    receiver = await startReceiver(ENCRYPT_KEY);
    const events = sender();
    const first = await events.sendMessageEvent({ chatId: 'oc_abc', senderOpenId: ALICE, text: 'once' });
    const again = await events.redeliver(first.eventId);
    expect(again.status).toBe(200);
    const [a, b] = receiver.received;
    expect(b!.plain).toEqual(a!.plain);
    expect(b!.plain.header.event_id).toBe(first.eventId);
    expect(b!.headers['x-lark-request-nonce']).not.toBe(a!.headers['x-lark-request-nonce']);
    expect(b!.headers['x-lark-signature']).not.toBe(a!.headers['x-lark-signature']);

    const copy = await events.resendAsNewEvent(first.eventId);
    expect(copy.eventId).not.toBe(first.eventId);
    expect(receiver.received[2]!.plain.event.message.message_id).toBe(first.messageId);
  });

  it('can send a stale timestamp, a wrong signature or a wrong token', async () => {
    receiver = await startReceiver(ENCRYPT_KEY);
    const events = sender();
    const input = { chatId: 'oc_abc', senderOpenId: ALICE, text: 'x' };
    expect((await events.sendMessageEvent(input, { timestampOffsetSeconds: -3600 })).status).toBe(401);
    expect((await events.sendMessageEvent(input, { badSignature: true })).status).toBe(401);
    expect((await events.sendMessageEvent(input, { token: 'wrong' })).status).toBe(401);
    expect((await events.sendMessageEvent(input)).status).toBe(200);
    const raw = await events.sendRaw('{"encrypt": 42', { 'x-test': '1' });
    expect(raw.status).toBe(400);
  });

  it('sends the URL-verification challenge plain and encrypted, unsigned', async () => {
    receiver = await startReceiver(ENCRYPT_KEY);
    const events = sender();
    const plain = await events.challenge();
    expect(plain.ok).toBe(true);
    expect(JSON.parse(receiver.received[0]!.raw)).toEqual({ challenge: plain.challenge, token: VT, type: 'url_verification' });
    const encrypted = await events.challenge({ encrypted: true });
    expect(encrypted.ok).toBe(true);
    const got = receiver.received[1]!;
    expect(Object.keys(JSON.parse(got.raw))).toEqual(['encrypt']);
    expect(got.plain).toEqual({ challenge: encrypted.challenge, token: VT, type: 'url_verification' });
    expect(got.headers['x-lark-signature']).toBeUndefined();
    expect((await events.challenge({ token: 'wrong' })).ok).toBe(false);
  });

  it('sends plaintext without signature headers when there is no Encrypt Key, and marks app senders', async () => {
    receiver = await startReceiver(undefined);
    const events = createEventSender({ webhookUrl: receiver.url, verificationToken: VT, appId: APP_ID });
    await events.sendMessageEvent({ chatId: 'oc_abc', senderOpenId: ALICE, text: 'own', senderType: 'app' });
    const got = receiver.received[0]!;
    expect(JSON.parse(got.raw).header.event_type).toBe('im.message.receive_v1');
    expect(got.headers['x-lark-signature']).toBeUndefined();
    expect(got.plain.event.sender.sender_type).toBe('app');
  });

  it('retries a failed delivery on the configured schedule with the same event_id', async () => {
    let failures = 2;
    receiver = await startReceiver(ENCRYPT_KEY, () => (failures-- > 0 ? new Response('busy', { status: 503 }) : undefined));
    const events = sender({ retries: { delaysMs: [10, 10, 10] } });
    const first = await events.sendMessageEvent({ chatId: 'oc_abc', senderOpenId: ALICE, text: 'retry me' });
    expect(first.status).toBe(503);
    await events.idle();
    expect(events.deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 503],
      [2, 503],
      [3, 200],
    ]);
    expect(new Set(receiver.received.map((r) => r.plain.header.event_id))).toEqual(new Set([first.eventId]));
  });

  it('treats a slow answer as a failure (timeout)', async () => {
    receiver = await startReceiver(ENCRYPT_KEY, () => undefined);
    const slow = new Hono();
    slow.post('/', async (c) => {
      await new Promise((r) => setTimeout(r, 300));
      return c.json({});
    });
    let server!: ServerType;
    const url = await new Promise<string>((resolve) => {
      server = serve({ fetch: slow.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}/`));
    });
    try {
      const press = await createEventSender({ webhookUrl: url, verificationToken: VT, appId: APP_ID, timeoutMs: 50 }).pressButton({
        chatId: 'oc_abc',
        messageId: 'om_x',
        operatorOpenId: ALICE,
        value: { cmd: 'x' },
      });
      expect(press.timedOut).toBe(true);
      expect(press.clientError?.code).toBe(200341);
    } finally {
      server.close();
    }
  });
});

describe('sandbox end to end: UI → event sender → bot → fake', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let sandbox: RunningSandbox;
  afterEach(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  it('a button pressed in the UI reaches the bot, and the card it returns replaces the message', async () => {
    receiver = await startReceiver(ENCRYPT_KEY, (plain) =>
      plain.header.event_type === 'card.action.trigger'
        ? Response.json({ toast: { type: 'success', content: '已提交' }, card: { type: 'raw', data: card('Replied') } })
        : undefined,
    );
    sandbox = await startSandbox({
      appId: APP_ID,
      appSecret: APP_SECRET,
      encryptKey: ENCRYPT_KEY,
      verificationToken: VT,
      webhookUrl: () => receiver.url,
      directory: DIRECTORY,
    });
    const client = new lark.Client({ appId: APP_ID, appSecret: APP_SECRET, domain: sandbox.url, logger: quiet, cache: new lark.DefaultCache() });
    const chat = await client.im.v1.chat.create({ params: { uuid: 'e2e' }, data: { name: 'e2e', user_id_list: [ALICE, BOB] } });
    const chatId = chat.data!.chat_id!;
    const sent = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card('Suggestion 42')) },
    });
    const messageId = sent.data!.message_id!;

    // The form's submit button is the second button of the card (index 1).
    const form = new URLSearchParams({ as: BOB, chat: chatId, message: messageId, button: '1', 'field:reason': '已办结', 'field:unit': 'zjw' });
    const res = await fetch(`${sandbox.url}/sandbox/ui/press`, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(decodeURIComponent(res.headers.get('location')!.replace(/\+/g, ' '))).toContain('success: 已提交');

    const action = receiver.received.at(-1)!.plain.event.action;
    expect(action).toMatchObject({ value: { cmd: 'reply', id: '42' }, name: 'submit_reply', form_value: { reason: '已办结', unit: 'zjw' } });
    const stored = sandbox.fake.message(messageId)!;
    expect((stored.body as any).header.title.content).toBe('Replied');
    expect(stored.revisions.map((r) => r.source)).toEqual(['callback']);

    const say = new URLSearchParams({ as: ALICE, chat: chatId, text: '<b>hi</b>' });
    expect((await fetch(`${sandbox.url}/sandbox/ui/say`, { method: 'POST', body: say, redirect: 'manual' })).status).toBe(303);
    const posted = sandbox.fake.messagesIn(chatId).at(-1)!;
    expect(posted.sender).toEqual({ id: ALICE, idType: 'open_id', senderType: 'user' });
    expect(receiver.received.at(-1)!.plain.event.message.message_id).toBe(posted.messageId);
    const html = await (await fetch(`${sandbox.url}/?as=${ALICE}&chat=${chatId}`)).text();
    expect(html).toContain('&lt;b&gt;hi&lt;/b&gt;');
  });
  it('keeps Lark’s time on a clock moved forward: past 14 days a card can be neither updated (230031) nor pressed (the press never leaves the client; the UI says why)', async () => {
    // Unencrypted, so the receiver does not hold the moved clock's timestamps against the wall clock.
    receiver = await startReceiver(undefined, (plain) => (plain.header.event_type === 'card.action.trigger' ? Response.json({ toast: { type: 'info', content: 'ok' } }) : undefined));
    sandbox = await startSandbox({ appId: APP_ID, appSecret: APP_SECRET, verificationToken: VT, webhookUrl: () => receiver.url, directory: DIRECTORY });
    const client = () => new lark.Client({ appId: APP_ID, appSecret: APP_SECRET, domain: sandbox.url, logger: quiet, cache: new lark.DefaultCache() });
    const chat = await client().im.v1.chat.create({ params: { uuid: 'clock' }, data: { name: 'clock', user_id_list: [ALICE, BOB] } });
    const chatId = chat.data!.chat_id!;
    const sent = await client().im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card('Suggestion 42')) },
    });
    const messageId = sent.data!.message_id!;
    const clockApi = async (body?: unknown) => {
      const res = await fetch(`${sandbox.url}/sandbox/clock`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      return { status: res.status, body: (await res.json()) as any };
    };
    const press = () => sandbox.events.pressButton({ chatId, messageId, operatorOpenId: BOB, value: { cmd: 'reply', id: '42' } });
    const patch = () => client().im.v1.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(card('Updated')) } });

    const start = sandbox.fake.clock().getTime();
    expect((await clockApi()).body.moved_days).toBe(0);
    // Only forward, and only a number of days.
    for (const bad of [{ advance_days: -1 }, { advance_days: 0 }, { advance_days: '3' }, { days: 3 }, null]) {
      const res = await clockApi(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error).toContain('advance_days');
    }
    expect((await clockApi()).body.moved_days).toBe(0);

    // 13.9 days on: still pressable and updatable.
    const moved = await clockApi({ advance_days: 13.9 });
    expect(moved.status).toBe(200);
    expect(moved.body.moved_days).toBeCloseTo(13.9, 6);
    expect(Date.parse(moved.body.now) - start).toBeGreaterThanOrEqual(13.9 * DAY_MS);
    expect((await press()).toast).toEqual({ type: 'info', content: 'ok' });
    expect(receiver.received).toHaveLength(1);
    expect((await patch()).code).toBe(0);

    // In process too: a few hours more and the card is 14 days old.
    sandbox.fake.clock.advance(0.2 * DAY_MS);
    expect((await clockApi()).body.moved_days).toBeCloseTo(14.1, 6);
    expect((await refusal(patch())).code).toBe(230031);
    const refused = await press();
    expect(refused).toMatchObject({ status: 0, attempt: 0, clientError: { code: 230031, msg: expect.stringContaining('14 days') } });
    expect(receiver.received).toHaveLength(1);

    // The UI shows why, and sends nothing either.
    const form = new URLSearchParams({ as: BOB, chat: chatId, message: messageId, button: '0' });
    const res = await fetch(`${sandbox.url}/sandbox/ui/press`, { method: 'POST', body: form, redirect: 'manual' });
    expect(decodeURIComponent(res.headers.get('location')!.replace(/\+/g, ' '))).toContain('Lark would show error 230031');
    expect(receiver.received).toHaveLength(1);
    const html = await (await fetch(`${sandbox.url}/?as=${BOB}&chat=${chatId}`)).text();
    expect(html).toContain('sent more than 14 days ago');
    expect(html).toContain('moved 14.1 days');
  });
});

describe('the sandbox UI accepts presses and posts only from its own origin', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let sandbox: RunningSandbox;
  afterEach(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  it('a cross-origin POST gets 403 and changes nothing; the page itself (same origin) and non-browser clients are served', async () => {
    receiver = await startReceiver(ENCRYPT_KEY);
    sandbox = await startSandbox({ appId: APP_ID, appSecret: APP_SECRET, encryptKey: ENCRYPT_KEY, verificationToken: VT, webhookUrl: () => receiver.url, directory: DIRECTORY });
    const client = new lark.Client({ appId: APP_ID, appSecret: APP_SECRET, domain: sandbox.url, logger: quiet, cache: new lark.DefaultCache() });
    const chatId = (await client.im.v1.chat.create({ params: { uuid: 'origin' }, data: { name: 'origin', user_id_list: [ALICE, BOB] } })).data!.chat_id!;
    const say = (headers: Record<string, string>, text: string) =>
      fetch(`${sandbox.url}/sandbox/ui/say`, { method: 'POST', body: new URLSearchParams({ as: ALICE, chat: chatId, text }), redirect: 'manual', headers });
    const port = new URL(sandbox.url).port;

    const refused: Array<Record<string, string>> = [
      { origin: 'http://evil.example' },
      { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
      // A DNS name rebound to 127.0.0.1: same host and port as the request, but not loopback.
      { origin: `http://rebound.example:${port}`, host: `rebound.example:${port}` },
    ];
    for (const headers of refused) {
      const res = await say(headers, 'forged');
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(((await res.json()) as { error: string }).error).toMatch(/only from its own page/);
    }
    const clock = await fetch(`${sandbox.url}/sandbox/clock`, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{"advance_days":1}' });
    expect(clock.status).toBe(403);
    expect(sandbox.fake.messagesIn(chatId)).toHaveLength(0);
    expect(receiver.received).toHaveLength(0);

    // The page's own form post, as a browser sends it, and a client that is no browser.
    expect((await say({ origin: sandbox.url, 'sec-fetch-site': 'same-origin' }, 'from the page')).status).toBe(303);
    expect((await say({}, 'from a script')).status).toBe(303);
    expect(sandbox.fake.messagesIn(chatId).map((m) => JSON.parse(m.content).text)).toEqual(['from the page', 'from a script']);
    // Reading stays open, and the Open API still answers the bot.
    expect((await fetch(`${sandbox.url}/?as=${ALICE}&chat=${chatId}`, { headers: { origin: 'http://evil.example' } })).status).toBe(200);
  });
});
