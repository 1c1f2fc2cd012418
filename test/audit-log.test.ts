/**
 * The tamper-evident audit log (issue 11) as an operator meets it: the real `duban audit verify`
 * process and `GET /api/audit/verify` over HTTP, on a database filled by the real import. Someone
 * with the file in hand is refused by the triggers; once they drop them and change a row, both
 * name that row.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDbPath, runCli, type CliResult } from './support/cli.ts';
import { startTestServer } from './support/server.ts';
import { directory } from './support/world.ts';

function expectExit(r: CliResult, code: number): void {
  expect(r.status, `exit code; stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
}

describe('duban audit verify', () => {
  it('proves a log written by the import untouched, refuses UPDATE and DELETE, and names the row changed behind the triggers', () => {
    const path = freshDbPath();
    expectExit(runCli(['import', 'directory', 'test/fixtures/directory.yaml'], path), 0);
    expectExit(runCli(['import', 'suggestions', 'test/fixtures/suggestions.csv'], path), 0);

    const raw = new Database(path);
    const rows = (raw.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
    expect(rows).toBe(30);
    raw.close();

    const intact = runCli(['audit', 'verify'], path);
    expectExit(intact, 0);
    expect(intact.stdout).toContain(`Audit log intact: ${rows} rows verified`);

    const tamper = new Database(path);
    expect(() => tamper.prepare("UPDATE audit_log SET actor = 'ou_someone_else' WHERE seq = 7").run()).toThrow(/append-only: UPDATE refused/);
    expect(() => tamper.prepare('DELETE FROM audit_log WHERE seq = 7').run()).toThrow(/append-only: DELETE refused/);
    tamper.exec('DROP TRIGGER audit_log_no_update');
    tamper.prepare("UPDATE audit_log SET actor = 'ou_someone_else' WHERE seq = 7").run();
    tamper.close();

    const broken = runCli(['audit', 'verify'], path);
    expectExit(broken, 2);
    expect(broken.stderr).toContain('Audit log broken at row 7: hash does not match');
    expect(broken.stderr).not.toContain('    at ');
  });
});

describe('GET /api/audit/verify', () => {
  let t: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('answers the verdict to an admin, and the row a tamperer changed', async () => {
    expect((await t.json('PUT', '/api/directory', directory)).status).toBe(200);
    const imported = await t.json('POST', '/api/suggestions', {
      session: '市六届人大二次会议',
      number: '9001',
      kind: 'suggestion',
      timing: 'session',
      title: '关于第 9001 号事项的建议',
      body: '建议内容',
      category: '交通邮电',
      lead_deputy: 'd01',
      lead_unit: 'jtw',
      assigned_on: '2026-02-10',
    });
    expect(imported.status).toBe(200);
    const intact = await t.json('GET', '/api/audit/verify');
    expect(intact.status).toBe(200);
    expect(intact.body).toEqual({ ok: true, rows: expect.any(Number), sealed: intact.body.rows, unsealed: 0, lastHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(intact.body.rows).toBeGreaterThan(0);

    const unauthenticated = await fetch(`${t.server.url}/api/audit/verify`);
    expect(unauthenticated.status).toBe(401);

    const tamper = new Database(t.runtime.config.databasePath);
    tamper.exec('DROP TRIGGER audit_log_no_update');
    tamper.prepare("UPDATE audit_log SET message = 'nothing happened' WHERE seq = 1").run();
    tamper.close();
    const broken = await t.json('GET', '/api/audit/verify');
    expect(broken.body).toEqual({ ok: false, rows: 1, brokenSeq: 1, reason: 'hash does not match the row and the previous hash' });
  });
});
