/**
 * Hostile text, as a careless or malicious user would type it (issue 11): mentions of everyone,
 * card markup, links to `javascript:`, template syntax, script tags, spreadsheet formulas, bidi
 * overrides and zero-width characters, 100 KB strings — in every column of an import and every
 * form field of every card, pressed through the real server, SDK and sandbox. Then everything
 * that left duban is read as its reader would: every text message and card the sandbox received,
 * the report as Markdown, CSV and XLSX, and the dossier. Each must show the text literally (it is
 * there, escaped) and let none of it act: no mention, no tag, no link, no template, no formula, no
 * hidden character, nothing over Lark's limits. A 100 KB field is refused with a toast naming the
 * field and its limit, and the refusal is audited.
 */
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM_FIELD_LIMITS } from '../src/core/lifecycle/index.ts';
import { ADMIN_TOKEN, startNodeLarkWorld } from './support/lark-world.ts';
import { auditRows, type NodeLarkWorld } from './support/webhook-helpers.ts';
import { deputy, supervisor, unit } from './support/world.ts';

const jtw = unit('jtw');
const cgj = unit('cgj');
const d01 = deputy('d01');

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const today = () => new Date().toISOString().slice(0, 10);

/** Each injection carries a marker (M01…), so the test can find it wherever it went. */
const CORPUS = [
  '<at user_id="all"></at> M01 请大家注意',
  '<at id=all></at> M02',
  "</text_tag><font color='red'>M03</font><text_tag color='green'>",
  '[点这里 M04](javascript:alert(1))',
  '{{suggestion.id}} M05 {{v}}',
  "<script>alert('M06')</script>",
  '=HYPERLINK("http://evil.example","M07")',
  '+M08 -1',
  '-M09+2',
  '@SUM(M10)',
  '\u202Egpj.M11.exe \u200BM\u200D11\uFEFF \u2066M11\u2069',
  '**M12** # 标题 > 引用 `code` ~~del~~ $x$ ![img](https://evil.example/a.png) https://evil.example/M12',
];
const HUGE = `M13 ${'长'.repeat(100 * 1024)}`;

