/**
 * `duban import suggestions` beside a running server (issue 11): the real CLI process hands its
 * rows to the real server holding the same database file, which imports every row once and
 * answers the same summary, rejected rows and all, as the CLI gives when it writes the file
 * itself. Without a server, or with only the file a killed server left behind, or a server file
 * whose server does not answer, the CLI still writes the database itself.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { countRows, freshDbPath, queryDb, runCli, startCli, waitForExit, waitForOutput, type CliResult } from './support/cli.ts';
import { fixturePath, tempDir } from './support/world.ts';
import { freePort } from './support/outbox-helpers.ts';

const SESSION = '市六届人大二次会议';
const CSV_HEADER = readFileSync(fixturePath('suggestions.csv'), 'utf8').split(/\r?\n/)[0]!;
const UNITS = ['jtw', 'zjw', 'jw', 'wjw', 'mzj'];
const DEPUTIES = ['d01', 'd02', 'd03', 'd04', 'd05'];
const HANDED_OVER = /Imported by the server running on this database/;
const ROWS = 300;

/** `count` good rows from `first`, and three bad ones among them: an unknown unit, a duplicate number, no title. */
function csvFile(first: number, count: number): string {
  const line = (n: number, title: string, unit: string) =>
    [SESSION, String(n).padStart(4, '0'), '建议', '大会', title, '内容', '交通邮电', DEPUTIES[n % DEPUTIES.length], DEPUTIES[(n + 1) % DEPUTIES.length], unit, '', '', '2026-02-10', '否', '', '否'].join(',');
  const lines = [CSV_HEADER];
  for (let n = first; n < first + count; n++) {
    lines.push(line(n, `关于第 ${n} 号事项的建议`, UNITS[n % UNITS.length]!));
    if (n === first + 10) lines.push(line(9000 + n, '未知单位', 'nowhere'));
    if (n === first + 20) lines.push(line(first + 5, '重复编号', 'jtw'));
    if (n === first + 30) lines.push(line(9100 + n, '', 'jtw'));
  }
  const path = join(tempDir('duban-handoff-input-'), `rows-${first}.csv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function expectExit(r: CliResult, code: number): void {
  expect(r.status, `exit code; stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
}

/** What an operator reads after an import: every line but the one saying who wrote the rows. */
const summaryOf = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => !HANDED_OVER.test(l))
    .join('\n');

function dbWithDirectory(): string {
  const path = freshDbPath();
  expectExit(runCli(['import', 'directory', 'test/fixtures/directory.yaml'], path), 0);
  return path;
}

const servers: ChildProcess[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    await waitForExit(server).catch(() => {});
  }
});

/** `duban serve` on the database, as `npm start` runs it (the sandbox as Lark), with the log on stdout. */
async function serve(path: string): Promise<{ server: ChildProcess; output: () => string }> {
  const server = startCli(['serve'], path, { PORT: '0', DUBAN_SCHEDULE: 'off', DUBAN_DIGEST_SCHEDULE: 'off', LOG_LEVEL: 'info' });
  servers.push(server);
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await waitForOutput(server, /listening on http/, 60_000);
  return { server, output: () => output };
}

describe('duban import suggestions with a server running on the same database', () => {
  it('hands the rows to the server, which imports every row once and answers the same summary as the CLI alone', async () => {
    const alone = dbWithDirectory();
    const file = csvFile(1, ROWS);
    const byItself = runCli(['import', 'suggestions', file], alone, {}, 120_000);
    expectExit(byItself, 1); // three rows rejected
    expect(byItself.stdout).not.toMatch(HANDED_OVER);
    expect(byItself.stdout).toMatch(new RegExp(`created ${ROWS},`));

    const shared = dbWithDirectory();
    const { output } = await serve(shared);
    expect(existsSync(`${shared}.server.json`)).toBe(true);
    const handed = runCli(['import', 'suggestions', file], shared, {}, 120_000);
    expectExit(handed, 1);
    expect(handed.stdout).toMatch(HANDED_OVER);
    // The same summary, line for line: counts, and each rejected row by its spreadsheet row number and reason.
    expect(summaryOf(handed.stdout)).toBe(byItself.stdout);
    expect(handed.stdout).toMatch(/第 13 行 row 13（编号 9011）: 未知的承办单位：nowhere/);
    expect(handed.stdout).toMatch(/编号重复：与第 7 行相同/);
    // The server wrote them, as the CLI's import.
    await expect.poll(output).toMatch(/suggestions imported for the CLI/);

    // Every row once.
    expect(countRows(shared, 'suggestions')).toBe(ROWS);
    const audited = queryDb(shared, (db) =>
      db.prepare(`select source, actor, count(*) as n, count(distinct suggestion_id) as distinct_ids from audit_log where action = 'import_created' group by source, actor`).all(),
    );
    expect(audited).toEqual([{ source: 'cli', actor: 'system:cli', n: ROWS, distinct_ids: ROWS }]);
    const numbers = queryDb(shared, (db) => (db.prepare('select count(distinct session || number) as n from suggestions').get() as { n: number }).n);
    expect(numbers).toBe(ROWS);

    // Again: nothing new, each row unchanged, still through the server.
    const again = runCli(['import', 'suggestions', file], shared, {}, 120_000);
    expect(again.stdout).toMatch(HANDED_OVER);
    expect(again.stdout).toMatch(new RegExp(`created 0, 更新 updated 0, 未变 unchanged ${ROWS}, 拒绝 rejected 3`));
    expect(countRows(shared, 'suggestions')).toBe(ROWS);
  }, 240_000);

  it('writes the file itself when the server is gone (killed, its file left behind) or does not answer', async () => {
    const path = dbWithDirectory();
    const { server } = await serve(path);
    server.kill('SIGKILL');
    await waitForExit(server);
    expect(existsSync(`${path}.server.json`), 'a server killed with -9 leaves its file').toBe(true);

    const first = runCli(['import', 'suggestions', csvFile(1, 50)], path, {}, 120_000);
    expectExit(first, 1);
    expect(first.stdout).not.toMatch(HANDED_OVER);
    expect(first.stdout).toMatch(/created 50,/);
    expect(countRows(path, 'suggestions')).toBe(50);

    // A server file whose process lives (this test's) but whose server does not answer.
    const closedPort = await freePort();
    writeFileSync(`${path}.server.json`, JSON.stringify({ pid: process.pid, url: `http://127.0.0.1:${closedPort}`, token: 'x'.repeat(48) }), { mode: 0o600 });
    const second = runCli(['import', 'suggestions', csvFile(100, 50)], path, {}, 120_000);
    expectExit(second, 1);
    expect(second.stdout).not.toMatch(HANDED_OVER);
    expect(second.stderr).toMatch(/The server did not take the import .*does not answer.*importing into the database directly/);
    expect(second.stdout).toMatch(/created 50,/);
    expect(countRows(path, 'suggestions')).toBe(100);
  }, 240_000);

  it('removes its server file when it shuts down cleanly', async () => {
    const path = dbWithDirectory();
    const { server } = await serve(path);
    expect(JSON.parse(readFileSync(`${path}.server.json`, 'utf8'))).toMatchObject({ pid: server.pid, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    server.kill('SIGTERM');
    await waitForExit(server, 30_000);
    expect(existsSync(`${path}.server.json`)).toBe(false);
  }, 120_000);
});
