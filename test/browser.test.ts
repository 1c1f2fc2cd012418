/**
 * The sandbox console in a real browser (Debian's chromium driven by playwright-core), as a
 * newcomer meets it: `duban demo` through the real CLI, duban started as `npm start` starts it,
 * then one suggestion taken from 签收 to 满意 by clicking and typing only — as the unit's liaison,
 * its head and the deputy. It asserts what a person sees: markdown drawn (bold text, chips, names;
 * no raw `**` or `<text_tag`), a form Lark would not submit marked on the card, the toast after
 * every press. Screenshots go to DUBAN_SCREENSHOTS_DIR (`npm run screenshots`: docs/images, shown
 * in the README), else to a temporary directory.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDuban, type RunningDuban } from '../src/runtimes/node/start-duban.ts';
import { freshDbPath, PROJECT_ROOT, runCli } from './support/cli.ts';
import { adminApi, ADMIN_TOKEN, drainOutbox } from './support/lark-world.ts';
import { deputy, tempDir, unit } from './support/world.ts';

/** Debian's chromium (`apt-get install -y chromium fonts-noto-cjk`; .ci/run installs it when missing). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.DUBAN_SCREENSHOTS_DIR ? resolve(PROJECT_ROOT, process.env.DUBAN_SCREENSHOTS_DIR) : tempDir('duban-shots-');

/** The demo's suggestion taken through: assigned today to 市交通运输委员会 (jtw), led by deputy d18. */
const NUMBER = '0025';