/** What must never be found raw in anything duban sent or wrote: every injection's working form. */
const ACTIVE: Array<[string, RegExp]> = [
  ['a mention of everyone', /<at\s+(?:user_)?id\s*=\s*["']?all/i],
  ['a closing text_tag from user text', /<\/text_tag>\s*<font color='red'>M03/],
  ['a font tag from user text', /<font color='red'>M03/],
  ['a script tag', /<script/i],
  ['a javascript: link', /javascript\s*:/i],
  ['a Markdown link or image', /!?\[[^\]\n]*M\d\d[^\]\n]*\]\(/],
  ['template syntax', /\{\{\s*(?:suggestion|v)\b/],
  ['a bidi control or zero-width character', /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/],
];

/** The tags duban's card templates write: coloured labels, red notices, mentions of people by open_id. */
const DUBAN_TAGS = /^<(?:\/?text_tag(?: color='[a-z]+')?|\/?font(?: color='[a-z]+')?|at id=ou_[0-9a-f]+|\/at|br)>$/;
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/;

/** Lark's own limits: a text message is at most 150 KB, a card 30 KB (API.md §4.3). */
const TEXT_LIMIT = 150 * 1024;
const CARD_LIMIT = 30 * 1024;

type Json = Record<string, unknown>;

/** Every string of a card, with whether Lark reads it as markdown. */
function cardStrings(node: unknown, markdown = false, out: Array<{ text: string; markdown: boolean }> = []): Array<{ text: string; markdown: boolean }> {
  if (typeof node === 'string') out.push({ text: node, markdown });
  else if (Array.isArray(node)) for (const x of node) cardStrings(x, markdown, out);
  else if (node && typeof node === 'object') {
    const o = node as Json;
    const md = o.tag === 'markdown' || o.tag === 'lark_md';
    for (const [key, value] of Object.entries(o)) cardStrings(value, md && (key === 'content' || key === 'i18n_content') ? true : markdown && key !== 'tag' ? markdown : false, out);
  }
  return out;
}

/** Every active form found in `text`, named. */
const activeIn = (text: string): string[] => ACTIVE.filter(([, re]) => re.test(text)).map(([name]) => name);
/** The same in a Markdown document, where a backslash-escaped mark is the mark itself, as text (CommonMark). */
const activeInMarkdown = (text: string): string[] => activeIn(text.replace(/\\[!-/:-@[-`{-~]/g, '·'));

describe('hostile text in every form field and import column leaves duban inert', () => {
  let w: NodeLarkWorld;
  let suggestionId: string;
  let chatId: string;
  let board: string;

  beforeAll(async () => {
    w = await startNodeLarkWorld();
    await w.loadDirectory();
  }, 60_000);
  afterAll(() => w?.close());

  async function ok(messageId: string, label: string, operator: string, form?: Json) {
    const r = await w.press(messageId, label, operator, form);
    expect(r.toast?.type, `${label}: ${JSON.stringify(r.toast)}`).toBe('success');
    await w.drain();
    return r;
  }

  /** A 100 KB value in `field` is refused with a toast naming the field and its limit, audited, and nothing is stored. */
  async function refusedHuge(messageId: string, label: string, operator: string, field: keyof typeof FORM_FIELD_LIMITS, form: Json) {
    const auditBefore = auditRows(w).length;
    const r = await w.press(messageId, label, operator, { ...form, [field]: HUGE });
    expect(r.toast?.type).toBe('warning');
    expect(r.toast?.content).toContain(`（${field}）最多 ${FORM_FIELD_LIMITS[field].max} 字`);
    const audit = auditRows(w);
    expect(audit).toHaveLength(auditBefore + 1);
    expect(audit.at(-1)).toMatchObject({ outcome: 'refused', actor: operator, message: r.toast?.content });
  }

  it('imports a suggestion per injection, each in every free-text column', async () => {
    const rows = [...CORPUS, HUGE].map((text, i) => ({
      session: '市六届人大二次会议',
      number: String(i + 1).padStart(4, '0'),
      kind: '建议',
      timing: '大会',
      title: text,
      body: `${text}\n第二行 ${text}`,
      category: text.slice(0, 200),
      lead_deputy: 'd01',
      co_deputies: ['d02'],
      lead_unit: 'jtw',
      co_units: ['cgj'],
      assigned_on: today(),
      key: true,
      key_leader: text.slice(0, 200),
    }));
    const res = await w.api('POST', '/api/suggestions', rows);
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.created).toBe(rows.length);
    suggestionId = res.body.items[0].id;
    await w.drain(60_000);
    chatId = w.chatOf(suggestionId);
    board = w.cardMessages('status_board', suggestionId)[0]!;
    // The full text is kept in duban.
    const huge = res.body.items.at(-1).id as string;
    expect((await w.api('GET', `/api/suggestions/${huge}`)).body.title).toBe(HUGE);
  }, 120_000);

  it('drives the suggestion through every form with hostile text (100 KB refused, naming the field)', async () => {
    const pick = (i: number) => CORPUS[i % CORPUS.length]!;
    const assignment = (unitId: string) => w.cardMessages('assignment', w.assignmentsOf(suggestionId).find((a) => a.unitId === unitId)!.id)[0]!;

    // 申请改办 with a hostile reason (and one too long), refused by the supervisor with another.
    await refusedHuge(assignment('cgj'), '申请改办', cgj.liaison, 'reason', {});
    await ok(assignment('cgj'), '申请改办', cgj.liaison, { reason: pick(0) });
    const reassign = w.cardsOfKind(suggestionId, 'reassign')[0]!.messageId!;
    await ok(reassign, '不同意改办', supervisor, { reason: pick(1) });
    await ok(assignment('jtw'), '签收', jtw.liaison);
    await ok(assignment('cgj'), '签收', cgj.liaison);

    // Every injection as progress: each becomes a text message in the group.
    for (const text of CORPUS) await ok(board, '报告进展', jtw.liaison, { progress: text });
    await refusedHuge(board, '报告进展', jtw.liaison, 'progress', {});

    await ok(board, '登记沟通', jtw.liaison, { method: 'face_to_face', date: today(), note: pick(2) });
    await refusedHuge(board, '登记沟通', jtw.liaison, 'note', { method: 'phone', date: today() });
    await ok(board, '提交协办意见', cgj.liaison, { opinion: pick(3) });

    const answer = (i: number) => ({ result_class: 'A', summary: pick(i), public: 'no', private_reason: pick(i + 1), commitments: `${inDays(90)} ${pick(i + 2)}\n${inDays(120)} ${pick(i + 3)}` });
    await refusedHuge(board, '提交答复', jtw.liaison, 'summary', answer(4));
    await refusedHuge(board, '提交答复', jtw.liaison, 'commitments', answer(4));
    await ok(board, '提交答复', jtw.liaison, answer(4));
    await refusedHuge(w.cardsOfKind(suggestionId, 'approval')[0]!.messageId!, '退回修改', jtw.head, 'reason', {});
    await ok(w.cardsOfKind(suggestionId, 'approval')[0]!.messageId!, '退回修改', jtw.head, { reason: pick(5) });
    await ok(board, '提交答复', jtw.liaison, answer(7));
    await ok(w.cardsOfKind(suggestionId, 'approval')[1]!.messageId!, '审核通过', jtw.head);

    const answerCard = w.cardsOfKind(suggestionId, 'answer')[0]!.messageId!;
    await refusedHuge(answerCard, '满意', d01, 'comment', {});
    await ok(answerCard, '满意', d01, { comment: pick(9) });
    await ok(answerCard, '确认承诺', d01);
    const commitmentCard = w.cardsOfKind(suggestionId, 'commitment')[0]!.messageId!;
    await refusedHuge(commitmentCard, '已完成', jtw.liaison, 'evidence', {});
    await ok(commitmentCard, '已完成', jtw.liaison, { evidence: pick(10) });

    // What people say in the group goes into the dossier.
    for (const text of CORPUS) expect((await w.sandbox.events.sendMessageEvent({ chatId, senderOpenId: d01, text })).status).toBe(200);
    await w.drain();
  }, 240_000);

  it('every text message and card the sandbox received shows the text, inert and within Lark’s limits', async () => {
    const chats = [...new Set([chatId, ...w.sandbox.fake.chats().map((c) => c.chatId)])];
    const problems: string[] = [];
    let texts = 0;
    let markdownWithMarkers = 0;
    for (const chat of chats) {
      // What duban sent (people's own messages are theirs, and Lark shows them as they wrote them).
      for (const m of w.sandbox.fake.messagesIn(chat).filter((x) => x.sender.senderType === 'app')) {
        const bodies = [m.body, ...m.revisions.map((r) => r.body)];
        for (const body of bodies) {
          if (m.msgType === 'text') {
            const text = (body as { text: string }).text;
            texts += 1;
            if (Buffer.byteLength(JSON.stringify(body)) > TEXT_LIMIT) problems.push(`a text message over 150 KB in ${chat}`);
            for (const found of activeIn(text)) problems.push(`${found} in a text message: ${text.slice(0, 120)}`);
            // The only mentions in a text are duban's own, of people by their open_id.
            for (const at of text.match(/<at[^>]*>/g) ?? []) if (!/^<at user_id="ou_[0-9a-f]+">$/.test(at)) problems.push(`a mention duban did not write: ${at}`);
            const rest = text.replace(/<at user_id="ou_[0-9a-f]+"><\/at>/g, '');
            if (/[<>{}]|\]\(/.test(rest)) problems.push(`markup in a text message: ${text.slice(0, 120)}`);
          } else if (m.msgType === 'interactive') {
            if (Buffer.byteLength(JSON.stringify(body)) > CARD_LIMIT) problems.push(`a card over 30 KB in ${chat}`);
            for (const { text, markdown } of cardStrings(body)) {
              if (INVISIBLE.test(text)) problems.push(`a hidden character in a card: ${text.slice(0, 80)}`);
              if (!markdown) continue; // plain_text is shown as it is: Lark parses nothing in it
              if (/M\d\d/.test(text)) markdownWithMarkers += 1;
              // The only tags in card markdown are duban's own, from its templates.
              for (const tag of text.match(/<[^>]*>/g) ?? []) if (!DUBAN_TAGS.test(tag)) problems.push(`a tag duban did not write in a card: ${tag}`);
              for (const found of activeIn(text)) problems.push(`${found} in card markdown: ${text.slice(0, 160)}`);
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
    // The texts did go out, escaped rather than dropped.
    const allTexts = w.sandbox.fake.messagesIn(chatId).filter((m) => m.msgType === 'text' && m.sender.senderType === 'app').map((m) => (m.body as { text: string }).text);
    expect(allTexts.some((t) => t.includes('＜at user_id="all"＞＜/at＞ M01'))).toBe(true);
    expect(allTexts.some((t) => t.includes('［点这里 M04］(javascript：alert(1))'))).toBe(true);
    expect(allTexts.some((t) => t.includes('gpj.M11.exe M11 M11'))).toBe(true);
    expect(texts).toBeGreaterThanOrEqual(CORPUS.length);
    expect(markdownWithMarkers).toBeGreaterThan(CORPUS.length);
    // Lark took every call: nothing refused as too long or malformed, nothing failed in the outbox.
    expect(w.sandbox.fake.state.refused.filter((r) => r.code === 230025 || r.code === 230099)).toEqual([]);
    expect((await w.api('GET', '/api/outbox?status=failed')).body).toEqual([]);
  });

  it('the report (Markdown, CSV, XLSX) and the dossier are inert', async () => {
    const md = (await w.api('GET', '/api/report?format=md')).body as string;
    expect(typeof md).toBe('string');
    expect(md.split('\n').filter((line) => activeInMarkdown(line).length > 0)).toEqual([]);
    expect(md).toMatch(/M07/); // the categories are in it

    const csvRes = await fetch(`${w.url}/api/report?format=csv`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const csv = await csvRes.text();
    const cells = (parse(csv.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true }) as string[][]).flat();
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    expect(cells.some((c) => c.includes('M07'))).toBe(true);
    // A spreadsheet parses no markup, only formulas; but nothing hidden may reorder what a cell shows.
    expect(INVISIBLE.test(csv)).toBe(false);

    const xlsxRes = await fetch(`${w.url}/api/report?format=xlsx`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsxRes.arrayBuffer());
    let formulas = 0;
    let seen = false;
    book.eachSheet((sheet) =>
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          if (cell.type === ExcelJS.ValueType.Formula) formulas += 1;
          if (String(cell.value).includes('M07')) seen = true;
          if (INVISIBLE.test(String(cell.value))) formulas += 1000;
        }),
      ),
    );
    expect(formulas).toBe(0);
    expect(seen).toBe(true);

    for (const id of [suggestionId]) {
      const dossier = (await w.api('GET', `/api/suggestions/${id}?format=md`)).body as string;
      expect(typeof dossier).toBe('string');
      expect(dossier.split('\n').filter((line) => activeInMarkdown(line).length > 0)).toEqual([]);
      // Raw HTML and Markdown link syntax from user text never survive unescaped.
      expect(dossier.match(/(?<!\\)<(?!br>)/g) ?? []).toEqual([]);
      expect(dossier.match(/(?<!\\)\[[^\]\n]*\]\(/g) ?? []).toEqual([]);
      for (const marker of ['M01', 'M04', 'M06', 'M12']) expect(dossier).toContain(marker);
    }
  });
});
