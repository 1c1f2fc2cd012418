/**
 * The fetch Lark client (the Workers build's LarkApi) against the project's Lark sandbox over
 * real HTTP on loopback: what Lark ends up with after each call, how every kind of refusal is
 * classified for the outbox, the tenant-token rule, and that the SDK client and the fetch client
 * put the same requests on the wire for the same scenario.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFetchLarkClient, type FetchLarkClientOptions } from '../src/adapters/lark/fetch-lark-client.ts';
import { createLogger } from '../src/runtimes/node/logger.ts';
import type { LarkApi } from '../src/adapters/lark/lark-api.ts';
import { createSdkLarkClient } from '../src/adapters/lark/sdk-lark-client.ts';
import type { RunningSandbox } from '../src/sandbox/start-sandbox.ts';
import {
  ALICE, APP_ID, APP_SECRET, BOB, CAROL, GONE, NOBODY, SEND_ONLY, TOKEN_KEY,
  card, failure, recordScenario, startFixedSandbox, text, type WireRequest,
} from './support/lark-client-helpers.ts';

const SEND_KEY = 'POST /open-apis/im/v1/messages';

describe('the fetch Lark client against the sandbox', () => {
  let sandbox: RunningSandbox;
  let seen: { url: string; authorization: string | null }[];
  const fake = () => sandbox.fake;
  const tokenFetches = () => fake().requestCount(TOKEN_KEY);

  /** A client whose injected fetch only observes: every call still goes to the sandbox. */
  const client = (extra: Partial<FetchLarkClientOptions> = {}): LarkApi =>
    createFetchLarkClient({
      appId: APP_ID,
      appSecret: APP_SECRET,
      baseUrl: sandbox.url,
      fetch: (input, init) => {
        seen.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
        return fetch(input, init);
      },
      ...extra,
    });
  const newChat = async (api: LarkApi, uuid = 'chat-1') => (await api.createChat({ name: '建议 #42', description: '公交线路', memberOpenIds: [ALICE, BOB], uuid })).chatId;

  beforeEach(async () => {
    seen = [];
    sandbox = await startFixedSandbox();
  });
  afterEach(() => sandbox.close());

  it('fetches the tenant token once for concurrent calls, sends it on every call, and fetches again only near its expiry', async () => {
    let now = Date.parse('2026-03-02T02:00:00Z');
    const api = client({ now: () => now });
    const chats = await Promise.all([1, 2, 3, 4, 5].map((i) => newChat(api, `chat-${i}`)));
    expect(new Set(chats).size).toBe(5);
    expect(fake().chats()).toHaveLength(5);
    expect(tokenFetches()).toBe(1);

    const issued = fake().state.tokens.map((t) => t.token);
    expect(seen.filter((s) => s.url.includes('/im/v1/')).map((s) => s.authorization)).toEqual(chats.map(() => `Bearer ${issued[0]}`));
    expect(seen.find((s) => s.url.includes('tenant_access_token'))!.authorization).toBeNull();

    // Lark gives 7200 s; the client refreshes 3 minutes early, not before.
    now += (7200 - 180) * 1000 - 1000;
    await newChat(api, 'chat-6');
    expect(tokenFetches()).toBe(1);
    now += 2000;
    await newChat(api, 'chat-7');
    expect(tokenFetches()).toBe(2);
  });

  it('creates a chat once per uuid: the same uuid again returns the same chat', async () => {
    const api = client();
    const first = await newChat(api, 'outbox-row-1');
    expect(await newChat(api, 'outbox-row-1')).toBe(first);
    expect(fake().chats().map((c) => ({ id: c.chatId, name: c.name, members: c.members, type: c.chatType, uuid: c.uuid }))).toEqual([
      { id: first, name: '建议 #42', members: [ALICE, BOB], type: 'private', uuid: 'outbox-row-1' },
    ]);
    expect(new URL(seen.at(-1)!.url).search).toBe('?user_id_type=open_id&set_bot_manager=true&uuid=outbox-row-1');
    expect(await newChat(api, 'outbox-row-2')).not.toBe(first);
  });

  it('sends, replies, patches a card, adds members (reporting the invalid ones) and sends urgent app and sms', async () => {
    const api = client();
    const chatId = await newChat(api);
    const sent = await api.sendMessage({ chatId, msgType: 'interactive', content: card('Suggestion 42'), uuid: 'send-1' });
    const stored = fake().message(sent.messageId)!;
    expect(sent).toEqual({ messageId: stored.messageId, chatId, createTime: String(stored.createTime), rootId: undefined, parentId: undefined });
    expect(await api.sendMessage({ chatId, msgType: 'interactive', content: card('Suggestion 42'), uuid: 'send-1' })).toEqual(sent);

    const reply = await api.replyMessage({ messageId: sent.messageId, msgType: 'text', content: text('noted'), uuid: 'reply-1' });
    expect(reply).toMatchObject({ chatId, rootId: sent.messageId, parentId: sent.messageId });
    await api.patchMessage({ messageId: sent.messageId, content: card('Suggestion 42 — done') });

    expect(await api.addMembers({ chatId, openIds: [CAROL, GONE, NOBODY] })).toEqual({ invalidOpenIds: [GONE, NOBODY] });
    expect(await api.urgent({ messageId: sent.messageId, openIds: [ALICE, 'ou_abcdef'], channel: 'app' })).toEqual({ invalidOpenIds: ['ou_abcdef'] });
    expect(await api.urgent({ messageId: sent.messageId, openIds: [BOB, CAROL], channel: 'sms' })).toEqual({ invalidOpenIds: [] });

    // What the people in the group see.
    expect(fake().chat(chatId)!.members).toEqual([ALICE, BOB, CAROL]);
    const [cardMessage, replyMessage] = fake().messagesIn(chatId);
    expect(fake().messagesIn(chatId)).toHaveLength(2);
    expect(replyMessage).toMatchObject({ messageId: reply.messageId, msgType: 'text', body: { text: 'noted' }, parentId: sent.messageId, uuid: 'reply-1' });
    expect(cardMessage!.revisions.map((r) => [r.source, JSON.stringify(r.body)])).toEqual([['patch', card('Suggestion 42 — done')]]);
    expect(cardMessage!.urgents.map((u) => [u.kind, u.userIds])).toEqual([
      ['app', [ALICE]],
      ['sms', [BOB, CAROL]],
    ]);
  });

  it('HTTP 429 with x-ogw-ratelimit-reset (injected, and the sandbox’s own app limit) is rate_limited with the reset; 99991400 in a 400 too', async () => {
    const api = client();
    const chatId = await newChat(api);
    const send = (uuid: string) => api.sendMessage({ chatId, msgType: 'text', content: text('hi'), uuid });

    fake().faults.add({ method: 'POST', path: SEND_ONLY, status: 429, headers: { 'x-ogw-ratelimit-reset': '7' } });
    expect(await failure(send('a'))).toMatchObject({ kind: 'rate_limited', httpStatus: 429, code: 99991400, retryAfterMs: 7000 });
    fake().faults.add({ method: 'POST', path: SEND_ONLY, status: 400, body: { code: 99991400, msg: 'request trigger frequency limit' } });
    expect(await failure(send('a'))).toMatchObject({ kind: 'rate_limited', httpStatus: 400, code: 99991400, retryAfterMs: 1000 });
    expect(fake().messagesIn(chatId)).toHaveLength(0);
    await send('a');

    const limited = await startFixedSandbox({ appPerMinute: 2 });
    try {
      const own = createFetchLarkClient({ appId: APP_ID, appSecret: APP_SECRET, baseUrl: limited.url });
      await own.createChat({ name: 'x', description: '', memberOpenIds: [], uuid: 'c1' });
      await own.createChat({ name: 'x', description: '', memberOpenIds: [], uuid: 'c2' });
      const refused = await failure(own.createChat({ name: 'x', description: '', memberOpenIds: [], uuid: 'c3' }));
      expect(refused).toMatchObject({ kind: 'rate_limited', httpStatus: 429, code: 99991400, retryAfterMs: 60_000 });
      expect(limited.fake.chats()).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });

  it('230020, the per-chat limit of 5 sends a second, is rate_limited', async () => {
    const api = client();
    const chatId = await newChat(api);
    for (let i = 0; i < 5; i++) await api.sendMessage({ chatId, msgType: 'text', content: text(`${i}`), uuid: `s${i}` });
    const refused = await failure(api.sendMessage({ chatId, msgType: 'text', content: text('6'), uuid: 's6' }));
    expect(refused).toMatchObject({ kind: 'rate_limited', httpStatus: 400, code: 230020, retryAfterMs: 1000 });
    expect(fake().messagesIn(chatId)).toHaveLength(5);
  });

  it('a revoked token (99991663) is token_invalid and dropped: the next call fetches a new one and succeeds', async () => {
    const api = client();
    const chatId = await newChat(api);
    fake().expireAllTokens();
    const refused = await failure(api.sendMessage({ chatId, msgType: 'text', content: text('hi'), uuid: 'm1' }));
    expect(refused).toMatchObject({ kind: 'token_invalid', httpStatus: 400, code: 99991663 });
    expect(fake().messagesIn(chatId)).toHaveLength(0);
    expect(tokenFetches()).toBe(1); // the client does not retry by itself; the outbox does

    await api.sendMessage({ chatId, msgType: 'text', content: text('hi'), uuid: 'm1' });
    expect(tokenFetches()).toBe(2);
    expect(fake().messagesIn(chatId).map((m) => m.uuid)).toEqual(['m1']);
  });

  it('a late 99991663 for an old token does not drop the newer token another call fetched meanwhile', async () => {
    const api = client();
    const chatId = await newChat(api, 'c0');
    fake().faults.add({ method: 'POST', path: SEND_ONLY, delayMs: 800 });
    const slow = failure(api.sendMessage({ chatId, msgType: 'text', content: text('slow'), uuid: 'slow' }));
    await expect.poll(() => fake().requestCount(SEND_KEY)).toBe(1);
    fake().expireAllTokens();
    expect(await failure(newChat(api, 'c1'))).toMatchObject({ kind: 'token_invalid' }); // drops the old token
    await newChat(api, 'c2'); // fetches the new one
    expect(tokenFetches()).toBe(2);
    expect(await slow).toMatchObject({ kind: 'token_invalid', code: 99991663 }); // answered with the old one
    await newChat(api, 'c3');
    expect(tokenFetches()).toBe(2);
  });

  it('5xx is transient; an answer lost after Lark acted is recovered by the same uuid', async () => {
    const api = client();
    const chatId = await newChat(api);
    fake().faults.add({ method: 'POST', path: SEND_ONLY, status: 503 });
    expect(await failure(api.sendMessage({ chatId, msgType: 'text', content: text('a'), uuid: 'a' }))).toMatchObject({ kind: 'transient', httpStatus: 503 });
    expect(fake().messagesIn(chatId)).toHaveLength(0);

    fake().faults.add({ method: 'POST', path: SEND_ONLY, status: 502, mode: 'after' });
    expect(await failure(api.sendMessage({ chatId, msgType: 'text', content: text('b'), uuid: 'b' }))).toMatchObject({ kind: 'transient', httpStatus: 502 });
    const retried = await api.sendMessage({ chatId, msgType: 'text', content: text('b'), uuid: 'b' });
    expect(fake().messagesIn(chatId).map((m) => m.messageId)).toEqual([retried.messageId]);
  });

  it('a hung call (or token request) is transient after timeoutMs; Lark still performs the call and the same uuid finds it', async () => {
    const api = client({ timeoutMs: 150 });
    fake().faults.add({ path: '/open-apis/auth/v3/tenant_access_token/internal', delayMs: 1000 });
    const started = Date.now();
    expect(await failure(newChat(api))).toMatchObject({ kind: 'transient', message: expect.stringMatching(/no answer within 150 ms/) });
    expect(Date.now() - started).toBeLessThan(900);
    const chatId = await newChat(api);

    fake().faults.add({ method: 'POST', path: SEND_ONLY, delayMs: 1000 });
    expect(await failure(api.sendMessage({ chatId, msgType: 'text', content: text('late'), uuid: 'late' }))).toMatchObject({ kind: 'transient' });
    await expect.poll(() => fake().messagesIn(chatId).length, { timeout: 3000 }).toBe(1);
    const again = await api.sendMessage({ chatId, msgType: 'text', content: text('late'), uuid: 'late' });
    expect(fake().messagesIn(chatId).map((m) => m.messageId)).toEqual([again.messageId]);
  });

  it('an answer that is not JSON is classified by its status, a 2xx by its code; refusals are permanent; an unreachable Lark is transient', async () => {
    const api = client();
    const chatId = await newChat(api);
    const send = () => api.sendMessage({ chatId, msgType: 'text', content: text('x'), uuid: 'x' });
    fake().faults.add({ method: 'POST', path: SEND_ONLY, status: 502, body: '<html>502 Bad Gateway</html>' });
    expect(await failure(send())).toMatchObject({ kind: 'transient', httpStatus: 502, code: undefined, message: expect.stringContaining('not JSON') });
    fake().faults.add({ method: 'POST', path: SEND_ONLY, status: 429, body: 'slow down', headers: { 'x-ogw-ratelimit-reset': '5' } });
    expect(await failure(send())).toMatchObject({ kind: 'rate_limited', retryAfterMs: 5000 });
    fake().faults.add({ method: 'POST', path: SEND_ONLY, status: 200, body: 'OK' });
    expect(await failure(send())).toMatchObject({ kind: 'permanent', httpStatus: 200 });
    fake().faults.add({ method: 'POST', path: SEND_ONLY, status: 200, body: { code: 232019, msg: 'chat busy' } });
    expect(await failure(send())).toMatchObject({ kind: 'rate_limited', httpStatus: 200, code: 232019 });
    expect(fake().messagesIn(chatId)).toHaveLength(0);

    fake().removeBotFromChat(chatId);
    expect(await failure(send())).toMatchObject({ kind: 'permanent', httpStatus: 400, code: 230002 });
    const wrongSecret = createFetchLarkClient({ appId: APP_ID, appSecret: 'wrong', baseUrl: sandbox.url });
    expect(await failure(newChat(wrongSecret))).toMatchObject({ kind: 'permanent', code: 10014 });

    const gone = await startFixedSandbox();
    await gone.close();
    const unreachable = createFetchLarkClient({ appId: APP_ID, appSecret: APP_SECRET, baseUrl: gone.url });
    expect(await failure(newChat(unreachable))).toMatchObject({ kind: 'transient', httpStatus: undefined });
  });
});

