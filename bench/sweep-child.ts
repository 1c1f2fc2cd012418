/**
 * One measured reminder sweep, in a fresh process so that its peak memory is the sweep's own and
 * not the data building's (bench/sweep.bench.ts builds the database, then spawns this).
 *
 *   node --import tsx bench/sweep-child.ts <database> <now ISO> [<next-day now ISO>]
 *
 * Prints one JSON line: the real sweep (not a dry run) timed with the process's peak RSS right
 * after it and the longest it held the event loop (its slices run back to back, as `duban sweep`
 * without pauses); the same sweep again (idempotent: nothing new to send); when asked, the next working
 * day's sweep with every SQL statement it prepares recorded and its query plan taken; and the
 * baseline, a full table walk over the same file.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { and, eq, lte, sql } from 'drizzle-orm';
import { createWorkingDayCalendar } from '../src/core/calendar/working-day-calendar.ts';
import { localDate } from '../src/core/clock.ts';
import { defaultPolicy } from '../src/core/deadlines/policy.ts';
import { openDatabase } from '../src/runtimes/node/open-database.ts';
import * as schema from '../src/adapters/sqlite/schema.ts';
import { sweep, type SweepDeps } from '../src/app/sweep.ts';

export interface SweepChildResult {
  sweepMs: number;
  /** The longest the first sweep held the event loop (monitorEventLoopDelay's max, 1 ms resolution). */
  longestHoldMs: number;
  reminders: number;
  lights: number;
  outboxRows: number;
  rssBeforeMb: number;
  peakRssMb: number;
  resweepMs: number;
  resweepReminders: number;
  nextDayMs?: number;
  nextDayReminders?: number;
  rangeReadMs: number;
  rangeRows: number;
  baselineMs: number;
  baselineRows: number;
  deadlinePlan: { sql: string; plan: string[] };
  /** Every distinct statement the next day's sweep prepared, with its plan. */
  statements: Array<{ sql: string; plan: string[] }>;
}

const TIME_ZONE = 'Asia/Shanghai';

/** Kilobytes of a `/proc/self/status` field (Linux), or undefined elsewhere. */
function procStatusKb(field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

const mb = (kb: number) => kb / 1024;

async function main(): Promise<void> {
  const [path, nowIso, nextIso] = process.argv.slice(2);
  if (!path || !nowIso) throw new Error('usage: sweep-child.ts <database> <now ISO> [<next-day now ISO>]');
  const db = openDatabase(path);
  // A server checkpoints the WAL on the side (src/runtimes/node/idle-checkpoints.ts), not inside
  // whichever commit passes 1,000 pages: the longest hold measured is the sweep's own. The
  // checkpoint after the sweep is counted in its time, as the commits' checkpoints were.
  db.$client.pragma('wal_autocheckpoint = 0');
  const deps: SweepDeps = { db, calendar: createWorkingDayCalendar(), policy: defaultPolicy, timeZone: TIME_ZONE, supervisorChatId: 'oc_bench_supervisors' };
  const now = new Date(nowIso);
  const outboxBefore = (db.$client.prepare('select count(*) n from outbox').get() as { n: number }).n;

  const rssBeforeKb = procStatusKb('VmRSS') ?? process.memoryUsage().rss / 1024;
  // The longest the sweep held the event loop: how late a 1 ms timer fired at worst (issue 11).
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  let t = performance.now();
  const first = await sweep(deps, { now, dryRun: false });
  loopDelay.disable();
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  const sweepMs = performance.now() - t;
  const longestHoldMs = loopDelay.max / 1e6;
  // VmHWM is the peak resident set of this process so far; maxRSS (kB on Linux) where /proc is absent.
  const peakKb = procStatusKb('VmHWM') ?? process.resourceUsage().maxRSS;
  const outboxRows = (db.$client.prepare('select count(*) n from outbox').get() as { n: number }).n - outboxBefore;

  t = performance.now();
  const again = await sweep(deps, { now, dryRun: false });
  const resweepMs = performance.now() - t;

  // The next working day's sweep (overdue reminders come again), recording what it prepares.
  const client = db.$client;
  const seen = new Set<string>();
  let next: { ms: number; reminders: number } | undefined;
  if (nextIso) {
    const prepare = client.prepare.bind(client);
    client.prepare = ((sql: string) => {
      seen.add(sql);
      return prepare(sql);
    }) as typeof client.prepare;
    t = performance.now();
    const reminders = (await sweep(deps, { now: new Date(nextIso), dryRun: false })).reminders.length;
    next = { ms: performance.now() - t, reminders };
    client.prepare = prepare as typeof client.prepare;
  }

  const explain = (sql: string) => {
    const params = (sql.match(/\?/g) ?? []).map(() => '2026-01-01');
    return (client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);
  };
  // A unit obligation's range (one indexed range per kind), read whole here; the sweep reads it a
  // page at a time (its page query, as sweep-store.ts builds it, is the one explained).
  const horizonDate = new Date(`${localDate(now, TIME_ZONE)}T00:00:00Z`);
  horizonDate.setUTCDate(horizonDate.getUTCDate() + defaultPolicy.reminders.noticeDaysBefore);
  const horizon = horizonDate.toISOString().slice(0, 10);
  const deadlineQuery = db
    .select()
    .from(schema.openDeadlines)
    .where(and(eq(schema.openDeadlines.kind, 'answer'), lte(schema.openDeadlines.dueOn, horizon)));
  const od = schema.openDeadlines;
  const deadlineSql = db
    .select()
    .from(od)
    .where(and(eq(od.kind, 'answer'), lte(od.dueOn, horizon), sql`(${od.dueOn}, ${od}.rowid) > (${horizon}, ${0})`))
    .orderBy(od.dueOn, sql`${od}.rowid`)
    .limit(250)
    .toSQL().sql;
  t = performance.now();
  const rangeRows = deadlineQuery.all().length;
  const rangeReadMs = performance.now() - t;

  // Baseline: a full table walk over the same file.
  t = performance.now();
  const commitments = (client.prepare('select count(*) n from commitments').get() as { n: number }).n;
  const deadlines = client.prepare('select * from open_deadlines').all().length;
  const baselineMs = performance.now() - t;

  const result: SweepChildResult = {
    sweepMs,
    longestHoldMs,
    reminders: first.reminders.length,
    lights: first.lights.length,
    outboxRows,
    rssBeforeMb: mb(rssBeforeKb),
    peakRssMb: mb(peakKb),
    resweepMs,
    resweepReminders: again.reminders.length,
    ...(next && { nextDayMs: next.ms, nextDayReminders: next.reminders }),
    rangeReadMs,
    rangeRows,
    baselineMs,
    baselineRows: commitments + deadlines,
    deadlinePlan: { sql: deadlineSql, plan: explain(deadlineSql) },
    statements: [...seen].filter((sql) => !/^\s*(begin|commit|rollback|savepoint|release)/i.test(sql)).map((sql) => ({ sql, plan: explain(sql) })),
  };
  client.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
