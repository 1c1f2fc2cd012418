/**
 * Issue 11: a long report does not hold the server. While `GET /api/report?format=xlsx` over a
 * few thousand suggestions is being computed in the real server, a /healthz sent meanwhile is
 * answered first — the report runs in a worker thread (src/runtimes/node/report-thread.ts), not
 * on the event loop that answers requests. Ordering only: no time is asserted.
 *
 * The control, the same race with the report run in-line as it was before, shows the opposite
 * order: the test can fail. The control uses Markdown, which is rendered in one synchronous piece;
 * an XLSX run in-line is zipped in asynchronous steps, between which a /healthz already waiting
 * gets through, so only the statistics before it (most of the work) would hold the loop.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_DATE, seedReportData } from '../bench/report-data.ts';
import { inlineReports, type ReportService } from '../src/app/report-jobs.ts';
import { checkpointWithoutWaiting } from '../src/runtimes/node/idle-checkpoints.ts';
import { openDatabase } from '../src/runtimes/node/open-database.ts';
import { threadedReports } from '../src/runtimes/node/report-thread.ts';
import { startTestServer } from './support/server.ts';
import { tempDir } from './support/world.ts';

const SUGGESTIONS = 3000;

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** `reports`, and a promise settled when a job has been handed to it. */
function watched(reports: ReportService): { reports: ReportService; started: Promise<void> } {
  let signal: () => void = () => {};
  const started = new Promise<void>((resolve) => (signal = resolve));
  return {
    reports: {
      run(job) {
        signal();
        return reports.run(job);
      },
      close: () => reports.close(),
    },
    started,
  };
}

/** Sends the report, then a /healthz once the report's job has started; the order they are answered in. */
async function raceHealthz(t: TestServer, started: Promise<void>, format: string): Promise<string[]> {
  const answered: string[] = [];
  const report = t.request('GET', `/api/report?format=${format}`).then(async (res) => {
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    answered.push('report');
  });
  await started;
  const healthz = fetch(`${t.server.url}/healthz`).then(async (res) => {
    expect(res.status).toBe(200);
    await res.json();
    answered.push('healthz');
  });
  await Promise.all([report, healthz]);
  return answered;
}

describe('a report over thousands of suggestions does not hold the server', () => {
  let t: TestServer;
  let threaded: ReportService;

  beforeAll(async () => {
    const path = join(tempDir('duban-report-loop-'), 'duban.db');
    seedReportData(path, SUGGESTIONS);
    t = await startTestServer({ DATABASE_PATH: path }, REPORT_DATE);
    threaded = t.runtime.reports;
    // The thread starts with its first job (it loads the sources through tsx): start it here.
    expect((await t.request('GET', '/api/stats?unit=u001')).status).toBe(200);
  });

  afterAll(async () => {
    await t.close();
    await threaded.close();
    t.runtime.db.$client.close();
  });

  it.each(['xlsx', 'md'])('answers /healthz sent while GET /api/report?format=%s is computed before the report', async (format) => {
    const { reports, started } = watched(threaded);
    t.runtime.reports = reports;
    expect(await raceHealthz(t, started, format)).toEqual(['healthz', 'report']);
  });

  it('(the control: the Markdown report run in-line holds /healthz until the report is answered)', async () => {
    const { reports, started } = watched(inlineReports(t.runtime));
    t.runtime.reports = reports;
    expect(await raceHealthz(t, started, 'md')).toEqual(['report', 'healthz']);
  });

  it('answers 500 internal_error, as an in-line failure would, when the thread cannot run the job (and does not hang)', async () => {
    const broken = threadedReports({ databasePath: join(tempDir('duban-report-missing-'), 'missing.db'), policy: t.runtime.policy, overrides: { days: {} }, timeZone: t.runtime.config.timeZone }, t.runtime.clock);
    t.runtime.reports = broken;
    const res = await t.request('GET', '/api/report?format=xlsx');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'internal_error', message: 'Internal server error' } });
    await broken.close();
  });

  // Linux (where a nice value is per thread), with the tests at the usual priority.
  it.runIf(process.platform === 'linux' && getPriority() === 0)('runs the reports in a thread below the server\'s priority (nice 10; the server\'s threads keep theirs)', async () => {
    t.runtime.reports = threaded;
    expect((await t.request('GET', '/api/stats?unit=u001')).status).toBe(200);
    // The 19th field of /proc/<pid>/task/<tid>/stat, after the command in parentheses, is the nice value.
    const niceOf = (tid: string) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    const nice = readdirSync('/proc/self/task').map(niceOf);
    expect(nice).toContain(10);
    expect(niceOf(String(process.pid))).toBe(0);
  });

  it('answers the same bytes in the thread as in-line', async () => {
    for (const path of ['/api/report?format=md', '/api/report?format=csv', '/api/stats', '/api/ledger?kind=commitments&format=csv', '/api/publication?format=md']) {
      t.runtime.reports = threaded;
      const inThread = await t.request('GET', path);
      t.runtime.reports = inlineReports(t.runtime);
      const inLine = await t.request('GET', path);
      expect(inThread.status, path).toBe(200);
      expect(inThread.headers.get('content-type'), path).toBe(inLine.headers.get('content-type'));
      expect(inThread.headers.get('content-disposition'), path).toBe(inLine.headers.get('content-disposition'));
      expect(await inThread.text(), path).toBe(await inLine.text());
    }
  });
});

describe("the server's checkpoints beside the report thread's read transaction", () => {
  it('do not wait for the reader: the WAL is emptied once it is done', () => {
    const path = join(tempDir('duban-report-checkpoint-'), 'duban.db');
    const db = openDatabase(path);
    const server = db.$client;
    server.pragma('wal_autocheckpoint = 0');
    // Were the checkpoint to wait for the reader (which this thread holds), it would wait this
    // long, and the test would time out rather than pass.
    server.pragma('busy_timeout = 600000');
    const insert = server.prepare("insert into units (id, name) values (?, '单位')");
    insert.run('u1');
    const reader = new Database(path, { readonly: true });
    reader.prepare('begin').run();
    reader.prepare('select count(*) from units').get();
    insert.run('u2'); // the server writes while the report reads

    expect(checkpointWithoutWaiting(server)).toBe(false);
    expect(server.pragma('busy_timeout', { simple: true })).toBe(600000);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);

    reader.prepare('commit').run();
    expect(checkpointWithoutWaiting(server)).toBe(true);
    expect(statSync(`${path}-wal`).size).toBe(0);
    reader.close();
    server.close();
  });
});
