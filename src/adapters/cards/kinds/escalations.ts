/**
 * The day's escalations for the supervisors' group (issue 11): one card per sweep listing every
 * item escalated that day, by unit, each number a link that opens the suggestion's group, instead
 * of one card per item (150 overdue items once made 1,180 cards, 271 s of sending). Built in code
 * like the digest: no buttons, nothing to update.
 *
 * Everything is listed — a supervisor must see every escalation — so when one card would pass
 * Lark's limits the list is packed into as few cards as fit, each saying "n / N".
 */
import type { Bilingual, EscalatedItem, EscalationsModel } from '../card-model.ts';
import { CARD_ELEMENT_LIMIT, CARD_SIZE_LIMIT } from '../engine/card-budget.ts';
import type { JsonObject, LarkCard } from '../engine/card-json.ts';
import { clip, escapeMarkdown, mentionOrName, oneLine } from '../engine/card-text.ts';

/** A title is clipped to this many characters: the list is for finding the item, its group has the rest. */
const TITLE_CHARS = 30;
/** Bytes the unit sections of one card may take: Lark's 30 KB less room for the header and notes. */
const SECTIONS_BUDGET = CARD_SIZE_LIMIT - 4 * 1024;
/** One markdown element per unit, plus the card's own few. */
const MAX_UNITS_PER_CARD = CARD_ELEMENT_LIMIT - 20;

const i18n = (b: Bilingual): JsonObject => ({ zh_cn: b.zh_cn, en_us: b.en_us });
const md = (b: Bilingual): JsonObject => ({ tag: 'markdown', content: b.zh_cn, i18n_content: i18n(b) });
const plain = (b: Bilingual): JsonObject => ({ tag: 'plain_text', content: b.zh_cn, i18n_content: i18n(b) });

/** A Lark applink opening a group chat, on the host of the Lark the bot talks to. */
export function chatApplink(chatId: string, larkBaseUrl = 'https://open.feishu.cn'): string {
  const host = /larksuite\.com/.test(larkBaseUrl) ? 'applink.larksuite.com' : 'applink.feishu.cn';
  return `https://${host}/client/chat/open?openChatId=${encodeURIComponent(chatId)}`;
}

function itemLines(i: EscalatedItem): Bilingual {
  const numberZh = `第${escapeMarkdown(oneLine(i.number))}号`;
  const numberEn = `No. ${escapeMarkdown(oneLine(i.number))}`;
  const link = (text: string) => (i.groupLink ? `[${text}](${i.groupLink})` : text);
  const notice = i.level === 'escalation2' ? { zh: '【督办通知】', en: ' [supervision notice]' } : { zh: '', en: '' };
  const secret = i.classified ? '（涉密）' : '';
  // Escalations of a key-supervised suggestion also @ its leader (SPEC §4).
  const who = i.leader && mentionOrName(i.leader, 20);
  return {
    zh_cn: `- ${notice.zh}${link(numberZh)} ${escapeMarkdown(clip(oneLine(i.title), TITLE_CHARS))}${secret}：${i.deadline.zh_cn} ${i.due}，逾期 ${i.workingDaysOverdue} 个工作日${who ? `；重点督办，督办领导 ${who}` : ''}`,
    en_us: `- ${link(numberEn)}${notice.en}${i.classified ? ' (classified)' : ''}: ${i.deadline.en_us} due ${i.due}, ${i.workingDaysOverdue} working day${i.workingDaysOverdue === 1 ? '' : 's'} overdue${who ? `; key supervision, leader ${who}` : ''}`,
  };
}

function unitHeader(unitName: string, count: number): Bilingual {
  const name = escapeMarkdown(oneLine(unitName));
  return { zh_cn: `**${name}**（${count} 项）`, en_us: `**${name}** (${count})` };
}

function unitSection(unit: EscalationsModel['units'][number]): Bilingual {
  const lines = unit.items.map(itemLines);
  const header = unitHeader(unit.unitName, unit.items.length);
  return {
    zh_cn: [header.zh_cn, ...lines.map((l) => l.zh_cn)].join('\n'),
    en_us: [header.en_us, ...lines.map((l) => l.en_us)].join('\n'),
  };
}

