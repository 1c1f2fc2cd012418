/**
 * WAL checkpoints when the server is idle. SQLite checkpoints by default inside whichever commit
 * takes the WAL past 1,000 pages, and a checkpoint syncs the database file: on the webhook that
 * showed as 20–40 ms stalls in p99 (bench/webhook.bench.ts; with checkpoints out of the request
 * path p99 fell to 18 ms). So the server's connection checkpoints only after a quiet moment, or
 * when the WAL grows past a cap however busy it is, which keeps the WAL file bounded.
 *
 * A checkpoint never waits: a TRUNCATE checkpoint waits (in SQLite's busy handler, on the event
 * loop) until every reader has moved past the WAL, and the report thread (report-thread.ts) holds
 * one read transaction for a whole report, a second at 10,000 suggestions: had the server written
 * meanwhile, its next checkpoint would have held the loop that long. Without a busy handler it
 * copies what it can and says `busy`; the WAL is emptied at a later poll, once the reader is done.
 */
import { statSync } from 'node:fs';
import type { NodeDb } from './open-database.ts';
import type { Logger } from '../../adapters/logger.ts';

export interface IdleCheckpointOptions {
  /** How long without a write counts as quiet. */
  idleMs?: number;
  /** Checkpoint anyway once the WAL file is this big. */
  maxWalBytes?: number;
  pollMs?: number;
  /**
   * Whether long work (an import) runs now: the server is then never quiet for minutes, and a
   * WAL left to grow to `maxWalBytes` is copied back in one stall of seconds. Meanwhile the WAL is
   * checkpointed whenever it passes `maxWalBytesWhileBusy`, a stall of tens of ms each (issue 11).
   */
  longWorkRunning?: () => boolean;
  maxWalBytesWhileBusy?: number;
}

/**
 * A TRUNCATE checkpoint that waits neither for readers nor for another process's writer (the
 * connection's busy timeout is set aside for it): true when the WAL was emptied, false when it
 * could not be yet.
 */
export function checkpointWithoutWaiting(client: NodeDb['$client']): boolean {
  const busyTimeout = client.pragma('busy_timeout', { simple: true }) as number;
  client.pragma('busy_timeout = 0');
  try {
    const [result] = client.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    return result?.busy === 0;
  } finally {
    client.pragma(`busy_timeout = ${busyTimeout}`);
  }
}

export function startIdleCheckpoints(db: NodeDb, path: string, logger: Logger, options: IdleCheckpointOptions = {}): { stop(): void } {
  if (path === ':memory:') return { stop() {} };
  const idleMs = options.idleMs ?? 250;
  const maxWalBytes = options.maxWalBytes ?? 256 * 1024 * 1024;
  const maxWalBytesWhileBusy = options.maxWalBytesWhileBusy ?? 8 * 1024 * 1024;
  const client = db.$client;
  client.pragma('wal_autocheckpoint = 0');
  const changes = client.prepare('select total_changes() as n');
  let lastChanges = -1;
  let lastChangeAt = Date.now();
  let dirty = false;
  const walSize = () => {
    try {
      return statSync(`${path}-wal`).size;
    } catch {
      return 0;
    }
  };
  const timer = setInterval(() => {
    const now = Date.now();
    const n = (changes.get() as { n: number }).n;
    if (n !== lastChanges) {
      lastChanges = n;
      lastChangeAt = now;
      dirty = true;
    }
    // Other processes (the CLI) write with their own connections: the WAL size tells of them too.
    const size = walSize();
    const cap = options.longWorkRunning?.() ? maxWalBytesWhileBusy : maxWalBytes;
    if ((dirty || size > 0) && (now - lastChangeAt >= idleMs || size > cap)) {
      try {
        // TRUNCATE also empties the WAL file, so its size says again how much is waiting. Busy: left
        // dirty, tried again at the next poll.
        if (checkpointWithoutWaiting(client)) dirty = false;
      } catch (error) {
        logger.warn({ err: error }, 'WAL checkpoint failed; will try again');
      }
    }
  }, options.pollMs ?? 100);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      // Leave the file tidy: the next start does not replay a long WAL.
      try {
        client.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // Closing the connection checkpoints too.
      }
    },
  };
}
