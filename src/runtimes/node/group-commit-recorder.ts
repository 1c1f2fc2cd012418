/**
 * Group commit for the webhook on Node: the messages whose requests arrive in the same turn of the
 * event loop are written in one better-sqlite3 transaction, committed once. Under load that
 * halves the cost of storing a message (bench/webhook.bench.ts); alone, a message waits for
 * nothing but the end of its turn. What is stored, and how, is the portable message store's.
 */
import { messageStore, type AfterStored, type IncomingMessage, type MessageRecorder, type RecordOutcome } from '../../adapters/sqlite/message-store.ts';
import type { NodeDb } from './open-database.ts';

interface Pending {
  message: IncomingMessage;
  receivedAt: string;
  then: AfterStored | undefined;
  resolve(outcome: RecordOutcome): void;
  reject(error: unknown): void;
}

export function createGroupCommitRecorder(db: NodeDb): MessageRecorder {
  const client = db.$client;
  const store = messageStore(db);
  // A message that is also a command writes more than its row; inside `commitBatch` this runs as
  // a savepoint, so if the command fails, that message is rolled back alone. A plain message is
  // one insert, which SQLite already undoes on its own if it fails.
  const storeWithCommand = client.transaction(store);

  const commitBatch = client.transaction((batch: Pending[]) =>
    batch.map((p) => {
      try {
        return { ok: true as const, outcome: p.then ? storeWithCommand(p.message, p.receivedAt, p.then) : store(p.message, p.receivedAt) };
      } catch (error) {
        // Some failures (a full disk, an I/O error) make SQLite roll back the whole transaction:
        // then nothing of the batch stands, and the rest must not run outside it.
        if (!client.inTransaction) throw error;
        return { ok: false as const, error };
      }
    }),
  );

  let pending: Pending[] = [];
  function flush() {
    const batch = pending;
    pending = [];
    let results: ReturnType<typeof commitBatch>;
    try {
      results = commitBatch.immediate(batch);
    } catch (error) {
      // Nothing of the batch was committed; every request fails and Lark delivers it again.
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i]!;
      if (r.ok) p.resolve(r.outcome);
      else p.reject(r.error);
    });
  }

  return {
    record: (message, now, then) =>
      new Promise<RecordOutcome>((resolve, reject) => {
        pending.push({ message, receivedAt: now.toISOString(), then, resolve, reject });
        if (pending.length === 1) setImmediate(flush);
      }),
  };
}
