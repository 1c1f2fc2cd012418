/**
 * The admin API's reports and exports in a worker thread (issue 11): a report over 10,000
 * suggestions is a second or two of CPU, and in the server's thread that second would hold Lark's
 * webhook (which must be answered within 3 s) and every other request. The thread
 * (report-worker.ts) opens the same SQLite file read-only and runs the same `runReportJob` as the
 * in-line service; this side only sends it jobs and hands back its answers.
 *
 * The thread starts with the first job and stays (loading the sources through tsx costs more than
 * most reports), unref'd so that it never keeps a process alive. If it dies, the jobs it held fail
 * (a 500, as any error of a report) and the next job starts a new one.
 *
 * Its sources are TypeScript: the process runs them through tsx (bin/duban.js, `node --import
 * tsx`, or vitest's own transform), which a new thread does not inherit. So the thread starts from
 * report-worker-boot.mjs, which registers tsx as bin/duban.js does, then imports the worker.
 */
import { Worker } from 'node:worker_threads';
import type { Clock } from '../../core/clock.ts';
import { DomainError, type DomainErrorCode } from '../../core/errors.ts';
import type { Policy } from '../../core/deadlines/policy.ts';
import type { CalendarOverrides } from '../../core/calendar/working-day-calendar.ts';
import type { ReportAnswer, ReportJob, ReportService } from '../../app/report-jobs.ts';

/** What the thread is started with: everything a job needs but the moment. */
export interface ReportThreadData {
  databasePath: string;
  policy: Policy;
  overrides: CalendarOverrides;
  timeZone: string;
}

export interface ReportThreadRequest {
  id: number;
  job: ReportJob;
  /** The server's clock when the request came (ISO). */
  now: string;
}

export type ReportThreadReply =
  | { id: number; answer: ReportAnswer }
  | { id: number; error: { message: string; stack?: string | undefined; domain?: { code: DomainErrorCode; zh: string; en: string; details?: unknown } | undefined } };

/** The job's error as it was thrown in the thread: a refusal stays a DomainError (same HTTP answer), anything else an Error. */
function rebuild({ message, stack, domain }: Extract<ReportThreadReply, { error: unknown }>['error']): Error {
  const error = domain ? new DomainError(domain.code, domain.zh, domain.en, domain.details) : new Error(message);
  if (stack) error.stack = stack;
  return error;
}

/** A JavaScript module: the thread has no TypeScript loader until this one registers tsx. */
const BOOT = new URL('./report-worker-boot.mjs', import.meta.url);

export function threadedReports(data: ReportThreadData, clock: Clock): ReportService {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (answer: ReportAnswer) => void; reject: (error: Error) => void }>();

  const failAll = (error: Error) => {
    for (const job of pending.values()) job.reject(error);
    pending.clear();
  };

  function start(): Worker {
    const thread = new Worker(BOOT, { workerData: data, execArgv: [] });
    thread.unref();
    thread.on('message', (reply: ReportThreadReply) => {
      const job = pending.get(reply.id);
      if (!job) return;
      pending.delete(reply.id);
      if ('answer' in reply) job.resolve(reply.answer);
      else job.reject(rebuild(reply.error));
    });
    const gone = (error: Error) => {
      if (worker === thread) worker = undefined;
      failAll(error);
    };
    // What a thread throws arrives as a copy that need not be an Error of this thread (Hono answers
    // only those with its error handler): an Error of ours, saying what happened there.
    thread.on('error', (error) => gone(Object.assign(new Error(`the report thread failed: ${String((error as Error)?.message ?? error)}`), { stack: (error as Error)?.stack })));
    thread.on('exit', (code) => gone(new Error(`the report thread stopped (exit code ${code})`)));
    return thread;
  }

  return {
    run(job) {
      const id = nextId++;
      const request: ReportThreadRequest = { id, job, now: clock().toISOString() };
      return new Promise<ReportAnswer>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        (worker ??= start()).postMessage(request);
      });
    },
    async close() {
      const thread = worker;
      worker = undefined;
      if (thread) await thread.terminate();
    },
  };
}
