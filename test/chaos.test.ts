/**
 * The chaos suite (issue 11): real `duban` processes on a real SQLite file, killed with SIGKILL at
 * random points — during a 10,000-row import, inside a slice of a sweep over thousands of overdue
 * items (after earlier slices committed), and during a 1,000-message burst — and then started
 * again. After each, `PRAGMA integrity_check` is ok, nothing is half written, and once the
 * restarted bot has drained its
 * outbox every Lark call it records was made exactly once (the sandbox's store against the
 * database's outbox), while a fifth of Lark's answers are 429s, 5xxs or timeouts and the tenant
 * token expires in the middle. The sweep's reminders, escalations and urgents are checked against
 * what the database recorded (test/support/sweep-delivery.ts), on a quiet Lark and a troubled one.
 *
 * The random points come from DUBAN_CHAOS_SEED (printed, so a failure can be replayed).
 * The kill mid-burst with scripted faults (lost answers, slow sends) is test/outbox.test.ts.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildSweepDatabase, NOW as SWEEP_NOW } from '../bench/sweep.bench.ts';
import { expectSweepDeliveredOnce, larkHoldingTheGroups } from './support/sweep-delivery.ts';
import { createWorkingDayCalendar } from '../src/core/calendar/working-day-calendar.ts';
import { defaultPolicy } from '../src/core/deadlines/policy.ts';
import { importSuggestions } from '../src/app/import/import-suggestions.ts';
import { openDatabase } from '../src/runtimes/node/open-database.ts';
import { readTable } from '../src/transports/cli/read-table.ts';
import { startSandbox, type RunningSandbox } from '../src/sandbox/start-sandbox.ts';
import { expectOutboxDeliveredOnce } from './support/burst.ts';
import { freshDbPath, runCli, startCli, waitForExit, waitForOutput } from './support/cli.ts';
import { ADMIN_TOKEN } from './support/lark-world.ts';
import { freePort, outboxOfFile, readDbFile, suggestionsCsv, waitFor } from './support/outbox-helpers.ts';
import { directory, tempDir } from './support/world.ts';

/** The day of SWEEP_NOW in Shanghai. */
const SWEEP_TODAY = '2026-03-10';
/** The supervisors' group (DUBAN_SUPERVISOR_CHAT_ID), where the escalations go. */
const SUPERVISORS_CHAT = 'oc_chaossupervisors0001';

const SEED = Number(process.env.DUBAN_CHAOS_SEED ?? Math.floor(Math.random() * 1_000_000));
console.log(`chaos seed ${SEED} (DUBAN_CHAOS_SEED=${SEED} replays it)`);

/** mulberry32: a small seeded generator, so the random points can be replayed. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(SEED);
const between = (low: number, high: number) => Math.floor(low + random() * (high - low));

const children: ChildProcess[] = [];
let sandbox: RunningSandbox | undefined;

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await waitForExit(child, 10_000).catch(() => undefined);
  }
  await sandbox?.close();
  sandbox = undefined;
});
afterAll(async () => {
  await sandbox?.close();
});

function integrity(dbPath: string): string {
  // Read-write, as the restarted bot opens it: recovering the WAL of a killed writer is part of it.
  const db = new Database(dbPath);
  try {
    return (db.pragma('integrity_check', { simple: true }) as string) ?? '';
  } finally {
    db.close();
  }
}

const count = (dbPath: string, sql: string) => readDbFile(dbPath, (db) => (db.prepare(sql).pluck().get() as number) ?? 0);

/**
 * Every imported suggestion is whole: its assignment, its audit row, and its group and two cards
 * queued exactly once — the promise of SPEC §8 ("nothing is half written").
 */