describe('the SDK client and the fetch client are interchangeable', () => {
  it('the same scenario puts the same requests on the wire and leaves Lark in the same state', async () => {
    const options = { appId: APP_ID, appSecret: APP_SECRET, logger: createLogger('silent') };
    const viaSdk = await recordScenario((baseUrl) => createSdkLarkClient({ ...options, baseUrl }));
    const viaFetch = await recordScenario((baseUrl) => createFetchLarkClient({ ...options, baseUrl }));
    expect(viaFetch.wire).toEqual(viaSdk.wire);
    expect(viaFetch.lark).toEqual(viaSdk.lark);
    expect(viaFetch.returned).toEqual(viaSdk.returned);

    // And the scenario was what it says: two tokens, each uuid where the SDK puts it, one chat.
    const wire = viaFetch.wire as (WireRequest & { body: { uuid?: string } | undefined })[];
    expect(wire.filter((r) => r.path.endsWith('tenant_access_token/internal'))).toHaveLength(2);
    expect(wire.filter((r) => r.query.uuid === 'chat-1')).toHaveLength(2);
    expect(wire.filter((r) => r.body?.uuid).map((r) => r.body?.uuid)).toEqual(['send-1', 'reply-1', 'send-2', 'send-2', 'send-2', 'send-2']);
    expect(viaFetch.returned.kinds).toEqual([
      ['rate_limited', 429, 99991400, 3000],
      ['transient', 503, -1, null],
      ['token_invalid', 400, 99991663, null],
    ]);
    expect(viaFetch.lark.chats).toHaveLength(1);
  });
});
