/**
 * What only the Workers runtime does its own way (SPEC §11), against `npm run workers:dev` and the
 * Lark sandbox: the Cron Trigger's handler runs the sweep at the minutes DUBAN_SCHEDULE names, the
 * Durable Object's alarm drains the outbox with no request to wake it, and `wrangler dev` killed
 * (-9, its whole process group) in the middle of a burst and started again on the same state
 * delivers every Lark call exactly once.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../src/sandbox/start-sandbox.ts';
import { adminApi, drainOutbox, larkVariables, sandboxSecrets, startWorkersLarkWorld, ADMIN_TOKEN, type LarkWorld, type OutboxRow } from './support/lark-world.ts';
import { troubledBurst } from './support/burst.ts';
import { SEND_PATH, freePort, suggestionInput, waitFor } from './support/outbox-helpers.ts';
import { startWorkersDev, type WorkersDev } from './support/workers-dev.ts';
import { directory, tempDir } from './support/world.ts';

/** Asks `wrangler dev` to run the Worker's scheduled() handler as the Cron Trigger would at `at`. */
async function triggerCron(w: { url: string }, at: string): Promise<void> {
  const res = await fetch(`${w.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('* * * * *')}&time=${new Date(at).getTime()}`);
  expect(res.status, await res.text()).toBe(200);
}

/** The requests `wrangler dev` has logged serving (one line each). */
const servedRequests = (w: LarkWorld) => w.output().split('\n').filter((line) => /\[wrangler:info\] (GET|POST|PUT|PATCH|DELETE) \//.test(line));

describe('the Cron Trigger runs the sweep at the minutes DUBAN_SCHEDULE names', () => {
  let w: LarkWorld;
  beforeAll(async () => {
    w = await startWorkersLarkWorld({ DUBAN_SCHEDULE: '30 9 * * *', DUBAN_DIGEST_SCHEDULE: 'off' });
    await w.loadDirectory();
  });
  afterAll(() => w?.close());

  it('at 09:30 on a working day (Asia/Shanghai) the overdue 签收 is reminded in the group; at 09:31 nothing runs', async () => {
    // Assigned on 10 February: signing was due two working days later, long past on 10 March.
    const res = await w.api('POST', '/api/suggestions', suggestionInput('0901', { coUnits: [] }));
    expect(res.status).toBe(200);
    const id: string = res.body.items[0].id;
    await w.drain();
    const chatId = w.chatOf(id);
    const inGroup = () => w.sandbox.fake.messagesIn(chatId).length;
    const before = inGroup();

    const at = '2026-03-10T09:30:00+08:00'; // a Tuesday
    const planned = await w.api('POST', `/api/sweep?now=${encodeURIComponent(at)}&dry_run=true`);
    expect(planned.body.workingDay).toBe(true);
    expect(planned.body.reminders).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'sign', level: 'overdue', suggestionId: id })]));

    // A minute the schedule does not name first: had it run the sweep, the reminders (one per
    // deadline and day) would carry its time and the 09:30 run would find them already sent.
    await triggerCron(w, '2026-03-10T09:31:00+08:00');
    await triggerCron(w, at);
    await waitFor(
      async () => (await w.api('GET', `/api/suggestions/${id}`)).body.cards.some((c: { kind: string }) => c.kind === 'reminder'),
      20_000,
      () => 'no reminder card was queued after the 09:30 trigger',
    );
    await w.drain();

    // The operator's log says the same: the schedule ran once, for 09:30.
    const runs = w.output().split('\n').filter((line) => line.includes('"msg":"scheduled jobs"')).map((line) => JSON.parse(line.slice(line.indexOf('{'))));
    expect(runs.map((r) => [r.at, r.jobs])).toEqual([[new Date(at).toISOString(), ['sweep']]]);

    const reminders = w.cardsOfKind(id, 'reminder');
    expect(reminders.length).toBeGreaterThan(0);
    expect(reminders.map((c) => c.createdAt)).toEqual(reminders.map(() => new Date(at).toISOString()));
    // Each reminder card is in the group, as Lark shows it.
    const posted = w.sandbox.fake.messagesIn(chatId).slice(before);
    expect(posted.map((m) => m.messageId).sort()).toEqual(reminders.map((c) => c.messageId).sort());
    expect(posted.every((m) => m.msgType === 'interactive')).toBe(true);
    expect(inGroup()).toBe(before + reminders.length);
    // Everything the sweep planned for 09:30 has been sent.
    expect((await w.api('POST', `/api/sweep?now=${encodeURIComponent(at)}&dry_run=true`)).body.reminders).toEqual([]);
  });
});