function halfWrittenSuggestions(dbPath: string): number {
  return count(
    dbPath,
    `select count(*) from suggestions s where
       (select count(*) from outbox o where o.suggestion_id = s.id and o.kind = 'create_chat') <> 1
    or (select count(*) from outbox o where o.suggestion_id = s.id and o.kind = 'send_card') <> 2
    or (select count(*) from audit_log a where a.suggestion_id = s.id and a.action = 'import_created') <> 1
    or not exists (select 1 from assignments a where a.suggestion_id = s.id)
    or not exists (select 1 from open_deadlines d where d.suggestion_id = s.id)`,
  );
}

/** A sandbox for the bot on `port`, with a fifth of its Open API answers failing. */
async function troubledLark(port: number) {
  sandbox = await startSandbox({ appId: 'cli_chaosapp01', appSecret: 'chaos-s3cret', encryptKey: 'k', verificationToken: 'vt', webhookUrl: () => `http://127.0.0.1:${port}/lark/events` });
  const api = /^\/open-apis\/(im|contact)\//;
  const many = 1_000_000;
  // 20 % in all: 8 % rate limited, 8 % server errors, 3 % performed but answered 503 (the answer
  // lost), 1 % taking longer than the bot waits (performed all the same once the delay is over).
  const faults = [
    sandbox.fake.faults.add({ path: api, status: 429, rate: 0.08, times: many }),
    sandbox.fake.faults.add({ path: api, status: 500, rate: 0.087, times: many }),
    sandbox.fake.faults.add({ path: api, status: 503, mode: 'after', rate: 0.033, times: many }),
    sandbox.fake.faults.add({ path: api, delayMs: 11_000, rate: 0.012, times: 6 }),
  ];
  return { lark: sandbox, failed: () => faults.reduce((n, f) => n + f.used, 0) };
}

/** A sandbox for the bot on `port` with nothing going wrong (Lark's limits still kept). */
async function cleanLark(port: number) {
  sandbox = await startSandbox({ appId: 'cli_chaosapp01', appSecret: 'chaos-s3cret', encryptKey: 'k', verificationToken: 'vt', webhookUrl: () => `http://127.0.0.1:${port}/lark/events` });
  return { lark: sandbox, failed: () => 0 };
}

function botEnv(port: number, lark: RunningSandbox): Record<string, string> {
  return {
    PORT: String(port),
    LARK_APP_ID: 'cli_chaosapp01',
    LARK_APP_SECRET: 'chaos-s3cret',
    LARK_ENCRYPT_KEY: 'k',
    LARK_VERIFICATION_TOKEN: 'vt',
    LARK_BASE_URL: lark.url,
    LOG_LEVEL: 'silent',
    ADMIN_TOKEN,
  };
}

const delivered = (lark: RunningSandbox) =>
  lark.fake
    .chats()
    .filter((c) => c.chatType !== 'p2p')
    .reduce((n, c) => n + lark.fake.messagesIn(c.chatId).length, 0);

/** Serves until the outbox has nothing pending, expiring the token once midway; then stops. */
async function serveUntilDrained(dbPath: string, port: number, lark: RunningSandbox, timeoutMs: number, options: { env?: Record<string, string>; expireToken?: boolean } = {}) {
  const expireToken = options.expireToken ?? true;
  const bot = startCli(['serve'], dbPath, { ...botEnv(port, lark), ...options.env });
  children.push(bot);
  await waitForOutput(bot, /listening on/);
  const atStart = delivered(lark);
  const tokensBefore = lark.fake.requestCount(TOKEN_CALL);
  // Every token the bot holds stops working mid-burst (99991663); it fetches a new one and goes on.
  await waitFor(() => delivered(lark) > atStart + 30, timeoutMs, () => `nothing delivered: ${delivered(lark)}`, 20);
  if (expireToken) lark.fake.expireAllTokens();
  await waitFor(
    () => outboxOfFile(dbPath).every((r) => r.status !== 'pending'),
    timeoutMs,
    () => JSON.stringify(outboxOfFile(dbPath).filter((r) => r.status === 'pending').length),
    200,
  );
  if (expireToken) expect(lark.fake.requestCount(TOKEN_CALL), 'a new token after the old one expired').toBeGreaterThan(tokensBefore);
  bot.kill('SIGTERM');
  expect(await waitForExit(bot)).toEqual({ code: 0, signal: null });
}

