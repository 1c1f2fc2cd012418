/**
 * LARK_EVENT_MODE=websocket (SPEC §6, §7, §9; API.md §6.3): duban's real server with the SDK's
 * real WSClient connected to the sandbox's long-connection endpoint, which speaks the SDK's own
 * protobuf frames. The whole e2e story runs over it too (vitest project "websocket"); here: what
 * travels which way, the connection dropped and regained with /healthz following it, events sent
 * while it was down arriving once, bad frames and bad events changing nothing, an unknown chat
 * handled as the webhook handles it, refused credentials, and the Workers build refusing the mode.
 */
import { rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LarkEventsStatus } from '../src/app/health.ts';
import { ConfigError } from '../src/app/config.ts';
import { startDuban, type RunningDuban } from '../src/runtimes/node/start-duban.ts';
import { startWranglerDev } from '../src/runtimes/node/wrangler-dev.ts';
import { tenantConfig } from '../src/runtimes/workers/tenants.ts';
import { startSandbox, type RunningSandbox } from '../src/sandbox/start-sandbox.ts';
import { startNodeLarkWorld } from './support/lark-world.ts';
import { assignmentCard, auditRows, buttonValue, importSuggestion, stateOf, storedMessages, tableCounts, visibleState, type NodeLarkWorld as LarkWorld } from './support/webhook-helpers.ts';
import { deputy, tempDir, unit } from './support/world.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const jtw = unit('jtw');
const d01 = deputy('d01');
const d02 = deputy('d02');

interface Healthz {
  ok: boolean;
  version: string;
  db: string;
  lark: LarkEventsStatus & { connection?: string; since?: string; error?: string };
}

async function healthz(url: string): Promise<Healthz> {
  return (await (await fetch(`${url}/healthz`)).json()) as Healthz;
}

/** Waits for something that happens on its own (a reconnect, a log line); fails with `what` if it never does. */
async function until<T>(probe: () => Promise<T | false | undefined> | T | false | undefined, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function openWorld(sandbox: Parameters<typeof startNodeLarkWorld>[1] = {}): Promise<LarkWorld> {
  const w = await startNodeLarkWorld({ LARK_EVENT_MODE: 'websocket' }, sandbox);
  await w.loadDirectory();
  return w;
}

describe('events and card presses over the long connection', () => {
  let w: LarkWorld;
  let s: { id: string; chatId: string };
  beforeAll(async () => {
    w = await openWorld();
    s = await importSuggestion(w, '1101');
  });
  afterAll(() => w?.close());

  it('/healthz says websocket, connected, since when; the SDK pinged and got its pong', async () => {
    const h = await healthz(w.duban.server.url);
    // (In November and December a calendar notice may stand beside these: test/calendar-notice.test.ts.)
    expect(h).toMatchObject({ ok: true, version: '0.1.0', db: 'ok', lark: { mode: 'websocket', connection: 'connected', since: expect.any(String) } });
    expect(Number.isNaN(Date.parse(h.lark.since!))).toBe(false);
    // The SDK pings as soon as it is connected; the pong carries the ClientConfig it then adopts.
    await until(() => w.sandbox.longConnection.stats.pongs >= 1, 'a ping answered');
    expect(w.sandbox.longConnection.stats.pings).toBeGreaterThanOrEqual(1);
  });

  it('a press travels as a pushed frame, its answer (toast and card) comes back in the SDK acknowledgement and is applied to the card', async () => {
    const { assignmentId, messageId } = assignmentCard(w, s.id, 'jtw');
    const pushes = w.sandbox.longConnection.stats.pushes;
    const revisions = w.revisions(messageId);
    const pressed = await w.press(messageId, '签收', jtw.liaison);
    expect(pressed.status).toBe(200);
    expect(pressed.toast).toMatchObject({ type: 'success', content: '已签收' });
    expect(pressed.cardUpdated).toBe(true);
    // The answer's card is applied at once; the outbox's own update of the same card may follow.
    expect(w.revisions(messageId)).toBeGreaterThan(revisions);
    expect(w.buttons(w.cardJson(messageId)).map((b) => b.label)).not.toContain('签收');
    expect(w.sandbox.longConnection.stats.pushes).toBe(pushes + 1);
    expect(stateOf(w, assignmentId)).toBe('signed');

    // Lark delivering it again (same event_id) has no second effect: the webhook's dedup.
    await w.drain();
    const before = { state: visibleState(w), audit: auditRows(w).length };
    const again = await w.sandbox.events.redeliver(pressed.eventId);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ toast: { type: 'info', content: '该操作已处理' } });
    await w.drain();
    expect(visibleState(w)).toEqual(before.state);
    expect(auditRows(w)).toHaveLength(before.audit);
  });

  it('a message is stored once per message_id, however often Lark sends it', async () => {
    const said = await w.sandbox.events.sendMessageEvent({ chatId: s.chatId, senderOpenId: d02, text: '请尽快答复' });
    expect(said.status).toBe(200);
    await w.sandbox.events.redeliver(said.eventId);
    await w.sandbox.events.resendAsNewEvent(said.eventId);
    expect(storedMessages(w, said.messageId)).toEqual([expect.objectContaining({ text: '请尽快答复', senderOpenId: d02, suggestionId: s.id })]);
  });
});

