/**
 * The webhook's message store on a real SQLite file: the messages of one event-loop turn share a
 * commit, and still each message is stored once, alone if its command fails, and never half.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import * as schema from '../src/adapters/sqlite/schema.ts';
import type { IncomingMessage } from '../src/adapters/sqlite/message-store.ts';
import { createGroupCommitRecorder } from '../src/runtimes/node/group-commit-recorder.ts';
import { freshDb } from './support/world.ts';

const CHAT = 'oc_store000000000000000000000001';
const NOW = new Date('2026-03-02T02:00:00Z');

function world() {
  const { db, path } = freshDb();
  const at = NOW.toISOString();
  db.insert(schema.suggestions).values({ id: 'sg_store0001', session: '测试', number: '0001', kind: 'suggestion', timing: 'session', title: '测试建议', assignedOn: '2026-03-02', createdAt: at, updatedAt: at }).run();
  db.insert(schema.suggestionChats).values({ suggestionId: 'sg_store0001', chatId: CHAT, createdAt: at }).run();
  const rows = () => db.$client.prepare('select message_id as id, suggestion_id as suggestionId, text from group_messages order by message_id').all() as Array<{ id: string; suggestionId: string | null; text: string }>;
  return { db, path, store: createGroupCommitRecorder(db), rows };
}

const message = (n: number, chatId = CHAT): IncomingMessage => ({
  messageId: `om_store_${String(n).padStart(3, '0')}`,
  chatId,
  senderOpenId: 'ou_deputy',
  msgType: 'text',
  text: `第 ${n} 条`,
  content: JSON.stringify({ text: `第 ${n} 条` }),
  rootId: null,
  parentId: null,
  threadId: null,
  sentAt: NOW.toISOString(),
});

describe('message store', () => {
  it('stores every message of a burst once, with its suggestion', async () => {
    const { store, rows } = world();
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => store.record(message(i), NOW)));
    expect(outcomes.every((o) => o.stored && o.suggestionId === 'sg_store0001')).toBe(true);
    expect(rows()).toHaveLength(50);
  });

  it('a message outside any suggestion group is stored without a suggestion', async () => {
    const { store, rows } = world();
    expect(await store.record(message(1, 'oc_not_a_suggestion_group'), NOW)).toEqual({ stored: true, suggestionId: null });
    expect(rows()).toEqual([{ id: 'om_store_001', suggestionId: null, text: '第 1 条' }]);
  });

  it('the same message twice, in one turn or later, is stored once and its command runs once', async () => {
    const { store, rows } = world();
    let commands = 0;
    const command = () => void commands++;
    const [first, second] = await Promise.all([store.record(message(7), NOW, command), store.record(message(7), NOW, command)]);
    const third = await store.record(message(7), NOW, command);
    expect([first, second, third]).toEqual([{ stored: true, suggestionId: 'sg_store0001' }, { stored: false }, { stored: false }]);
    expect(commands).toBe(1);
    expect(rows()).toHaveLength(1);
  });

  it('a message whose command fails is rolled back alone, with what the command wrote; the others of its turn are stored', async () => {
    const { db, store, rows } = world();
    const failing = () => {
      db.insert(schema.units).values({ id: 'half_written', name: '不应留下' }).run();
      throw new Error('the command failed');
    };
    const results = await Promise.allSettled([store.record(message(1), NOW), store.record(message(2), NOW, failing), store.record(message(3), NOW)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('the command failed'));
    expect(rows().map((r) => r.id)).toEqual(['om_store_001', 'om_store_003']);
    expect(db.select().from(schema.units).all()).toEqual([]);
    // Lark delivers the failed one again, and this time it is stored.
    expect(await store.record(message(2), NOW)).toEqual({ stored: true, suggestionId: 'sg_store0001' });
  });

  it('when SQLite rolls back the whole transaction part-way (as on a full disk), no message of the turn stands and none after it is written alone', async () => {
    const { db, store, rows } = world();
    const wholeRollback = () => db.$client.exec('rollback');
    const results = await Promise.allSettled([store.record(message(1), NOW), store.record(message(2), NOW, wholeRollback), store.record(message(3), NOW)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(rows()).toEqual([]);
    expect(db.$client.inTransaction).toBe(false);
  });

  it('when the commit itself fails, every message of the turn fails, none is stored, and a retry stores them', async () => {
    const { db, path, store, rows } = world();
    db.$client.pragma('busy_timeout = 20');
    const other = new Database(path);
    other.prepare('begin immediate').run(); // another writer holds the lock
    const results = await Promise.allSettled([store.record(message(1), NOW), store.record(message(2), NOW)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_BUSY' });
    other.prepare('rollback').run();
    other.close();
    expect(rows()).toEqual([]);
    await Promise.all([store.record(message(1), NOW), store.record(message(2), NOW)]);
    expect(rows().map((r) => r.id)).toEqual(['om_store_001', 'om_store_002']);
  });
});