describe('the sandbox console in a browser', () => {
  let duban: RunningDuban;
  let browser: Browser;
  let page: Page;
  let chatId: string;
  let databasePath: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk (.ci/run does)`);
    mkdirSync(SHOTS, { recursive: true });
    databasePath = freshDbPath();
    const demo = runCli(['demo'], databasePath, {}, 120_000);
    expect(demo.stderr).toBe('');
    expect(demo.status).toBe(0);
    expect(demo.stdout).toContain('30 suggestions');
    duban = await startDuban({ DATABASE_PATH: databasePath, PORT: '0', ADMIN_TOKEN, LOG_LEVEL: 'silent' }, undefined, { hostname: '127.0.0.1', outbox: { pollMs: 20 } });
    await drainOutbox(duban.server.url, 120_000);
    const list = await adminApi(duban.server.url, 'GET', '/api/suggestions?limit=100');
    // A living picture: dated relative to today, moved along, one overdue and no wall of red.
    const items = list.body.items as Array<{ number: string; id: string; assignedOn: string; overdue: boolean; assignments: Array<{ state: string }> }>;
    expect(items).toHaveLength(30);
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect(items.find((s) => s.number === NUMBER)!.assignedOn).toBe(today);
    expect(items.filter((s) => s.overdue).map((s) => s.number)).toEqual(['0008']);
    const states = new Set(items.flatMap((s) => s.assignments.map((a) => a.state)));
    for (const state of ['pending_sign', 'signed', 'answer_pending_approval', 'answered', 'closed', 'withdrawn']) expect(states).toContain(state);
    const id = items.find((s) => s.number === NUMBER)!.id;
    chatId = (await adminApi(duban.server.url, 'GET', `/api/suggestions/${id}`)).body.chatId;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    // The whole suite shares two cores in CI: waits are generous, they end as soon as the page is there.
    page.setDefaultTimeout(90_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await duban?.close();
  });

  /** Chooses who to act as from the header's list, as a person would. */
  async function actAs(openId: string) {
    await Promise.all([page.waitForURL((url) => url.searchParams.get('as') === openId), page.getByLabel('Act as').selectOption(openId)]);
  }

  /** Opens the suggestion's group from the list on the left. */
  async function openChat() {
    await page.locator('nav a', { hasText: `第${NUMBER}号` }).click();
    await page.waitForURL((url) => url.searchParams.get('chat') === chatId);
  }

  /** The card whose header reads `title`, the latest one when there are several. */
  const card = (title: string) => page.locator('.card', { has: page.locator('.cardtitle', { hasText: title }) }).last();

  /** Waits until the bot's cards are delivered and the page shows them. */
  async function settle() {
    await drainOutbox(duban.server.url, 90_000);
    const version = String((await (await fetch(`${duban.sandbox!.url}/sandbox/ui/version`)).json() as { version: number }).version);
    if ((await page.locator('body').getAttribute('data-version')) !== version) await page.reload();
  }

  /** Presses a button and returns the toast Lark shows for the bot's answer. */
  async function press(button: ReturnType<Page['locator']>): Promise<string> {
    await Promise.all([page.waitForURL((url) => url.searchParams.has('toast') || url.searchParams.has('card')), button.click()]);
    const toast = page.locator('.toast');
    await toast.waitFor({ state: 'visible' });
    return toast.innerText();
  }

  async function seesNoRawMarkup() {
    const text = await page.locator('main').innerText();
    expect(text).not.toContain('**');
    expect(text).not.toContain('<text_tag');
    expect(text).not.toContain('<at ');
    expect(text).not.toContain('<font');
  }

  it('takes a demo suggestion from 签收 to 满意 by clicking and typing', async () => {
    const jtw = unit('jtw');
    await page.goto(duban.sandbox!.url);
    expect(await page.title()).toContain('sandbox');

    // The liaison signs for it.
    await actAs(jtw.liaison);
    await openChat();
    await seesNoRawMarkup();
    const assignment = card('交办通知');
    await assignment.waitFor();
    // Markdown drawn: the title in bold, chips coloured, the unit's people named.
    expect(await assignment.locator('.md b').first().innerText()).toContain('关于增设农村客运班线的建议');
    expect(await assignment.locator('.at').count()).toBeGreaterThan(0);
    expect(await assignment.locator('.at').first().innerText()).toMatch(/^@市交通运输委员会/);
    await page.screenshot({ path: join(SHOTS, 'sandbox-assignment.png') });
    expect(await press(assignment.getByRole('button', { name: '签收', exact: true }))).toMatch(/签收/);
    await settle();
    await seesNoRawMarkup();
    // The assignment card was updated in place: its message says so, and it has no 签收 any more.
    const signed = page.locator('.msg', { has: page.locator('.cardtitle', { hasText: '交办通知' }) });
    expect(await signed.locator('.badge.updated').innerText()).toMatch(/updated [1-9]\d*×/);
    expect(await signed.getByRole('button', { name: '签收', exact: true }).count()).toBe(0);

    // The liaison answers: first without a summary, which Lark's client refuses on the card.
    const board = card('状态看板');
    const answerForm = board.locator('form', { has: page.getByRole('button', { name: '提交答复' }) });
    await answerForm.getByLabel('办理结果分类').selectOption('B');
    await answerForm.getByLabel('是否公开').selectOption('yes');
    await Promise.all([page.waitForURL((url) => url.searchParams.has('card')), answerForm.getByRole('button', { name: '提交答复' }).click()]);
    const refused = card('状态看板').locator('.field.invalid');
    await refused.first().waitFor();
    expect(await refused.count()).toBe(1);
    expect(await refused.innerText()).toContain('答复摘要');
    expect(await refused.innerText()).toContain('此项为必填项');
    expect(await page.locator('.toast').count()).toBe(0); // nothing reached the bot
    await refused.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'sandbox-form-validation.png') });
    const form = card('状态看板').locator('form', { has: page.getByRole('button', { name: '提交答复' }) });
    // What was chosen stays chosen, as in Lark.
    expect(await form.getByLabel('办理结果分类').inputValue()).toBe('B');
    expect(await form.getByLabel('是否公开').inputValue()).toBe('yes');
    await form.getByLabel('答复摘要').fill('已开通3条农村客运班线，年内再增设2条。');
    await form.getByLabel('承诺事项').fill('2027-06-30 增设2条农村客运班线');
    expect(await press(form.getByRole('button', { name: '提交答复' }))).toMatch(/答复|提交/);
    await settle();

    // The head approves it.
    await actAs(jtw.head);
    await seesNoRawMarkup();
    const approval = card('答复审核');
    await approval.waitFor();
    expect(await approval.locator('.md b').count()).toBeGreaterThan(0);
    await approval.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'sandbox-approval.png') });
    expect(await press(approval.getByRole('button', { name: '审核通过', exact: true }))).toMatch(/审核|通过/);
    await settle();

    // The deputy is satisfied.
    await actAs(deputy('d18'));
    await seesNoRawMarkup();
    const answer = card('答复');
    await answer.waitFor();
    expect(await press(answer.getByRole('button', { name: '满意', exact: true }))).toMatch(/评价|满意/);
    await settle();
    await seesNoRawMarkup();
    await page.screenshot({ path: join(SHOTS, 'sandbox-evaluated.png') });

    const list = await adminApi(duban.server.url, 'GET', '/api/suggestions?limit=100');
    const done = list.body.items.find((s: { number: string }) => s.number === NUMBER);
    expect(done.assignments.map((a: { state: string }) => a.state)).toEqual(['closed']);
    expect(done.status).toBe('closed');
  }, 600_000);

  it('demo refuses a database that already holds suggestions, changing nothing', async () => {
    const again = runCli(['demo'], databasePath, {}, 120_000);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already holds suggestions');
    const list = await adminApi(duban.server.url, 'GET', '/api/suggestions?limit=100');
    expect(list.body.items).toHaveLength(30);
  }, 180_000);
});