const TOKEN_CALL = 'POST /open-apis/auth/v3/tenant_access_token/internal';

function writeCsv(rows: number, first = 1): string {
  const csv = join(tempDir('duban-chaos-'), `suggestions-${first}-${rows}.csv`);
  writeFileSync(csv, suggestionsCsv(rows, first, directory.units.map((u) => u.id), directory.deputies.map((d) => d.id)));
  return csv;
}

function loadedDatabase(): string {
  const dbPath = freshDbPath();
  const run = runCli(['import', 'directory', 'test/fixtures/directory.yaml'], dbPath);
  expect(run.status, run.stderr).toBe(0);
  return dbPath;
}

describe('chaos: kill -9 and a troubled Lark', () => {
  it('a 10,000-row import killed at a random point leaves whole rows; run again it goes on; every call it queued is delivered once', async () => {
    const dbPath = loadedDatabase();
    const csv = writeCsv(10_000);
    const importing = startCli(['import', 'suggestions', csv], dbPath);
    children.push(importing);
    // Small enough that the restarted bot delivers them within the suite's time.
    const killAt = between(20, 120);
    await waitFor(() => count(dbPath, 'select count(*) from suggestions') >= killAt, 120_000, () => `import did not reach ${killAt} rows`, 5);
    importing.kill('SIGKILL');
    expect(await waitForExit(importing)).toEqual({ code: null, signal: 'SIGKILL' });

    expect(integrity(dbPath)).toBe('ok');
    const imported = count(dbPath, 'select count(*) from suggestions');
    expect(imported).toBeGreaterThanOrEqual(killAt);
    expect(imported).toBeLessThan(10_000);
    expect(halfWrittenSuggestions(dbPath)).toBe(0);

    // Running the import again (here over the rows up to a few past the kill) finishes it: the
    // rows already in are unchanged, the rest created, none twice.
    const again = runCli(['import', 'suggestions', writeCsv(imported + 10)], dbPath);
    expect(again.stdout).toContain(`新建 created 10, 更新 updated 0, 未变 unchanged ${imported}, 拒绝 rejected 0`);
    expect(halfWrittenSuggestions(dbPath)).toBe(0);

    const port = await freePort();
    const { lark, failed } = await troubledLark(port);
    await serveUntilDrained(dbPath, port, lark, 90_000);
    const { groups, rows } = expectOutboxDeliveredOnce(lark.fake, dbPath);
    expect(groups).toBe(imported + 10);
    expect(failed(), `Lark calls failed of ${rows.length}`).toBeGreaterThan(rows.length / 10);
    expect(integrity(dbPath)).toBe('ok');
  }, 180_000);

  // The sweep's cases: thousands of items due (DUBAN_CHAOS_SWEEP_DUE suggestions with a deadline
  // due, 1,000 by default; each makes one to three reminders), killed inside the transaction,
  // swept again, then drained through the sandbox at Lark's own pace, cleanly and with a fifth of
  // the calls failing. The full size the issue speaks of: DUBAN_CHAOS_SWEEP_DUE=3000.
  const SWEEP_DUE = Number(process.env.DUBAN_CHAOS_SWEEP_DUE ?? 1_000);
  for (const troubled of [false, true]) {
    it(`a sweep over thousands of overdue items killed in a later slice keeps its committed slices whole and nothing else; swept again, each reminder, urgent and escalation reaches Lark once${troubled ? ', with 20 % of Lark calls failing and the token expiring' : ''}`, async () => {
      const dbPath = join(tempDir('duban-chaos-sweep-'), 'duban.db');
      const calendar = createWorkingDayCalendar();
      buildSweepDatabase(dbPath, { name: 'chaos', suggestions: SWEEP_DUE + 500, dueSuggestions: SWEEP_DUE, duePerSuggestion: 1 }, { policy: defaultPolicy, calendar, timeZone: 'Asia/Shanghai' });
      const outboxBefore = count(dbPath, 'select count(*) from outbox');
      const supervisors = { DUBAN_SUPERVISOR_CHAT_ID: SUPERVISORS_CHAT };

      // The sweep runs in slices, each its own transaction (src/app/sweep.ts). Killed inside a
      // random slice after the first, once it has written everything of its own and before its
      // commit (src/runtimes/node/chaos-kill.ts), while the slices before it are committed; its
      // debug log says what each slice wrote and which committed.
      const killAt = between(2, 8);
      const sweeping = startCli(['sweep', '--now', SWEEP_NOW], dbPath, {
        ...supervisors,
        LOG_LEVEL: 'debug',
        DUBAN_CHAOS_KILL_ON: 'sweep slice written',
        DUBAN_CHAOS_KILL_AT: String(killAt),
      });
      children.push(sweeping);
      let log = '';
      sweeping.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
      expect(await waitForExit(sweeping, 120_000)).toEqual({ code: null, signal: 'SIGKILL' });

      expect(integrity(dbPath)).toBe('ok');
      const logged = log.split('\n').flatMap((line) => {
        try {
          return [JSON.parse(line) as { msg?: string; slice?: number; reminders?: number }];
        } catch {
          return [];
        }
      });
      // (The killed slice's own line may not have left the process's stdout buffer.)
      const committed = logged.filter((l) => l.msg === 'sweep slice committed');
      expect(committed.map((l) => l.slice), 'the slices before it committed').toEqual(Array.from({ length: killAt - 1 }, (_, i) => i + 1));
      console.log(`chaos sweep${troubled ? ' (troubled)' : ''}: killed inside slice ${killAt}, after its writes and before its commit; ${killAt - 1} slices committed`);
      // The committed slices are whole, and nothing of the slice the kill cut short is left: each
      // reminder sent has its key, its group card has its outbox row, and nothing else is queued.
      const sentBeforeKill = committed.reduce((n, l) => n + l.reminders!, 0);
      expect(sentBeforeKill).toBeGreaterThan(0);
      expect(count(dbPath, 'select count(*) from reminders_sent')).toBe(sentBeforeKill);
      const groupReminders = count(dbPath, "select count(*) from reminders_sent where level not in ('escalation', 'escalation2')");
      expect(count(dbPath, "select count(*) from card_messages where kind = 'reminder'")).toBe(groupReminders);
      expect(count(dbPath, "select count(*) from card_messages c join reminders_sent r on r.key = c.subject_id where c.kind = 'reminder'")).toBe(groupReminders);
      expect(count(dbPath, "select count(*) from outbox where kind = 'send_card' and json_extract(payload, '$.cardMessageId') in (select id from card_messages where kind = 'reminder')")).toBe(groupReminders);
      // The supervisors' card is built after the last slice: not yet.
      expect(count(dbPath, "select count(*) from card_messages where kind = 'escalations'")).toBe(0);
      expect(count(dbPath, 'select count(*) from outbox')).toBeGreaterThan(outboxBefore);

      // Swept again: the rest, once, and the day's escalations on one card, those of the killed sweep's slices included.
      const swept = runCli(['sweep', '--now', SWEEP_NOW], dbPath, supervisors, 120_000);
      expect(swept.status, swept.stderr).toBe(0);
      const sent = sentBeforeKill + Number(/Sent: \S+ — (\d+) reminders/.exec(swept.stdout)?.[1]);
      expect(sent).toBeGreaterThan(SWEEP_DUE);
      expect(count(dbPath, 'select count(*) from reminders_sent')).toBe(sent);
      expect(count(dbPath, "select count(*) from reminders_sent where level in ('escalation', 'escalation2') and gathered_at is null")).toBe(0);
      const escalations = count(dbPath, "select count(*) from reminders_sent where level in ('escalation', 'escalation2')");
      expect(escalations, 'escalations among them').toBeGreaterThan(SWEEP_DUE / 4);
      const outboxAfter = count(dbPath, 'select count(*) from outbox');

      const again = runCli(['sweep', '--now', SWEEP_NOW], dbPath, supervisors, 120_000);
      expect(again.stdout).toMatch(/— 0 reminders, 0 boards to recolour/);
      expect(count(dbPath, 'select count(*) from outbox')).toBe(outboxAfter);
      expect(integrity(dbPath)).toBe('ok');

      // Lark holds the groups and boards the database speaks of; the bot drains what the sweep queued.
      const port = await freePort();
      const { lark, failed } = troubled ? await troubledLark(port) : await cleanLark(port);
      const { seededMessages } = larkHoldingTheGroups(lark.fake, dbPath, SUPERVISORS_CHAT);
      await serveUntilDrained(dbPath, port, lark, 240_000, { env: supervisors, expireToken: troubled });
      const delivery = expectSweepDeliveredOnce(lark.fake, dbPath, { today: SWEEP_TODAY, supervisorsChat: SUPERVISORS_CHAT, seededMessages });
      console.log(`chaos sweep${troubled ? ' (troubled)' : ''}: ${sent} reminders, ${delivery.groupCards} group cards, ${delivery.escalations} escalations on ${delivery.escalationCards} cards, ${delivery.urgents} urgents (${delivery.repeatedUrgents} repeated after a lost answer), ${failed()} Lark calls failed of ${lark.fake.state.refused.length} refused`);
      expect(delivery.groupCards + delivery.escalations).toBe(sent);
      if (troubled) expect(failed(), 'Lark calls failed').toBeGreaterThan(delivery.rows.length / 10);
      // Lark's own limits are kept: a sweep on a quiet Lark draws no refusal at all (SPEC §6).
      else expect(lark.fake.state.refused).toEqual([]);
      expect(integrity(dbPath)).toBe('ok');
    }, 420_000);
  }

  it('a 1,000-message burst killed at a random point, under 20 % failures and an expiring token, is delivered once', async () => {
    const SUGGESTIONS = 500; // a group, an assignment card and a status board each: 1,000 messages
    const dbPath = loadedDatabase();
    // Imported in this process (the import is not what this test is about, and the CLI's
    // slices with their pauses take longer).
    const db = openDatabase(dbPath);
    const rows = await readTable(readFileSync(writeCsv(SUGGESTIONS, 5001)), 'csv');
    const report = importSuggestions(db, rows, { source: 'cli', actor: 'system:chaos', now: new Date(), today: new Date().toISOString().slice(0, 10) });
    db.$client.close();
    expect(report.created).toBe(SUGGESTIONS);
    expect(outboxOfFile(dbPath).filter((r) => r.kind === 'send_card')).toHaveLength(2 * SUGGESTIONS);

    const port = await freePort();
    const { lark, failed } = await troubledLark(port);
    const first = startCli(['serve'], dbPath, botEnv(port, lark));
    children.push(first);
    await waitForOutput(first, /listening on/);
    const killAt = between(100, 900);
    await waitFor(() => delivered(lark) >= killAt, 120_000, () => `burst did not reach ${killAt} messages: ${delivered(lark)}`, 5);
    first.kill('SIGKILL');
    expect(await waitForExit(first)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(integrity(dbPath)).toBe('ok');
    expect(outboxOfFile(dbPath).filter((r) => r.status === 'pending').length, 'killed mid-burst').toBeGreaterThan(0);

    await serveUntilDrained(dbPath, port, lark, 150_000);
    const { messages, groups } = expectOutboxDeliveredOnce(lark.fake, dbPath);
    expect(groups).toBe(SUGGESTIONS);
    expect(messages).toBe(2 * SUGGESTIONS);
    expect(failed(), 'Lark calls failed').toBeGreaterThan(SUGGESTIONS * 3 * 0.1);
    expect(integrity(dbPath)).toBe('ok');
  }, 300_000);
});
