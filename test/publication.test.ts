/**
 * Publication (SPEC §7): the answers that may be published — public answers of non-classified
 * suggestions — through the real HTTP server and the real `duban publish` process. The test
 * searches every byte written for the classified suggestions' bodies and the non-public answers'
 * summaries (none may appear) and finds every public answer.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../src/adapters/report/publication.ts';
import { buildRuntime } from '../src/runtimes/node/build-runtime.ts';
import { startServer } from '../src/runtimes/node/serve.ts';
import { runCli } from './support/cli.ts';
import { ADMIN_TOKEN } from './support/server.ts';
import { makeDirectory, statsWorld, SUPERVISOR, type StatsWorld } from './support/stats-world.ts';

const CLASSIFIED_BODY = '机密正文甲乙丙：某军事设施周边道路';
const CLASSIFIED_SUMMARY = '涉密答复摘要丁';
const PRIVATE_SUMMARY = '不公开答复摘要戊：涉及个人信息';
const WITHDRAWN_BODY = '撤回建议正文己';
const PUBLIC_SUMMARIES = ['公开答复一：已完成道路改造', '答复含<b>标签</b>&符号，以及"引号"', '第二次答复：已纳入年度计划'];
const SCRIPT_TITLE = '<script>alert("x")</script>关于校园安全的建议';

let w: StatsWorld;
let server: Awaited<ReturnType<typeof startServer>>;
const get = (path: string) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

beforeAll(async () => {
  w = statsWorld(makeDirectory(['区交通运输局', '区教育局'], 5), '2026-03-02T01:00:00Z');
  const row = (number: string, lead_unit: string, extra: Record<string, unknown> = {}) => ({ number, title: `关于第${number}号事项的建议`, body: `公开建议正文${number}`, category: '交通邮电', lead_deputy: 'd001', co_deputies: 'd002', lead_unit, assigned_on: '2026-03-02', ...extra });
  w.importRows([
    row('0001', 'u001'),
    row('0002', 'u001', { classified: true, body: CLASSIFIED_BODY }),
    row('0003', 'u002'),
    row('0004', 'u002', { title: SCRIPT_TITLE, category: '教科文卫体' }),
    row('0005', 'u001', { body: WITHDRAWN_BODY }),
  ]);
  w.setNow('2026-04-10T02:00:00Z');
  const answer = (n: string, u: string, spec: Parameters<StatsWorld['answer']>[2]) => {
    const a = w.assignmentId(n, u);
    w.sign(a, u);
    return w.answer(a, u, spec);
  };
  answer('0001', 'u001', { summary: PUBLIC_SUMMARIES[0] });
  answer('0002', 'u001', { summary: CLASSIFIED_SUMMARY, public: false, privateReason: '涉密' });
  answer('0003', 'u002', { summary: PRIVATE_SUMMARY, public: false });
  const first = answer('0004', 'u002', { summary: PUBLIC_SUMMARIES[1], resultClass: 'C' });
  answer('0005', 'u001', { summary: '撤回前的答复' });
  w.act(SUPERVISOR, { type: 'withdraw_suggestion', suggestionId: w.suggestionId('0005'), reason: '代表撤回' });
  w.setNow('2026-04-15T02:00:00Z');
  w.evaluate(first, 'd001', 'unsatisfied');
  w.setNow('2026-05-15T02:00:00Z');
  w.answer(w.assignmentId('0004', 'u002'), 'u002', { summary: PUBLIC_SUMMARIES[2], resultClass: 'B' });
  server = await startServer(buildRuntime({ DATABASE_PATH: w.path, PORT: '0', ADMIN_TOKEN, LOG_LEVEL: 'silent' }, () => new Date('2026-06-01T02:00:00Z')), { hostname: '127.0.0.1' });
}, 60_000);
afterAll(async () => {
  await server?.close();
  w?.close();
});

const SECRETS = [CLASSIFIED_BODY, CLASSIFIED_SUMMARY, PRIVATE_SUMMARY, WITHDRAWN_BODY, '撤回前的答复'];

describe('GET /api/publication', () => {
  it('JSON lists the public answers of non-classified, non-withdrawn suggestions only', async () => {
    const res = await get('/api/publication');
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const body = JSON.parse(text) as { generatedOn: string; items: Array<{ number: string; deputies: string[]; answers: Array<{ summary: string; round: number; approvedOn: string }> }> };
    expect(body.generatedOn).toBe('2026-06-01');
    expect(body.items.map((i) => i.number)).toEqual(['0001', '0004']);
    expect(body.items[0]!.deputies).toEqual(['代表001', '代表002']);
    expect(body.items[1]!.answers.map((a) => [a.round, a.summary, a.approvedOn])).toEqual([
      [1, PUBLIC_SUMMARIES[1], '2026-04-10'],
      [2, PUBLIC_SUMMARIES[2], '2026-05-15'],
    ]);
  });

  it('Markdown and HTML carry every public answer, escaped, and nothing secret', async () => {
    const md = await (await get('/api/publication?format=md')).text();
    const html = await (await get('/api/publication?format=html')).text();
    for (const secret of SECRETS) {
      expect(md).not.toContain(secret);
      expect(html).not.toContain(secret);
    }
    expect(md).toContain('公开答复一：已完成道路改造');
    expect(md).toContain('答复含\\<b\\>标签\\</b\\>&符号');
    for (const summary of PUBLIC_SUMMARIES) expect(html).toContain(escapeHtml(summary));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;关于校园安全的建议');
  });

  it('refuses an unknown format, naming it', async () => {
    const res = await get('/api/publication?format=pdf');
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/format: must be one of json, md, html/);
  });
});

describe('duban publish --out <dir>', () => {
  it('writes JSON, Markdown and a static page set: an index by category and unit, one page per suggestion', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'duban-publish-')), 'site');
    const r = runCli(['publish', '--out', out], w.path);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/2 suggestions, 5 files/);
    const files = readdirSync(out, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => join(f.parentPath, f.name));
    expect(files.map((f) => f.slice(out.length + 1)).sort()).toEqual(['index.html', 'publication.json', 'publication.md', `suggestions/${w.suggestionId('0001')}.html`, `suggestions/${w.suggestionId('0004')}.html`].sort());
    const everything = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    const pages = files.filter((f) => f.endsWith('.html')).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(pages).not.toContain('<script>'); // the JSON keeps the title as data; the pages escape it
    for (const summary of PUBLIC_SUMMARIES) expect(pages).toContain(escapeHtml(summary));

    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toMatch(/<h2>按类别<\/h2>\n<h3>交通邮电（1件）<\/h3>/);
    expect(index).toContain('<h3>教科文卫体（1件）</h3>');
    expect(index).toContain('<h2>按承办单位</h2>');
    expect(index).toContain('<h3>区教育局（1件）</h3>');
    for (const href of index.matchAll(/href="([^"]+)"/g)) expect(existsSync(join(out, href[1]!))).toBe(true);
    const page = readFileSync(join(out, `suggestions/${w.suggestionId('0001')}.html`), 'utf8');
    expect(page).toContain('<h1>第0001号 关于第0001号事项的建议</h1>');
    expect(page).toContain('<p>公开建议正文0001</p>');
    expect(page).toContain('<a href="../index.html">');

    const missing = runCli(['publish'], w.path);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/--out/);
  }, 60_000);
});
