/**
 * The sweep never holds a server's event loop for long (issue 11): a sweep of 1,500 due items
 * through the real server (`POST /api/sweep`) runs in slices, each its own transaction, with a
 * pause between them, so a request arriving meanwhile is answered between two slices, before the
 * sweep ends. Before, the sweep was one synchronous piece: the request waited for all of it.
 * Only the order of events is asserted, never a duration.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSweepDatabase, NOW as SWEEP_NOW } from '../bench/sweep.bench.ts';
import { createWorkingDayCalendar } from '../src/core/calendar/working-day-calendar.ts';
import { defaultPolicy } from '../src/core/deadlines/policy.ts';
import { startDuban, type RunningDuban } from '../src/runtimes/node/start-duban.ts';
import { ADMIN_TOKEN } from './support/lark-world.ts';
import { tempDir } from './support/world.ts';

const DUE = 1_500;

let duban: RunningDuban | undefined;
afterEach(async () => {
  await duban?.close();
  duban = undefined;
});

describe('the sweep in a server', () => {
  it('answers a request that arrives while a sweep of 1,500 due items runs, between two of its slices, before the sweep ends', async () => {
    const databasePath = join(tempDir('duban-sweep-slices-'), 'duban.db');
    buildSweepDatabase(databasePath, { name: 'slices', suggestions: DUE + 200, dueSuggestions: DUE, duePerSuggestion: 1 }, { policy: defaultPolicy, calendar: createWorkingDayCalendar(), timeZone: 'Asia/Shanghai' });
    duban = await startDuban(
      { DATABASE_PATH: databasePath, PORT: '0', ADMIN_TOKEN, LOG_LEVEL: 'silent', DUBAN_SCHEDULE: 'off', DUBAN_SUPERVISOR_CHAT_ID: 'oc_slicessupervisors0001' },
      undefined,
      { hostname: '127.0.0.1', outbox: { pollMs: 60_000 } },
    );
    const url = duban.server.url;
    // Another connection to the file, as another process would have: it sees each slice once committed.
    const reader = new Database(databasePath, { readonly: true });
    const remindersSent = () => (reader.prepare('select count(*) as n from reminders_sent').get() as { n: number }).n;

    const events: string[] = [];
    const sweeping = fetch(`${url}/api/sweep?now=${encodeURIComponent(SWEEP_NOW)}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then(async (res) => {
      events.push('sweep answered');
      expect(res.status).toBe(200);
      return (await res.json()) as { reminders: unknown[] };
    });

    // Once the first slice has committed, the sweep is under way: ask the server how it is.
    let sentWhenAsked = 0;
    while ((sentWhenAsked = remindersSent()) === 0) {
      expect(events, 'the sweep answered before any slice was seen committed').toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    events.push('first slice committed');
    const health = await fetch(`${url}/healthz`);
    events.push('healthz answered');
    expect(health.status).toBe(200);
    const sentWhenAnswered = remindersSent();

    const result = await sweeping;
    const sentInAll = remindersSent();
    reader.close();
    expect(result.reminders.length).toBe(sentInAll);
    expect(sentInAll).toBeGreaterThan(DUE);
    // The request came in after the sweep began and was answered before it ended, while
    // reminders were still to be written: between two slices, not after the sweep.
    expect(events).toEqual(['first slice committed', 'healthz answered', 'sweep answered']);
    expect(sentWhenAsked).toBeGreaterThan(0);
    expect(sentWhenAnswered).toBeLessThan(sentInAll);
  }, 120_000);
});
