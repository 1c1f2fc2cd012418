/**
 * The knowledge base as its users meet it (SPEC §5 查, §7 /api/search, the CLI `search`): the real
 * server and the Lark sandbox, suggestions imported through the admin API, `@bot 查 <words>` and
 * `/search <words>` sent as signed, encrypted events, and the cards read as Lark shows them; then
 * the real CLI process over a database file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { deputy, directory, fixturePath } from './support/world.ts';
import { openDatabase } from '../src/runtimes/node/open-database.ts';
import { loadDirectory } from '../src/adapters/sqlite/directory-store.ts';
import { importSuggestions } from '../src/app/import/import-suggestions.ts';
import { readTable } from '../src/transports/cli/read-table.ts';
import { startLarkWorld } from './support/lark-world.ts';
import { freshDbPath, runCli } from './support/cli.ts';

type World = Awaited<ReturnType<typeof startLarkWorld>>;

const d01 = deputy('d01');

const base = { kind: '建议', timing: '大会', category: '城乡建设与管理', lead_deputy: 'd04', lead_unit: 'zjw', key: false };
const earlier = [
  { ...base, session: '2024年市人民代表大会', number: 'E1', title: '关于老旧小区加装电梯资金筹措的建议', body: '加装电梯资金缺口大，建议设立专项补贴。', assigned_on: '2024-02-20', classified: false },
  { ...base, session: '2024年市人民代表大会', number: 'E2', title: '关于雷达站周边加装电梯防护的建议', body: '雷达站址位于某山顶，电梯井道需加固。', assigned_on: '2024-02-20', classified: true },
  { ...base, session: '2024年市人民代表大会', number: 'E3', title: '关于建设智慧停车系统的建议', body: '老城区停车难。', assigned_on: '2024-02-20', classified: false, lead_unit: 'jtw' },
];
const fresh = { ...base, session: '2026年市人民代表大会', number: 'N1', title: '关于推进既有住宅加装电梯的建议', body: '老旧小区加装电梯审批难。', assigned_on: '2026-02-10', classified: false };

const textOf = (card: unknown) => JSON.stringify(card);

describe('the knowledge base in the group and in the admin API', () => {
  let w: World;
  let freshId: string;
  let chatId: string;

  beforeAll(async () => {
    w = await startLarkWorld();
    await w.loadDirectory();
    const res = await w.api('POST', '/api/suggestions', [...earlier, fresh]);
    expect(res.body.created).toBe(4);
    freshId = res.body.items.find((i: { number: string }) => i.number === 'N1').id;
    await w.drain();
    chatId = w.chatOf(freshId);
  });
  afterAll(() => w?.close());

  it('the new assignment card lists the similar earlier suggestion (往年类似建议), never the classified one', () => {
    const [assignment] = w.assignmentsOf(freshId);
    const [messageId] = w.cardMessages('assignment', assignment!.id);
    const card = textOf(w.cardJson(messageId!));
    expect(card).toContain('往年类似建议');
    expect(card).toContain('关于老旧小区加装电梯资金筹措的建议');
    expect(card).toContain('暂无可公开的答复');
    expect(card).not.toContain('雷达站');
    expect(card).not.toContain('智慧停车');
  });

  it('@bot 查 <words> and /search <words> answer with the 查询结果 card; a one-character query is answered with why', async () => {
    const asked = await w.sandbox.events.sendMessageEvent({ chatId, senderOpenId: d01, text: '查 加装电梯', mentionBot: true });
    expect(asked.status).toBe(200);
    await w.sandbox.events.sendMessageEvent({ chatId, senderOpenId: d01, text: '/search 停车' });
    const tooShort = await w.sandbox.events.sendMessageEvent({ chatId, senderOpenId: d01, text: '/search 车' });
    await w.drain();
    const cards = w.cardsOfKind(freshId, 'search_results');
    expect(cards).toHaveLength(2);
    const elevator = textOf(w.cardJson(cards[0]!.messageId!));
    expect(elevator).toContain('查询结果');
    expect(elevator).toContain('关于老旧小区加装电梯资金筹措的建议');
    expect(elevator).toContain('关于推进既有住宅加装电梯的建议');
    expect(elevator).not.toContain('雷达站');
    const parking = textOf(w.cardJson(cards[1]!.messageId!));
    expect(parking).toContain('关于建设智慧停车系统的建议');
    expect(parking).not.toContain('电梯');
    const reply = w.sandbox.fake.messagesIn(chatId).find((m) => m.parentId === tooShort.messageId);
    expect((reply?.body as { text: string }).text).toContain('至少两个字');
    expect(w.outboxRows('failed')).toEqual([]);
  });

  it('GET /api/search ranks, filters and hides what may not be shown; q filters the list; bad input is named', async () => {
    const res = await w.api('GET', `/api/search?q=${encodeURIComponent('加装电梯')}`);
    expect(res.status).toBe(200);
    const numbers = res.body.items.map((i: { number: string }) => i.number);
    expect(numbers.sort()).toEqual(['E1', 'E2', 'N1']);
    const secret = res.body.items.find((i: { number: string }) => i.number === 'E2');
    expect(secret).toMatchObject({ classified: true, answer: null });
    expect(JSON.stringify(res.body)).not.toContain('雷达站址');
    expect(JSON.stringify(res.body)).not.toContain('井道');
    expect((await w.api('GET', `/api/search?q=${encodeURIComponent('井道')}`)).body.items).toEqual([]);
    const filtered = await w.api('GET', `/api/search?q=${encodeURIComponent('电梯')}&year=2026`);
    expect(filtered.body.items.map((i: { number: string }) => i.number)).toEqual(['N1']);
    const list = await w.api('GET', `/api/suggestions?q=${encodeURIComponent('停车')}`);
    expect(list.body.items.map((i: { number: string }) => i.number)).toEqual(['E3']);
    const none = await w.api('GET', '/api/search');
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toContain('q');
    const short = await w.api('GET', `/api/search?q=${encodeURIComponent('车')}`);
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('invalid_input');
    const badClass = await w.api('GET', `/api/search?q=${encodeURIComponent('电梯')}&result_class=E`);
    expect(badClass.status).toBe(400);
    expect(JSON.stringify(badClass.body)).toContain('result_class');
  });
});

describe('duban search', () => {
  it('prints the best matches of the imported suggestions, and refuses a query with nothing to look for', async () => {
    // The database is set up in-process (the import is not under test here).
    const db = freshDbPath();
    const setup = openDatabase(db);
    loadDirectory(setup, directory);
    importSuggestions(setup, await readTable(readFileSync(fixturePath('suggestions.csv')), 'csv'), { source: 'cli', actor: 'system:cli', now: new Date('2026-02-10T01:00:00Z'), today: '2026-02-10' });
    setup.$client.close();
    const found = runCli(['search', '加装', '电梯'], db);
    expect(found.status, found.stderr).toBe(0);
    expect(found.stdout).toContain('第0002号 关于加快老旧小区加装电梯的建议');
    const json = runCli(['search', '养老', '--json', '--limit', '5'], db);
    expect(JSON.parse(json.stdout).items.map((i: { number: string }) => i.number).sort()).toEqual(['0005', '0030']);
    const refused = runCli(['search', '车'], db);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('至少两个字');
    expect(refused.stderr).not.toContain('    at ');
  }, 180_000);
});