describe('the connection dropped and regained', () => {
  let w: LarkWorld;
  let s: { id: string; chatId: string };
  beforeAll(async () => {
    // Lark's retry schedule (15 s, 5 min, 1 h, 6 h) and the reconnect interval (120 s), scaled down.
    w = await openWorld({ retries: { delaysMs: [100, 300, 1000, 3000, 10_000] }, longConnection: { ReconnectInterval: 0.05, ReconnectNonce: 0 } });
    s = await importSuggestion(w, '1201');
  });
  afterAll(() => w?.close());

  it('/healthz follows it, the SDK reconnects by itself, and what Lark sent meanwhile arrives once', async () => {
    const url = w.duban.server.url;
    const first = await healthz(url);
    expect(first.lark).toMatchObject({ mode: 'websocket', connection: 'connected' });

    w.sandbox.longConnection.drop({ stayDown: true });
    const lost = await until(async () => {
      const h = await healthz(url);
      return h.lark.connection === 'connecting' && h;
    }, '/healthz to say connecting');
    expect(lost.ok).toBe(true);
    expect(lost.lark.since! >= first.lark.since!).toBe(true);

    // A message while the connection is down: Lark cannot deliver it, and retries.
    const boards = w.cardsOfKind(s.id, 'status_board').length;
    const said = await w.sandbox.events.sendMessageEvent({ chatId: s.chatId, senderOpenId: d01, text: '/status' });
    expect(said.status).toBe(0);
    expect(storedMessages(w, said.messageId)).toEqual([]);
    // A press while it is down: card callbacks are not retried; the person sees Lark's error.
    const { assignmentId, messageId } = assignmentCard(w, s.id, 'jtw');
    const pressed = await w.press(messageId, '签收', jtw.liaison);
    expect(pressed.clientError?.code).toBe(200671);
    expect(stateOf(w, assignmentId)).toBe('pending_sign');

    w.sandbox.longConnection.restore();
    const back = await until(async () => {
      const h = await healthz(url);
      return h.lark.connection === 'connected' && h;
    }, '/healthz to say connected again');
    expect(back.lark.since! >= lost.lark.since!).toBe(true);
    expect(w.sandbox.longConnection.stats.connects).toBe(2);
    expect(w.sandbox.longConnection.stats.refusedUpgrades).toBeGreaterThanOrEqual(1);

    await w.sandbox.events.idle();
    const attempts = w.sandbox.events.deliveries.filter((d) => d.eventId === said.eventId);
    expect(attempts.at(-1)).toMatchObject({ status: 200 });
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(storedMessages(w, said.messageId)).toHaveLength(1);
    await w.drain();
    expect(w.cardsOfKind(s.id, 'status_board')).toHaveLength(boards + 1);

    // Delivered once more after all: still one message, one board.
    expect((await w.sandbox.events.redeliver(said.eventId)).status).toBe(200);
    await w.drain();
    expect(storedMessages(w, said.messageId)).toHaveLength(1);
    expect(w.cardsOfKind(s.id, 'status_board')).toHaveLength(boards + 1);

    // And the press works now that the connection is back.
    expect((await w.press(messageId, '签收', jtw.liaison)).toast).toMatchObject({ type: 'success' });
  });
});