describe("the Durable Object's alarm drains the outbox", () => {
  let w: LarkWorld;
  beforeAll(async () => {
    w = await startWorkersLarkWorld({ DUBAN_SCHEDULE: 'off', DUBAN_DIGEST_SCHEDULE: 'off' });
    await w.loadDirectory();
  });
  afterAll(() => w?.close());

  it('a send Lark refuses with 429 (reset 2 s) is retried after the reset and delivered, with no request to the Worker meanwhile', async () => {
    const sends = () => w.sandbox.fake.requestCount('POST /open-apis/im/v1/messages');
    w.sandbox.fake.faults.add({ method: 'POST', path: SEND_PATH, status: 429, headers: { 'x-ogw-ratelimit-reset': '2' }, times: 1 });
    const res = await w.api('POST', '/api/suggestions', suggestionInput('0902', { coUnits: [] }));
    expect(res.status).toBe(200);
    const id: string = res.body.items[0].id;
    // wrangler logs a request once it is served; the import's line marks where the quiet starts.
    await waitFor(() => servedRequests(w).some((line) => line.includes('POST /api/suggestions')), 10_000, () => servedRequests(w).join('\n'));
    const served = servedRequests(w);

    // Watched from Lark's side only: the group, its two cards (the assignment and the board).
    const group = () => w.sandbox.fake.chats().find((c) => c.chatType !== 'p2p');
    await waitFor(() => (group() ? w.sandbox.fake.messagesIn(group()!.chatId).length === 2 : false), 30_000, () => `sends so far: ${sends()}`);
    expect(servedRequests(w), 'no request reached the Worker while the outbox drained').toEqual(served);

    const [refused] = w.sandbox.fake.state.refused.filter((r) => r.status === 429);
    expect(refused).toBeDefined();
    expect(sends()).toBe(3); // two cards, one of them twice
    const [first, second] = w.sandbox.fake.messagesIn(group()!.chatId);
    expect(first!.createTime - refused!.at, 'retried only after the reset').toBeGreaterThanOrEqual(2000);

    // The operator's view agrees: each row sent, the refused one after two attempts.
    await w.drain();
    const rows = w.outboxRows().filter((r) => r.suggestionId === id);
    expect(rows.map((r) => [r.kind, r.status])).toEqual([
      ['create_chat', 'sent'],
      ['send_card', 'sent'],
      ['send_card', 'sent'],
    ]);
    expect(rows.slice(1).map((r) => [r.id, r.attempts])).toEqual([
      [first!.uuid, 2],
      [second!.uuid, 1],
    ]);
    expect(w.chatOf(id)).toBe(group()!.chatId);
  });
});

describe('wrangler dev killed (-9, the whole process group) in the middle of a burst', () => {
  const COUNT = 100;
  let sandbox: RunningSandbox | undefined;
  let worker: WorkersDev | undefined;
  afterAll(async () => {
    await worker?.kill('SIGKILL');
    await sandbox?.close();
  });

  it('started again on the same state, it delivers every Lark call exactly once: one group per suggestion, each card once, sent rows = what Lark has', async () => {
    const port = await freePort();
    const secrets = sandboxSecrets();
    sandbox = await startSandbox({ ...secrets, webhookUrl: () => `${worker?.url}/lark/events` });
    const fake = sandbox.fake;
    const vars = {
      PORT: String(port),
      DATABASE_PATH: join(tempDir('duban-workers-'), 'duban.db'),
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      DUBAN_SCHEDULE: 'off',
      DUBAN_DIGEST_SCHEDULE: 'off',
      ...larkVariables(secrets, sandbox),
    };
    worker = await startWorkersDev(vars);
    expect((await adminApi(worker.url, 'PUT', '/api/directory', directory)).status).toBe(200);

    const burst = troubledBurst(fake, COUNT, 500);

    const units = directory.units.map((u) => u.id);
    const deputies = directory.deputies.map((d) => d.id);
    const items = Array.from({ length: COUNT }, (_, i) => suggestionInput(String(3001 + i), { leadUnit: units[i % units.length]!, coUnits: [], leadDeputy: deputies[i % deputies.length]! }));
    const imported = await adminApi(worker.url, 'POST', '/api/suggestions', items);
    expect(imported.body.created, JSON.stringify(imported.body).slice(0, 300)).toBe(COUNT);
    const queued = (await adminApi(worker.url, 'GET', '/api/outbox')).body as OutboxRow[];
    expect(queued.filter((r) => r.kind === 'create_chat')).toHaveLength(COUNT);
    const expectedCards = queued.filter((r) => r.kind === 'send_card').length;
    expect(expectedCards).toBe(2 * COUNT); // one assignment card and the status board each

    await burst.midway();
    const atKill = burst.snapshot();
    await worker.kill('SIGKILL');
    burst.expectMidway(atKill, expectedCards);

    fake.faults.clear();
    worker = await startWorkersDev(vars);
    await drainOutbox(worker.url, 60_000);
    await burst.expectEachCallOnce(worker.url, expectedCards, atKill.stored);
  });
});
