/**
 * A burst of Lark calls that goes wrong, for the tests that kill the bot in its middle and start
 * it again (test/outbox.test.ts on Node, test/workers-runtime.test.ts under `wrangler dev`): the
 * faults, the moment to kill, what Lark holds then, and — once the restarted bot has drained its
 * outbox — the proof, through the admin API and the sandbox, that every call went out exactly once.
 */
import { expect } from 'vitest';
import type { FakeLark } from '../../src/sandbox/fake-lark.ts';
import { adminApi, type OutboxRow } from './lark-world.ts';
import { CREATE_CHAT_PATH, outboxOfFile, readDbFile, SEND_PATH, waitFor } from './outbox-helpers.ts';

/**
 * Five groups cannot be created at first (they are retried). Of the sends, five are quick; three
 * are performed by Lark but their answer is lost (the rows wait for a retry); the rest take
 * `slowMs` each. When those three have been used and a slow send is in flight, the bot is killed:
 * groups are missing, cards are missing, and Lark has cards the bot never heard about. A slow send
 * whose sender died is still performed when its delay is over, as Lark would, possibly after the
 * restarted bot has sent it again with the same uuid.
 */
export function troubledBurst(fake: FakeLark, count: number, slowMs: number) {
  fake.faults.add({ method: 'POST', path: CREATE_CHAT_PATH, status: 500, times: 5 });
  fake.faults.add({ method: 'POST', path: SEND_PATH, delayMs: 50, times: 5 });
  const answerLost = fake.faults.add({ method: 'POST', path: SEND_PATH, status: 503, mode: 'after', times: 3 });
  const slow = fake.faults.add({ method: 'POST', path: SEND_PATH, delayMs: slowMs, times: 10 * count });
  const groupChats = () => fake.chats().filter((c) => c.chatType !== 'p2p');
  const botMessages = () => groupChats().flatMap((c) => fake.messagesIn(c.chatId));

  return {
    answerLost,
    /** Waits until the lost answers have been used and slow sends are in flight: the moment to kill. */
    midway: () =>
      waitFor(
        () => answerLost.used === answerLost.times && slow.used > 0,
        30_000,
        () => `the burst did not get far enough; chats ${groupChats().length}, stored ${botMessages().length}`,
        10,
      ),
    /** What Lark holds now (just before the kill): counts, and the message of each uuid it stored. */
    snapshot: () => ({ chats: groupChats().length, messages: botMessages().length, inFlight: slow.used, stored: new Map(botMessages().map((m) => [m.uuid!, m.messageId])) }),
    /** The kill came in the middle: some groups and cards, not all, and sends in flight. */
    expectMidway(atKill: { chats: number; messages: number; inFlight: number }, expectedCards: number) {
      expect(atKill.messages, 'killed before every card arrived').toBeGreaterThanOrEqual(answerLost.times);
      expect(atKill.messages, 'killed before every card arrived').toBeLessThan(expectedCards);
      expect(atKill.chats, 'some groups but not all existed').toBeGreaterThan(0);
      expect(atKill.chats, 'some groups but not all existed').toBeLessThan(count);
      expect(atKill.inFlight, 'sends were in flight').toBeGreaterThan(0);
    },

    /**
     * After the restarted bot at `url` drained its outbox: one group per suggestion, each card once
     * in the order queued, the cards Lark stored unknown to the bot recorded with their original
     * message, and one sent row per group created and per card stored.
     */
    async expectEachCallOnce(url: string, expectedCards: number, storedAtKill: Map<string, string>) {
      const rows = (await adminApi(url, 'GET', '/api/outbox')).body as OutboxRow[];
      expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
      const details = await Promise.all(rows.filter((r) => r.kind === 'create_chat').map(async (r) => (await adminApi(url, 'GET', `/api/suggestions/${r.suggestionId}`)).body));

      // Exactly one group per suggestion, the one duban recorded.
      expect(groupChats()).toHaveLength(count);
      expect(new Set(groupChats().map((c) => c.name)).size).toBe(count);
      expect(groupChats().map((c) => c.chatId).sort()).toEqual(details.map((d) => d.chatId).sort());

      // Each group: its assignment card and its status board, once each, in the order queued.
      for (const d of details) {
        const inChat = fake.messagesIn(d.chatId);
        expect(inChat.every((m) => m.msgType === 'interactive')).toBe(true);
        expect(inChat.map((m) => m.uuid)).toEqual(rows.filter((r) => r.suggestionId === d.id && r.kind === 'send_card').map((r) => r.id));
        expect(inChat.map((m) => d.cards.find((c: { messageId: string }) => c.messageId === m.messageId)?.kind)).toEqual(['assignment', 'status_board']);
      }
      const all = botMessages();
      expect(new Set(all.map((m) => m.uuid)).size).toBe(all.length);
      expect(all).toHaveLength(expectedCards);

      // The cards Lark stored before the kill, some without the bot hearing of it (sent again after
      // the restart with the same uuid): the bot recorded the original message, Lark stored no second.
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const [uuid, messageId] of storedAtKill) expect((byId.get(uuid)!.result as { messageId?: string }).messageId).toBe(messageId);
      expect(rows.filter((r) => r.attempts > 1).length, 'rows retried after a lost answer, a 500 or the kill').toBeGreaterThanOrEqual(answerLost.times);

      // The outbox's record agrees with Lark: one sent row per group created and per card stored.
      expect(rows).toHaveLength(groupChats().length + all.length);
    },
  };
}

/**
 * After a bot drained the outbox of the database at `dbPath` (read straight from the file), what
 * Lark holds is what the outbox says was sent, each once: every row sent, one group per
 * create_chat row (the one duban recorded for its suggestion), one message per send_card and
 * send_text row with that row's uuid, and no message Lark stored twice. For the chaos suite
 * (test/chaos.test.ts), whatever faults and kills came in between.
 */
export function expectOutboxDeliveredOnce(fake: FakeLark, dbPath: string) {
  const rows = outboxOfFile(dbPath);
  expect(rows.filter((r) => r.status !== 'sent').map((r) => ({ id: r.id, kind: r.kind, status: r.status, lastError: r.last_error }))).toEqual([]);
  const recorded = readDbFile(dbPath, (db) => db.prepare('select suggestion_id as suggestionId, chat_id as chatId from suggestion_chats').all() as Array<{ suggestionId: string; chatId: string }>);
  const groups = fake.chats().filter((c) => c.chatType !== 'p2p');
  const created = rows.filter((r) => r.kind === 'create_chat');
  expect(groups.length, 'one group in Lark per create_chat row').toBe(created.length);
  expect(groups.map((c) => c.chatId).sort()).toEqual(recorded.filter((r) => created.some((c) => c.suggestion_id === r.suggestionId)).map((r) => r.chatId).sort());
  const messages = groups.flatMap((c) => fake.messagesIn(c.chatId)).filter((m) => m.uuid !== undefined);
  const sends = rows.filter((r) => r.kind === 'send_card' || r.kind === 'send_text');
  expect(new Set(messages.map((m) => m.uuid)).size, 'no message stored twice').toBe(messages.length);
  expect(messages.map((m) => m.uuid!).sort()).toEqual(sends.map((r) => r.id).sort());
  return { rows, groups: groups.length, messages: messages.length };
}
