/**
 * The report thread's side (started by report-thread.ts, never imported by the server): its own
 * read-only connection to the database file, over which it runs each job it is sent with
 * `runReportJob` — the same code the server ran in-line before — and posts back the answer's
 * bytes. WAL lets it read while the server writes; each job's queries share one read transaction,
 * so a report is one moment's picture.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import * as schema from '../../adapters/sqlite/schema.ts';
import { createWorkingDayCalendar } from '../../core/calendar/working-day-calendar.ts';
import { runReportJob, type ReportContext } from '../../app/report-jobs.ts';
import { DomainError } from '../../core/errors.ts';
import type { ReportThreadData, ReportThreadReply, ReportThreadRequest } from './report-thread.ts';

const { databasePath, policy, overrides, timeZone } = workerData as ReportThreadData;
const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
// The server may hold the write lock a moment (a checkpoint); wait for it as the server's own connection does.
sqlite.pragma('busy_timeout = 5000');
const db = drizzle(sqlite, { schema });
const calendar = createWorkingDayCalendar({ overrides });
const port = parentPort!;

port.on('message', async ({ id, job, now }: ReportThreadRequest) => {
  let reply: ReportThreadReply;
  const transfer: ArrayBuffer[] = [];
  try {
    // The moment is the server's (its injected clock, read when the request came), not this thread's.
    const ctx: ReportContext = { db, clock: () => new Date(now), calendar, policy, config: { timeZone } };
    const answer = await runReportJob(ctx, job, (read) => sqlite.transaction(read)());
    if (typeof answer.body !== 'string') {
      // A copy of its own, handed over rather than copied again (a Buffer may share a pool).
      const bytes = new Uint8Array(answer.body);
      transfer.push(bytes.buffer);
      answer.body = bytes;
    }
    reply = { id, answer };
  } catch (error) {
    const { message, stack } = error as Error;
    // A refusal keeps its code across the thread, so that it is answered with the same status.
    const domain = error instanceof DomainError ? { code: error.code, zh: error.zh, en: error.en, details: error.details } : undefined;
    reply = { id, error: { message, stack, domain } };
  }
  port.postMessage(reply, transfer);
});
