/**
 * The durable outbox against a misbehaving Lark (SPEC §6, API.md §5): rate limits with their
 * reset header, 5xx, answers lost after Lark acted, a revoked token, a permanent refusal the admin
 * sees and retries, the per-chat limit, and a bot process killed in the middle of a burst.
 * Everything is asserted as a person in the group or the admin would notice it: each card and
 * text arrives exactly once, in the order it was queued, and what cannot be delivered is visible.
 *
 * The first five run the real server, the real outbox worker and the real SDK against the sandbox
 * in this process (test/support/lark-world.ts); the last runs `duban serve` as a child process.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EffectDraft } from '../src/core/effects.ts';
import { writeEffects } from '../src/adapters/sqlite/write-effects.ts';
import { startSandbox, type RunningSandbox } from '../src/sandbox/start-sandbox.ts';
import { loadAggregate } from '../src/adapters/sqlite/aggregate-store.ts';
import { freshDbPath, runCli, startCli, waitForExit, waitForOutput } from './support/cli.ts';
import { troubledBurst } from './support/burst.ts';
import { ADMIN_TOKEN, startNodeLarkWorld } from './support/lark-world.ts';
import {
  CREATE_CHAT_PATH,
  SEND_PATH,
  TOKEN_PATH,
  freePort,
  outboxOfFile,
  recordLarkCalls,
  suggestionInput,
  suggestionsCsv,
  waitFor,
  type LarkCallLog,
} from './support/outbox-helpers.ts';
import { directory, tempDir } from './support/world.ts';

type World = Awaited<ReturnType<typeof startNodeLarkWorld>>;
type Row = ReturnType<World['outboxRows']>[number];

const messageIdOf = (row: Row) => (row.result as { messageId?: string } | null)?.messageId;

describe('the outbox against a misbehaving Lark (in process)', () => {
  let w: World;
  let log: LarkCallLog;

  beforeEach(async () => {
    w = await startNodeLarkWorld();
    await w.loadDirectory();
    log = recordLarkCalls();
  });
  afterEach(async () => {
    log?.stop();
    await w?.close();
  });

  const fake = () => w.sandbox.fake;
  const rowsOf = (suggestionId: string) => w.outboxRows().filter((r) => r.suggestionId === suggestionId).sort((a, b) => a.seq - b.seq);
  const rowById = (id: string) => w.outboxRows().find((r) => r.id === id)!;

  async function importSuggestions(items: unknown[]): Promise<string[]> {
    const res = await w.api('POST', '/api/suggestions', items);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.created).toBe(items.length);
    return res.body.items.map((i: { id: string }) => i.id);
  }

  /**
   * The suggestion has exactly one group, and the group shows exactly the cards the suggestion
   * posted — one per assignment and one status board — each once, in the order they were queued.
   */
  function expectExactlyItsCards(suggestionId: string) {
    const chatId = w.chatOf(suggestionId);
    const chats = fake().chats().filter((c) => c.uuid !== undefined && rowsOf(suggestionId).some((r) => r.id === c.uuid));
    expect(chats.map((c) => c.chatId), 'one group per suggestion').toEqual([chatId]);

    const inChat = fake().messagesIn(chatId).filter((m) => m.msgType === 'interactive');
    const sendRows = rowsOf(suggestionId).filter((r) => r.kind === 'send_card');
    expect(sendRows.map((r) => r.status)).toEqual(sendRows.map(() => 'sent'));
    // Same messages, same order: the group shows the cards in the order the outbox queued them.
    expect(inChat.map((m) => m.messageId)).toEqual(sendRows.map(messageIdOf));
    // Each message carries its row's uuid, and no uuid was stored twice.
    expect(inChat.map((m) => m.uuid)).toEqual(sendRows.map((r) => r.id));
    expect(new Set(inChat.map((m) => m.messageId)).size).toBe(inChat.length);

    const cards = w.cardsOf(suggestionId);
    const kindOf = new Map(cards.map((c) => [c.messageId, c.kind]));
    const assignments = w.assignmentsOf(suggestionId).filter((a) => a.state !== 'withdrawn').length;
    expect(inChat.map((m) => kindOf.get(m.messageId)).sort()).toEqual([...Array(assignments).fill('assignment'), 'status_board']);
    return inChat;
  }

  it('429 (reset 1 s, 99991400) then 500/502/503 on sends: every card arrives once, in order; the refused rows are sent after several attempts; none is retried before the reset', async () => {
    fake().faults.add({
      method: 'POST',
      path: SEND_PATH,
      status: 429,
      headers: { 'x-ogw-ratelimit-reset': '1' },
      body: { code: 99991400, msg: 'request trigger frequency limit' },
      times: 3,
    });
    for (const status of [500, 502, 503]) fake().faults.add({ method: 'POST', path: SEND_PATH, status });

    const ids = await importSuggestions([
      suggestionInput('0101'),
      suggestionInput('0102', { leadUnit: 'zjw', coUnits: ['jw'], leadDeputy: 'd02' }),
      suggestionInput('0103', { leadUnit: 'wjw', coUnits: ['mzj', 'sthjj'], leadDeputy: 'd03' }),
    ]);
    await w.drain(40_000);

    // The faults were really met: three rate-limit answers with the reset header, then three 5xx.
    const refused = log.sends().filter((c) => c.status !== undefined);
    expect(refused.map((c) => c.status).sort()).toEqual([429, 429, 429, 500, 502, 503]);
    for (const c of refused.filter((x) => x.status === 429)) expect(c).toMatchObject({ code: 99991400, retryAfter: '1' });
    expect(fake().faults.list()).toEqual([]);

    // What the people see: each group has exactly its cards, once each, in order.
    expect(fake().chats()).toHaveLength(3);
    for (const id of ids) expectExactlyItsCards(id);
    expect(w.outboxRows().filter((r) => r.status !== 'sent')).toEqual([]);

    // What the admin sees: every refused row went out in the end, after more than one attempt,
    // and `attempts` counts exactly the calls made with its uuid.
    for (const uuid of new Set(refused.map((c) => c.uuid!))) {
      const row = rowById(uuid);
      expect(row.status).toBe('sent');
      expect(row.attempts).toBeGreaterThan(1);
      expect(row.attempts).toBe(log.withUuid(uuid).length);
    }

    // A rate-limited row is not sent again before Lark's reset (x-ogw-ratelimit-reset: 1 s).
    for (const limited of refused.filter((c) => c.status === 429)) {
      const next = log.withUuid(limited.uuid!).find((c) => c.at > limited.at);
      expect(next, `row ${limited.uuid} retried`).toBeDefined();
      expect(next!.at - limited.answeredAt!, `row ${limited.uuid} retried too early`).toBeGreaterThanOrEqual(1000);
    }
  });

  it('an answer lost after Lark acted (mode "after"): the retry carries the same uuid and gets the original back; one group, each card once', async () => {
    fake().faults.add({ method: 'POST', path: CREATE_CHAT_PATH, status: 500, mode: 'after' });
    fake().faults.add({ method: 'POST', path: SEND_PATH, status: 500, mode: 'after' });

    const [id] = await importSuggestions([suggestionInput('0201')]);
    await w.drain(30_000);

    // The group was created by the first call, whose answer was lost; the retry returned it.
    const createRow = rowsOf(id!).find((r) => r.kind === 'create_chat')!;
    expect(log.withUuid(createRow.id).map((c) => c.status)).toEqual([500, undefined]);
    expect(fake().chats()).toHaveLength(1);
    expect(fake().chats()[0]!.chatId).toBe(w.chatOf(id!));
    expect(fake().requestCount('POST /open-apis/im/v1/chats')).toBe(2);

    // The first card was stored by the first call; the retry (same uuid) got that message back.
    const lost = log.sends().find((c) => c.status === 500)!;
    expect(log.withUuid(lost.uuid!).map((c) => c.status)).toEqual([500, undefined]);
    const stored = fake().messagesIn(w.chatOf(id!)).filter((m) => m.uuid === lost.uuid);
    expect(stored).toHaveLength(1);
    expect(messageIdOf(rowById(lost.uuid!))).toBe(stored[0]!.messageId);
    expect(rowById(lost.uuid!)).toMatchObject({ status: 'sent', attempts: 2 });

    const cards = expectExactlyItsCards(id!);
    expect(cards).toHaveLength(3);
    // Three cards, four send calls: the retry stored nothing new.
    expect(fake().requestCount('POST /open-apis/im/v1/messages')).toBe(4);
    expect(w.outboxRows('failed')).toEqual([]);
  });

  it('a token revoked in the middle of a burst: 99991663, a new token, everything delivered, nothing failed', async () => {
    const [first] = await importSuggestions([suggestionInput('0301')]);
    await w.drain();
    expect(log.calls.filter((c) => c.path === TOKEN_PATH).length).toBeGreaterThanOrEqual(1);

    // Slow sends down so some are in flight, and cards still queued, when the token goes.
    fake().faults.add({ method: 'POST', path: SEND_PATH, delayMs: 150, times: 1000 });
    const later = await importSuggestions([
      suggestionInput('0302', { leadUnit: 'zjw', coUnits: ['jw', 'wjw'] }),
      suggestionInput('0303', { leadUnit: 'mzj', coUnits: ['gaj', 'rsj'] }),
    ]);
    const messagesNow = () => fake().chats().reduce((n, c) => n + fake().messagesIn(c.chatId).length, 0);
    const before = messagesNow();
    await waitFor(() => messagesNow() > before, 20_000, () => 'no card of the later suggestions arrived');
    expect(messagesNow(), 'the burst is not over yet').toBeLessThan(before + 8);
    const revokedAt = Date.now();
    fake().expireAllTokens();
    await w.drain(30_000);

    const invalid = log.calls.filter((c) => c.code === 99991663);
    expect(invalid.length, 'some call met the revoked token').toBeGreaterThanOrEqual(1);
    expect(log.calls.filter((c) => c.path === TOKEN_PATH && c.at >= revokedAt).length, 'a new token was fetched').toBeGreaterThanOrEqual(1);
    for (const c of invalid) {
      expect(rowById(c.uuid!)).toMatchObject({ status: 'sent' });
      expect(rowById(c.uuid!).attempts).toBeGreaterThanOrEqual(2);
      expect(log.withUuid(c.uuid!).at(-1)!.status, 'the last call of a row that met 99991663 succeeded').toBeUndefined();
    }

    for (const id of [first!, ...later]) expectExactlyItsCards(id);
    expect(w.outboxRows().filter((r) => r.status !== 'sent')).toEqual([]);
  });

  it('a permanent refusal (400, 230001): the row fails visibly with the error, later cards still go out, and the admin retry delivers it once', async () => {
    fake().faults.add({ method: 'POST', path: SEND_PATH, status: 400, body: { code: 230001, msg: 'bad param' } });
    const [id] = await importSuggestions([suggestionInput('0401')]);
    await w.drain();

    const sendRows = rowsOf(id!).filter((r) => r.kind === 'send_card');
    expect(sendRows).toHaveLength(3);
    const [head, ...rest] = sendRows;
    // The refused card: failed for good on the first answer, not retried, with Lark's error kept.
    expect(head).toMatchObject({ status: 'failed', attempts: 1 });
    expect(head!.lastError).toContain('230001');
    expect(head!.lastError).toContain('bad param');
    expect(log.withUuid(head!.id)).toHaveLength(1);

    // The admin sees it in the failed list, with its error.
    const failedList = await w.api('GET', '/api/outbox?status=failed');
    expect(failedList.status).toBe(200);
    expect(failedList.body).toEqual([expect.objectContaining({ id: head!.id, status: 'failed', kind: 'send_card', lastError: head!.lastError })]);
    const unauthorised = await fetch(`${w.url}/api/outbox?status=failed`, { headers: { authorization: 'Bearer wrong-token-0123456789' } });
    expect(unauthorised.status).toBe(401);

    // A failed head no longer holds back its suggestion: the later cards went out (FIFO per
    // suggestion applies to pending rows only). The group has them, but not the refused card.
    expect(rest.map((r) => r.status)).toEqual(['sent', 'sent']);
    const chatId = w.chatOf(id!);
    expect(fake().messagesIn(chatId).map((m) => m.uuid)).toEqual(rest.map((r) => r.id));

    // The retry puts it back; with the fault gone it is delivered, once.
    const retried = await fetch(`${w.url}/api/outbox/${head!.id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(retried.status).toBe(200);
    await w.drain();
    expect(rowById(head!.id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect((await w.api('GET', '/api/outbox?status=failed')).body).toEqual([]);
    const messages = fake().messagesIn(chatId);
    expect(messages.filter((m) => m.uuid === head!.id)).toHaveLength(1);
    // What the code does: the retried card arrives after the cards that overtook it.
    expect(messages.map((m) => m.uuid)).toEqual([...rest.map((r) => r.id), head!.id]);
    expect(w.cardsOfKind(id!, 'assignment').map((c) => c.messageId)).toContain(messages.at(-1)!.messageId);

    // A row that is not failed cannot be retried.
    const again = await w.api('POST', `/api/outbox/${head!.id}/retry`);
    expect(again.status).toBe(404);
  });

  it('a group that can never be created: its creation fails visibly, and so does each row that needed the group, saying why', async () => {
    fake().faults.add({ method: 'POST', path: '/open-apis/im/v1/chats', status: 400, body: { code: 232043, msg: 'unavailable ids' } });
    const [id] = await importSuggestions([suggestionInput('0402')]);
    await w.drain();
    const rows = rowsOf(id!);
    const creation = rows.find((r) => r.kind === 'create_chat')!;
    expect(creation).toMatchObject({ status: 'failed', attempts: 1 });
    expect(creation.lastError).toContain('232043');
    const cards = rows.filter((r) => r.kind === 'send_card');
    expect(cards.length).toBeGreaterThan(0);
    for (const r of cards) {
      expect(r.status).toBe('failed');
      expect(r.lastError).toContain(`the group was not created (outbox ${creation.id}`);
    }
    const failed = await w.api('GET', '/api/outbox?status=failed');
    expect(failed.body.map((r: { id: string }) => r.id).sort()).toEqual([creation.id, ...cards.map((r) => r.id)].sort());
    expect(fake().chats()).toEqual([]);
  });

  it('12 cards and texts queued at once for one chat arrive once each, in the order queued, within the per-chat limit', async () => {
    const [id, ...others] = await importSuggestions([
      suggestionInput('0501', { coUnits: [] }),
      suggestionInput('0502', { leadUnit: 'zjw', coUnits: [] }),
      suggestionInput('0503', { leadUnit: 'jw', coUnits: [] }),
      suggestionInput('0504', { leadUnit: 'wjw', coUnits: [] }),
    ]);
    await w.drain();
    const chatId = w.chatOf(id!);
    const limited = () => fake().state.refused.filter((r) => r.code === 230020).length;
    const lastSeq = () => Math.max(...w.outboxRows().map((r) => r.seq));

    // (a) Twelve for the suggestion's own group, written in one transaction.
    let before = fake().messagesIn(chatId).length;
    expect(before).toBe(2);
    let limitedBefore = limited();
    let seqBefore = lastSeq();
    const drafts: EffectDraft[] = Array.from({ length: 12 }, (_, i): EffectDraft =>
      i % 3 === 2 ? { type: 'post_card', card: { kind: 'status_board', subjectId: id! } } : { type: 'post_text', zh: `第${i + 1}条消息`, en: `message ${i + 1}` },
    );
    const agg = loadAggregate(w.duban.runtime.db, id!)!;
    w.duban.runtime.db.transaction((tx) => writeEffects(tx, agg, drafts, { now: new Date() }));
    w.duban.worker.kick();
    await w.drain(30_000);

    const queued = w.outboxRows().filter((r) => r.seq > seqBefore).sort((a, b) => a.seq - b.seq);
    expect(queued.map((r) => r.kind)).toEqual(drafts.map((d) => (d.type === 'post_card' ? 'send_card' : 'send_text')));
    expect(queued.map((r) => r.status)).toEqual(queued.map(() => 'sent'));
    const arrived = fake().messagesIn(chatId).slice(before);
    expect(arrived).toHaveLength(12);
    expect(arrived.map((m) => m.messageId)).toEqual(queued.map(messageIdOf));
    expect(arrived.map((m) => m.uuid)).toEqual(queued.map((r) => r.id));
    expect(arrived.map((m) => m.msgType)).toEqual(drafts.map((d) => (d.type === 'post_card' ? 'interactive' : 'text')));
    const texts = arrived.filter((m) => m.msgType === 'text').map((m) => (m.body as { text: string }).text.split('\n')[0]);
    expect(texts).toEqual(drafts.flatMap((d, i) => (d.type === 'post_text' ? [`第${i + 1}条消息`] : [])));
    // The bot keeps under Lark's 5 messages per second per chat; a refusal at a window edge is
    // tolerated (Lark's 230020 remains the backstop and the row is retried).
    const limitedA = limited() - limitedBefore;
    expect(limitedA).toBeLessThanOrEqual(3);

    // (b) Twelve for one chat from four suggestions at once — the supervisors' group pattern
    // (notify_supervisors): rows of different suggestions go out in parallel, so here the bot's
    // own per-chat limit is what keeps Lark from refusing most of them.
    before = fake().messagesIn(chatId).length;
    limitedBefore = limited();
    seqBefore = lastSeq();
    const from = [id!, ...others];
    w.duban.runtime.db.transaction((tx) => {
      for (let round = 1; round <= 3; round++) {
        for (const [k, sid] of from.entries()) {
          const notice: EffectDraft = { type: 'notify_supervisors', zh: `通知 ${k + 1}-${round}`, en: `notice ${k + 1}-${round}` };
          writeEffects(tx, loadAggregate(tx, sid)!, [notice], { now: new Date(), supervisorChatId: chatId });
        }
      }
    });
    w.duban.worker.kick();
    await w.drain(30_000);

    const notices = w.outboxRows().filter((r) => r.seq > seqBefore).sort((a, b) => a.seq - b.seq);
    expect(notices).toHaveLength(12);
    expect(notices.map((r) => r.status)).toEqual(notices.map(() => 'sent'));
    const got = fake().messagesIn(chatId).slice(before);
    expect(got).toHaveLength(12);
    expect([...got.map((m) => m.uuid)].sort()).toEqual(notices.map((r) => r.id).sort());
    const line = (m: (typeof got)[number]) => (m.body as { text: string }).text.split('\n')[0]!;
    // Each suggestion's notices in the order it wrote them.
    for (const k of [1, 2, 3, 4]) expect(got.map(line).filter((t) => t.startsWith(`通知 ${k}-`))).toEqual([1, 2, 3].map((r) => `通知 ${k}-${r}`));
    const limitedB = limited() - limitedBefore;
    expect(limitedB).toBeLessThanOrEqual(3);
  });
});

describe('a bot process killed in the middle of a burst', () => {
  const children: ChildProcess[] = [];
  let sandbox: RunningSandbox | undefined;

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(children.map((c) => waitForExit(c, 10_000).catch(() => undefined)));
    await sandbox?.close();
  });

  it('restarted, it delivers everything exactly once: one group per suggestion, each card once, sent rows = what Lark has', async () => {
    const COUNT = 40;
    const dbPath = freshDbPath();
    const dirRun = runCli(['import', 'directory', 'test/fixtures/directory.yaml'], dbPath);
    expect(dirRun.status, dirRun.stderr).toBe(0);
    const csv = join(tempDir('duban-outbox-'), 'burst.csv');
    writeFileSync(csv, suggestionsCsv(COUNT, 3001, directory.units.map((u) => u.id), directory.deputies.map((d) => d.id)));
    const imported = runCli(['import', 'suggestions', csv], dbPath);
    expect(imported.status, imported.stdout + imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(new RegExp(`created ${COUNT},`));
    const rowsAtStart = outboxOfFile(dbPath);
    expect(rowsAtStart.filter((r) => r.kind === 'create_chat')).toHaveLength(COUNT);
    const expectedCards = rowsAtStart.filter((r) => r.kind === 'send_card').length;
    expect(expectedCards).toBe(2 * COUNT); // one assignment card and the status board each

    const port = await freePort();
    const botUrl = `http://127.0.0.1:${port}`;
    sandbox = await startSandbox({
      appId: 'cli_testapp01',
      appSecret: 's3cret-s3cret',
      encryptKey: 'k',
      verificationToken: 'vt',
      webhookUrl: () => `${botUrl}/lark/events`,
    });
    const burst = troubledBurst(sandbox.fake, COUNT, 2000);

    const env = {
      PORT: String(port),
      LARK_APP_ID: 'cli_testapp01',
      LARK_APP_SECRET: 's3cret-s3cret',
      LARK_ENCRYPT_KEY: 'k',
      LARK_VERIFICATION_TOKEN: 'vt',
      LARK_BASE_URL: sandbox.url,
      LOG_LEVEL: 'silent',
      ADMIN_TOKEN,
    };

    const first = startCli(['serve'], dbPath, env);
    children.push(first);
    await waitForOutput(first, /listening on/);
    await burst.midway();
    const atKill = burst.snapshot();
    first.kill('SIGKILL');
    await waitForExit(first);
    burst.expectMidway(atKill, expectedCards);
    const pendingAfterKill = outboxOfFile(dbPath).filter((r) => r.status === 'pending');
    expect(pendingAfterKill.length, 'the outbox still has work after the kill').toBeGreaterThan(0);
    // Cards Lark has stored while the bot's outbox still thinks they are to be sent.
    expect(pendingAfterKill.filter((r) => atKill.stored.has(r.id)).length).toBeGreaterThanOrEqual(burst.answerLost.times);

    sandbox.fake.faults.clear();
    const second = startCli(['serve'], dbPath, env);
    children.push(second);
    await waitForOutput(second, /listening on/);
    await waitFor(
      () => outboxOfFile(dbPath).every((r) => r.status !== 'pending'),
      40_000,
      () => JSON.stringify(outboxOfFile(dbPath).filter((r) => r.status === 'pending').slice(0, 5)),
      100,
    );
    await burst.expectEachCallOnce(botUrl, expectedCards, atKill.stored);

    second.kill('SIGTERM');
    expect(await waitForExit(second)).toEqual({ code: 0, signal: null });
  });
});
