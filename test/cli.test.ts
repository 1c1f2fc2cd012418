/**
 * The command line (SPEC §7) as an operator runs it: `node bin/duban.js <command>` in a child
 * process, each test with its own database file. Covers migrate, import directory, import
 * suggestions (summary, rejected rows by spreadsheet row number, idempotent re-runs, a large
 * file), unreadable inputs, bad configuration, backup and serve with a clean SIGTERM shutdown.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { openDatabase } from '../src/runtimes/node/open-database.ts';
import { readTable } from '../src/transports/cli/read-table.ts';
import { importSuggestions } from '../src/app/import/import-suggestions.ts';
import { loadDirectory } from '../src/adapters/sqlite/directory-store.ts';
import { VERSION } from '../src/app/version.ts';
import {
  countRows,
  freshDbPath,
  queryDb,
  rejectedRows,
  runCli,
  startCli,
  waitForExit,
  waitForOutput,
  type CliResult,
} from './support/cli.ts';
import { directory, fixturePath, sampleWorld, tempDir } from './support/world.ts';

const SESSION = '市六届人大二次会议';
const FIXTURE_DIRECTORY = 'test/fixtures/directory.yaml';
const FIXTURE_SUGGESTIONS = 'test/fixtures/suggestions.csv';
const CSV_HEADER = readFileSync(fixturePath('suggestions.csv'), 'utf8').split(/\r?\n/)[0]!;
const NO_STACK = '    at ';

/** Shows the whole run when an exit code is not what a test expects. */
function expectExit(r: CliResult, code: number): void {
  expect(r.status, `exit code; stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
}

/** A database with the fixture directory loaded, written in-process (setup, not under test). */
function dbWithDirectory(): string {
  const path = freshDbPath();
  const db = openDatabase(path);
  loadDirectory(db, directory);
  db.$client.close();
  return path;
}

/** One CSV line in the fixture's column order (届次,编号,类型,提出时间,标题,内容,类别,领衔代表,附议代表,主办单位,协办单位,分办单位,交办日期,重点督办,督办领导,涉密). */
function csvRow(number: string, title: string, leadDeputy: string, leadUnit: string): string {
  return [SESSION, number, '建议', '大会', title, '内容', '交通邮电', leadDeputy, '', leadUnit, '', '', '2026-02-10', '否', '', '否'].join(',');
}

function writeTemp(name: string, content: string): string {
  const path = join(tempDir('duban-cli-input-'), name);
  writeFileSync(path, content);
  return path;
}

describe('duban migrate', () => {
  it('creates the database file, says it is up to date, and a second run still succeeds', () => {
    const db = freshDbPath();
    expect(existsSync(db)).toBe(false);

    const first = runCli(['migrate'], db);
    expectExit(first, 0);
    expect(first.stdout).toContain('Database is up to date');
    expect(first.stdout).toContain(resolve(db));
    expect(existsSync(db)).toBe(true);
    expect(countRows(db, '__drizzle_migrations')).toBeGreaterThan(0);
    // The schema is there: the tables the rest of the CLI writes to exist and are empty.
    expect(countRows(db, 'suggestions')).toBe(0);
    expect(countRows(db, 'units')).toBe(0);

    const second = runCli(['migrate'], db);
    expectExit(second, 0);
    expect(second.stdout).toContain('Database is up to date');
    expect(second.stderr).not.toContain(NO_STACK);
  });
});

describe('duban import directory', () => {
  it('loads the fixture, reports unchanged counts on a re-run, and rejects a bad open_id naming the field without writing anything', () => {
    const db = freshDbPath();
    const fixtureText = readFileSync(fixturePath('directory.yaml'), 'utf8');
    const firstHead = directory.units[0]!.head;
    const secondHead = directory.units[1]!.head;

    // A bad file into a fresh database: refused, naming the field path.
    const badFresh = writeTemp('bad-directory.yaml', fixtureText.replace(firstHead, 'zhang.san@example.com'));
    const refusedFresh = runCli(['import', 'directory', badFresh], db);
    expectExit(refusedFresh, 1);
    expect(refusedFresh.stderr).toContain('units.0.head');
    expect(refusedFresh.stderr).not.toContain(NO_STACK);
    expect(refusedFresh.stdout).not.toContain('Directory loaded');
    if (existsSync(db)) {
      expect(countRows(db, 'units')).toBe(0);
      expect(countRows(db, 'deputies')).toBe(0);
      expect(countRows(db, 'supervisors')).toBe(0);
    }

    const first = runCli(['import', 'directory', FIXTURE_DIRECTORY], db);
    expectExit(first, 0);
    expect(first.stdout).toMatch(/units:\s+created 12, updated 0, unchanged 0/);
    expect(first.stdout).toMatch(/deputies:\s+created 20, updated 0, unchanged 0/);
    expect(first.stdout).toMatch(/supervisors: 3 \(added 3, removed 0\)/);
    expect(countRows(db, 'units')).toBe(12);
    expect(countRows(db, 'deputies')).toBe(20);
    expect(countRows(db, 'supervisors')).toBe(3);

    const second = runCli(['import', 'directory', FIXTURE_DIRECTORY], db);
    expectExit(second, 0);
    expect(second.stdout).toMatch(/units:\s+created 0, updated 0, unchanged 12/);
    expect(second.stdout).toMatch(/deputies:\s+created 0, updated 0, unchanged 20/);
    expect(second.stdout).toMatch(/supervisors: 3 \(added 0, removed 0\)/);

    // A file that would rename the first unit but has a bad head on the second: nothing changes.
    const firstName = directory.units[0]!.name;
    const badUpdate = writeTemp(
      'bad-update.yaml',
      fixtureText.replace(`name: ${firstName}`, 'name: 改名后的单位').replace(secondHead, 'not_an_open_id'),
    );
    expect(readFileSync(badUpdate, 'utf8')).toContain('改名后的单位');
    const refusedUpdate = runCli(['import', 'directory', badUpdate], db);
    expectExit(refusedUpdate, 1);
    expect(refusedUpdate.stderr).toContain('units.1.head');
    expect(refusedUpdate.stderr).not.toContain(NO_STACK);
    expect(countRows(db, 'units')).toBe(12);
    const names = queryDb(db, (d) => d.prepare('select name from units').all() as { name: string }[]).map((u) => u.name);
    expect(names).toContain(firstName);
    expect(names).not.toContain('改名后的单位');
  });
});

describe('duban import suggestions', () => {
  it('imports the fixture after the directory (30 created, 0 rejected) and a re-run leaves all 30 unchanged', () => {
    const db = dbWithDirectory();

    const first = runCli(['import', 'suggestions', FIXTURE_SUGGESTIONS], db);
    expectExit(first, 0);
    expect(first.stdout).toMatch(/Importing 30 rows/);
    expect(first.stdout).toMatch(/created 30,/);
    expect(first.stdout).toMatch(/updated 0,/);
    expect(first.stdout).toMatch(/rejected 0\b/);
    expect(first.stdout).not.toContain('Rejected rows');
    // The progress bar draws only on a terminal: a piped run leaves stderr clean.
    expect(first.stderr).toBe('');
    expect(countRows(db, 'suggestions')).toBe(30);

    const second = runCli(['import', 'suggestions', FIXTURE_SUGGESTIONS], db);
    expectExit(second, 0);
    expect(second.stdout).toMatch(/created 0,/);
    expect(second.stdout).toMatch(/updated 0,/);
    expect(second.stdout).toMatch(/unchanged 30,/);
    expect(second.stdout).toMatch(/rejected 0\b/);
    expect(countRows(db, 'suggestions')).toBe(30);
  });

  it('names each bad row by its spreadsheet row number with the reason, exits 1, and still imports the good rows', () => {
    const db = dbWithDirectory();
    const csv = writeTemp(
      'mixed.csv',
      [
        CSV_HEADER, // row 1
        csvRow('0101', '好的建议一', 'd01', 'jtw'), // row 2: good
        csvRow('0102', '', 'd01', 'jtw'), // row 3: missing title
        csvRow('0103', '未知单位的建议', 'd02', 'xxj'), // row 4: unknown unit
        csvRow('0101', '重复编号的建议', 'd03', 'zjw'), // row 5: duplicate number
        csvRow('0104', '好的建议二', 'd04', 'zjw'), // row 6: good
      ].join('\n') + '\n',
    );

    const r = runCli(['import', 'suggestions', csv], db);
    expectExit(r, 1);
    expect(r.stdout).toMatch(/created 2,/);
    expect(r.stdout).toMatch(/rejected 3\b/);
    expect(r.stderr).not.toContain(NO_STACK);

    const rejected = rejectedRows(r.stdout);
    expect([...rejected.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5]);
    expect(rejected.get(3)).toMatch(/标题|title/);
    expect(rejected.get(4)).toContain('xxj');
    expect(rejected.get(5)).toMatch(/重复|duplicate/);

    const rows = queryDb(db, (d) => d.prepare('select number, title from suggestions order by number').all());
    expect(rows).toEqual([
      { number: '0101', title: '好的建议一' },
      { number: '0104', title: '好的建议二' },
    ]);
  });

  it('imports a generated file of 1,000 rows', () => {
    const db = dbWithDirectory();
    const lines = [CSV_HEADER];
    for (let i = 0; i < 1000; i++) {
      const unit = directory.units[i % directory.units.length]!;
      const deputy = directory.deputies[i % directory.deputies.length]!;
      lines.push(csvRow(String(1001 + i), `生成的建议 ${1001 + i}`, deputy.id, unit.id));
    }
    const csv = writeTemp('thousand.csv', lines.join('\n') + '\n');

    const r = runCli(['import', 'suggestions', csv], db);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/Importing 1000 rows/);
    expect(r.stdout).toMatch(/created 1000,/);
    expect(r.stdout).toMatch(/rejected 0\b/);
    expect(countRows(db, 'suggestions')).toBe(1000);
    const range = queryDb(db, (d) => d.prepare('select min(number) as lo, max(number) as hi from suggestions').get());
    expect(range).toEqual({ lo: '1001', hi: '2000' });
  });

  it('refuses an unsupported extension and a missing file with a one-line message and no stack trace', () => {
    const db = freshDbPath();
    const txt = writeTemp('x.txt', `${CSV_HEADER}\n${csvRow('0001', '标题', 'd01', 'jtw')}\n`);

    const unsupported = runCli(['import', 'suggestions', txt], db);
    expectExit(unsupported, 1);
    expect(unsupported.stderr).toContain('.txt');
    expect(unsupported.stderr.trim().split('\n')).toHaveLength(1);
    expect(unsupported.stderr).not.toContain(NO_STACK);
    expect(unsupported.stdout).not.toContain('Done');

    const missing = join(tempDir('duban-cli-missing-'), 'nowhere.csv');
    const absent = runCli(['import', 'suggestions', missing], db);
    expectExit(absent, 1);
    expect(absent.stderr).toContain('nowhere.csv');
    expect(absent.stderr.trim().split('\n')).toHaveLength(1);
    expect(absent.stderr).not.toContain(NO_STACK);
  });
});

describe('configuration errors stop the CLI', () => {
  const cases: { env: Record<string, string>; names: string[] }[] = [
    { env: { PORT: 'abc', DUBAN_TIMEZONE: 'Mars/Olympus' }, names: ['PORT', 'DUBAN_TIMEZONE'] },
    { env: { DUBAN_SCHEDULE: 'every day' }, names: ['DUBAN_SCHEDULE'] },
    { env: { LARK_APP_ID: 'cli_a1b2c3d4e5' }, names: ['LARK_APP_SECRET'] },
  ];
  it.each(cases)('migrate with $env exits 1 naming $names and creates no database', ({ env, names }) => {
    const db = freshDbPath();
    const r = runCli(['migrate'], db, env);
    expectExit(r, 1);
    for (const name of names) expect(r.stderr).toContain(name);
    expect(r.stderr).not.toContain(NO_STACK);
    expect(r.stdout).not.toContain('up to date');
    expect(existsSync(db)).toBe(false);
  });
});

describe('duban backup', () => {
  it('writes a copy that opens with the same suggestions, refuses an existing file without --force, and overwrites with it', async () => {
    const world = await sampleWorld();
    const live = world.path;
    world.db.$client.close();
    expect(countRows(live, 'suggestions')).toBe(30);
    const backup = join(tempDir('duban-backup-'), 'copy.db');

    const first = runCli(['backup', backup], live);
    expectExit(first, 0);
    expect(first.stdout).toContain(resolve(backup));
    expect(countRows(backup, 'suggestions')).toBe(30);
    expect(countRows(backup, 'units')).toBe(12);

    // The live database moves on: one more suggestion.
    const db = openDatabase(live);
    const rows = await readTable(Buffer.from(`${CSV_HEADER}\n${csvRow('0999', '备份之后的建议', 'd01', 'jtw')}\n`), 'csv');
    const report = importSuggestions(db, rows, { source: 'cli', actor: 'system:cli', now: new Date('2026-02-11T01:00:00Z'), today: '2026-02-11' });
    expect(report.created).toBe(1);
    db.$client.close();

    const refused = runCli(['backup', backup], live);
    expectExit(refused, 1);
    expect(refused.stderr).toContain('already exists');
    expect(refused.stderr).toContain('--force');
    expect(refused.stderr).not.toContain(NO_STACK);
    expect(countRows(backup, 'suggestions')).toBe(30); // not overwritten

    const forced = runCli(['backup', backup, '--force'], live);
    expectExit(forced, 0);
    expect(countRows(backup, 'suggestions')).toBe(31);
  });
});

describe('duban serve', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  it('listens on the printed URL, answers /healthz, and exits 0 on SIGTERM', async () => {
    const db = freshDbPath();
    child = startCli(['serve'], db, { PORT: '0' });
    const [, url] = await waitForOutput(child, /listening on (http:\/\/[^\s]+:(\d+))/);
    expect(url).toBeDefined();
    expect(Number(new URL(url!).port)).toBeGreaterThan(0);

    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    // (In November and December a calendar notice may stand beside these: test/calendar-notice.test.ts.)
    expect(await response.json()).toMatchObject({ ok: true, version: VERSION, db: 'ok', lark: { mode: 'webhook' } });
    expect(existsSync(db)).toBe(true);

    child.kill('SIGTERM');
    const exit = await waitForExit(child, 15_000);
    expect(exit).toEqual({ code: 0, signal: null });
  });
});