export function renderEscalationsCard(model: EscalationsModel): LarkCard {
  const part = model.parts > 1 ? { zh: `（第 ${model.part}/${model.parts} 张）`, en: ` (${model.part}/${model.parts})` } : { zh: '', en: '' };
  const onCard = model.units.reduce((n, u) => n + u.items.length, 0);
  const title = { zh_cn: `今日督办事项 · ${model.today}${part.zh}`, en_us: `Escalated today · ${model.today}${part.en}` };
  const elements: JsonObject[] = [
    md({
      zh_cn: `今日共 ${model.total} 项逾期事项升级督办${model.parts > 1 ? `，本卡列出 ${onCard} 项` : ''}；点击编号进入该建议的办理群。`,
      en_us: `${model.total} overdue item${model.total === 1 ? '' : 's'} escalated today${model.parts > 1 ? `, ${onCard} on this card` : ''}; a number opens the suggestion's group.`,
    }),
    { tag: 'hr' },
    ...model.units.map((u) => md(unitSection(u))),
  ];
  return {
    schema: '2.0',
    config: { update_multi: true, locales: ['zh_cn', 'en_us'], summary: { content: title.zh_cn, i18n_content: i18n(title) } },
    header: { title: plain(title), template: 'red' },
    body: { direction: 'vertical', elements },
  };
}

// One encoder for every measure: the sweep measures thousands of lines, and making an encoder
// each time cost more than the measuring.
const ENCODER = new TextEncoder();
const bytes = (value: unknown) => ENCODER.encode(JSON.stringify(value)).length;

/**
 * The bytes a unit's section takes on the card: its zh_cn text twice (as `content` and in
 * `i18n_content`) and its en_us text once, each a JSON string, plus the element around them. A
 * JSON string's bytes add up over its lines (each escaped on its own, the "\n" between them two
 * bytes), so the cost is the header's plus each line's, measured once per item: the sweep packs
 * thousands of items, and measuring every candidate section whole made the packing quadratic.
 */
const SECTION_OVERHEAD = 80;
const headerCost = (unitName: string, count: number) => {
  const h = unitHeader(unitName, count);
  return 2 * bytes(h.zh_cn) + bytes(h.en_us) + SECTION_OVERHEAD;
};
export const escalatedLineCost = (item: EscalatedItem) => {
  const l = itemLines(item);
  return 2 * bytes(l.zh_cn) + bytes(l.en_us);
};

/**
 * The day's escalations as few cards as Lark's limits allow (usually one): units in order, a unit
 * split across cards only when it alone would not fit, each card filled with as many items as fit.
 */
export function packEscalations(today: string, units: EscalationsModel['units'], lineCost: (item: EscalatedItem) => number = escalatedLineCost): EscalationsModel[] {
  const total = units.reduce((n, u) => n + u.items.length, 0);
  const cards: Array<EscalationsModel['units']> = [];
  let current: EscalationsModel['units'] = [];
  let used = 0;
  const close = () => {
    if (current.length) cards.push(current);
    current = [];
    used = 0;
  };
  for (const unit of units) {
    const costs = unit.items.map(lineCost);
    // The header's bytes grow only with the digits of its count (once in each of its three texts):
    // measured once per unit, not once per item (thousands of items made that the packing's cost).
    const oneItemHeader = headerCost(unit.unitName, 1);
    const header = (count: number) => oneItemHeader + 3 * (String(count).length - 1);
    let from = 0;
    while (from < unit.items.length) {
      if (current.length >= MAX_UNITS_PER_CARD) close();
      // As many of the unit's items as fit in what is left of this card.
      let take = 0;
      let lines = 0;
      while (from + take < unit.items.length && used + header(take + 1) + lines + costs[from + take]! <= SECTIONS_BUDGET) {
        lines += costs[from + take]!;
        take++;
      }
      if (take === 0) {
        if (current.length > 0) {
          close();
          continue;
        }
        take = 1; // one item always goes somewhere
        lines = costs[from]!;
      }
      current.push({ unitName: unit.unitName, items: unit.items.slice(from, from + take) });
      used += header(take) + lines;
      from += take;
    }
  }
  close();
  return cards.map((u, index) => ({ kind: 'escalations', today, part: index + 1, parts: cards.length, total, units: u }));
}