describe('bad input over the long connection changes nothing', () => {
  let w: LarkWorld;
  let s: { id: string; chatId: string };
  beforeAll(async () => {
    w = await openWorld();
    s = await importSuggestion(w, '1301');
  });
  afterAll(() => w?.close());
  afterEach(() => vi.restoreAllMocks());

  const logged = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((call) => call.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));

  it('a frame that cannot be decoded is logged with the reason; the connection stays up and the next event works', async () => {
    const errors = vi.spyOn(w.duban.runtime.logger, 'error');
    await w.drain();
    const before = { counts: tableCounts(w), health: await healthz(w.duban.server.url) };
    w.sandbox.longConnection.sendRaw(new TextEncoder().encode('this is not a protobuf frame'));
    const lines = await until(() => {
      const found = logged(errors).filter((l) => l.includes('failed to handle inbound frame'));
      return found.length > 0 && found;
    }, 'the log line');
    expect(lines[0]).toMatch(/failed to handle inbound frame: .*(wire type|offset|required)/);
    expect(tableCounts(w)).toEqual(before.counts);
    expect(await healthz(w.duban.server.url)).toEqual(before.health); // same state, same since
    const said = await w.sandbox.events.sendMessageEvent({ chatId: s.chatId, senderOpenId: d01, text: '还在吗' });
    expect(said.status).toBe(200);
    expect(storedMessages(w, said.messageId)).toHaveLength(1);
  });

  it('an envelope that is no schema 2.0 event is refused with the reason (the SDK answers 500, Lark would retry)', async () => {
    const warnings = vi.spyOn(w.duban.runtime.logger, 'warn');
    const before = tableCounts(w);
    const answer = await w.sandbox.longConnection.push(JSON.stringify({ schema: '2.0', header: { event_type: 'im.message.receive_v1' } }), undefined, 1);
    expect(answer.status).toBe(500);
    expect(logged(warnings).some((l) => l.includes('not a schema 2.0 event') && l.includes('lark long-connection event refused'))).toBe(true);
    expect(tableCounts(w)).toEqual(before);
  });

  it("an event carrying another app's verification token is refused; the same event with the right one is stored", async () => {
    const warnings = vi.spyOn(w.duban.runtime.logger, 'warn');
    const before = tableCounts(w);
    const forged = await w.sandbox.events.sendMessageEvent({ chatId: s.chatId, senderOpenId: d01, text: '冒充的消息' }, { token: 'another-apps-token' });
    expect(forged.status).toBe(500);
    expect(logged(warnings).some((l) => l.includes('the verification token does not match'))).toBe(true);
    expect(tableCounts(w)).toEqual(before);
    expect((await w.sandbox.events.redeliver(forged.eventId)).status).toBe(200);
    expect(storedMessages(w, forged.messageId)).toHaveLength(1);
  });
});

describe('an event for a chat that is no suggestion’s group', () => {
  let ws: LarkWorld;
  let webhook: LarkWorld;
  beforeAll(async () => {
    ws = await openWorld();
    webhook = await startNodeLarkWorld({ LARK_EVENT_MODE: 'webhook' });
    await webhook.loadDirectory();
  });
  afterAll(async () => {
    await ws?.close();
    await webhook?.close();
  });

  /** What the bot answers and keeps for a message, and a real card's button pressed, in an unknown chat. */
  async function outcome(w: LarkWorld) {
    const chatId = 'oc_0123456789abcdef0123456789abcdef';
    const s = await importSuggestion(w, '1401');
    const { messageId } = assignmentCard(w, s.id, 'jtw');
    const before = tableCounts(w);
    const said = await w.sandbox.events.sendMessageEvent({ chatId, senderOpenId: d01, text: '/status' });
    const pressed = await w.sandbox.events.pressButton({ chatId, messageId, operatorOpenId: jtw.liaison, value: buttonValue(w, messageId, '签收') });
    await w.drain();
    const after = tableCounts(w);
    return {
      message: { status: said.status, body: said.body, stored: storedMessages(w, said.messageId).map((m) => ({ chatId: m.chatId, suggestionId: m.suggestionId, text: m.text })) },
      press: { status: pressed.status, toast: pressed.toast, clientError: pressed.clientError },
      added: Object.fromEntries(Object.entries(after).map(([table, n]) => [table, n - before[table as keyof typeof before]])),
    };
  }

  it('is handled over the long connection exactly as the webhook handles it', async () => {
    const overWebhook = await outcome(webhook);
    const overLongConnection = await outcome(ws);
    expect(overWebhook.message.status).toBe(200);
    expect(overWebhook.press.toast).toMatchObject({ content: '这张卡片不属于本群' });
    expect(overLongConnection).toEqual(overWebhook);
  });
});

describe("the sandbox's long-connection endpoint, as the SDK reads it", () => {
  let sandbox: RunningSandbox;
  const APP_ID = 'cli_0123456789abcdef';
  beforeAll(async () => {
    sandbox = await startSandbox({ appId: APP_ID, appSecret: 'the-app-secret', verificationToken: 'vt', webhookUrl: 'http://127.0.0.1:9/unused', subscription: 'long_connection' });
  });
  afterAll(() => sandbox?.close());

  const discover = async (body: unknown) => (await (await fetch(`${sandbox.url}/callback/ws/endpoint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as any;

  /** An HTTP upgrade to `url`: the status Lark answers (101 when it opens). */
  const upgrade = (url: string) =>
    new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = httpRequest(url.replace(/^ws/, 'http'), { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' } });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve({ status: res.statusCode!, headers: res.headers });
      });
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode!, headers: res.headers });
      });
      req.on('error', reject);
      req.end();
    });

  it('answers a wrong secret with code 514 and an object as data (the SDK destructures it first, then gives up)', async () => {
    expect(await discover({ AppID: APP_ID, AppSecret: 'wrong' })).toEqual({ code: 514, msg: expect.stringContaining('auth failed'), data: {} });
  });

  it('hands out a URL whose device_id and service_id survive the SDK’s qs.parse of the whole URL, and a ticket good for one connection', async () => {
    const answer = await discover({ AppID: APP_ID, AppSecret: 'the-app-secret' });
    expect(answer).toMatchObject({ code: 0, data: { ClientConfig: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 } } });
    const url = answer.data.URL as string;
    // node-sdk ws-client/index.ts: `const { device_id, service_id } = qs.parse(URL)`.
    const parsed = Object.fromEntries(url.split('?')[1]!.split('&').map((kv) => kv.split('=')));
    expect(url.split('?')[1]!.startsWith('fpid=')).toBe(true);
    expect(parsed.device_id).toMatch(/^\d+$/);
    expect(parsed.service_id).toMatch(/^\d+$/);

    expect((await upgrade(url)).status).toBe(101);
    const reused = await upgrade(url);
    expect(reused.status).toBe(403);
    expect(reused.headers['handshake-msg']).toContain('invalid ticket');
    expect((await upgrade(url.replace(/ticket=[^&]+/, 'ticket=forged'))).status).toBe(403);
  });
});

describe('when the long connection cannot be had', () => {
  let sandbox: RunningSandbox | undefined;
  let duban: RunningDuban | undefined;
  afterEach(async () => {
    await duban?.close();
    await sandbox?.close();
    duban = sandbox = undefined;
  });

  const APP_ID = 'cli_a1b2c3d4e5f60718';
  async function startAgainstSandbox(secret: string) {
    sandbox = await startSandbox({ appId: APP_ID, appSecret: 'the-right-app-secret', verificationToken: 'vt', webhookUrl: 'http://127.0.0.1:9/unused', subscription: 'long_connection' });
    duban = await startDuban(
      { DATABASE_PATH: `${tempDir()}/duban.db`, PORT: '0', LOG_LEVEL: 'silent', LARK_EVENT_MODE: 'websocket', LARK_APP_ID: APP_ID, LARK_APP_SECRET: secret, LARK_BASE_URL: sandbox.url },
      undefined,
      { hostname: '127.0.0.1' },
    );
    return duban;
  }

  it('a refused app secret leaves it disconnected, with Lark’s reason in /healthz (the right secret connects)', async () => {
    const refused = await startAgainstSandbox('a-wrong-app-secret');
    await expect(refused.longConnection!.whenConnected()).rejects.toThrow(/code=514/);
    const h = await healthz(refused.server.url);
    expect(h).toMatchObject({ ok: true, db: 'ok', lark: { mode: 'websocket', connection: 'disconnected', error: expect.stringContaining('auth failed') } });
    expect(sandbox!.longConnection.stats.connects).toBe(0);
    await duban!.close();
    await sandbox!.close();

    const accepted = await startAgainstSandbox('the-right-app-secret');
    await accepted.longConnection!.whenConnected();
    expect((await healthz(accepted.server.url)).lark).toMatchObject({ connection: 'connected' });
  });

  it('webhook mode says so in /healthz', async () => {
    duban = await startDuban({ DATABASE_PATH: `${tempDir()}/duban.db`, PORT: '0', LOG_LEVEL: 'silent' }, undefined, { hostname: '127.0.0.1' });
    sandbox = undefined;
    expect((await healthz(duban.server.url)).lark).toEqual({ mode: 'webhook' });
    expect(duban.sandbox!.longConnection.stats.connects).toBe(0);
  });

  it('the Workers build refuses LARK_EVENT_MODE=websocket at the start of the tenant, saying why and what to do', async () => {
    const error = (() => {
      try {
        tenantConfig({ LARK_EVENT_MODE: 'websocket' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^LARK_EVENT_MODE websocket cannot run on Cloudflare Workers.*LARK_EVENT_MODE=webhook/)]);
    expect(tenantConfig({}).lark.eventMode).toBe('webhook');

    // The real Worker under wrangler dev: the tenant answers every request with the reason.
    const persistTo = tempDir('duban-ws-worker-');
    const worker = await startWranglerDev({ cwd: ROOT, port: 0, persistTo, vars: { LARK_EVENT_MODE: 'websocket' }, timeoutMs: 45_000 });
    try {
      const res = await fetch(`${worker.url}/healthz`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: { code: 'invalid_configuration', message: expect.stringContaining('LARK_EVENT_MODE websocket cannot run on Cloudflare Workers') } });
    } finally {
      await worker.stop();
      rmSync(persistTo, { recursive: true, force: true });
    }
  });
});
