/**
 * The knowledge base on cards (SPEC §5): the 查询结果 card that answers `@bot 查 <words>`, and the
 * 往年类似建议 block of the assignment card. Built in code, like the digest: lists without buttons.
 * The items come from src/adapters/sqlite/search-index.ts, which already left out what may not be
 * shown (a classified suggestion's body, an answer that is not public); this file shows the rest.
 */
import type { KnowledgeItem, SearchResultsModel } from '../card-model.ts';
import type { JsonObject, LarkCard } from '../engine/card-json.ts';
import { clip, escapeMarkdownLine, oneLine } from '../engine/card-text.ts';

const SUMMARY_CHARS = 120;
const SNIPPET_CHARS = 80;

const md = (zh: string, en: string): JsonObject => ({ tag: 'markdown', content: zh, i18n_content: { zh_cn: zh, en_us: en } });
const line = (text: string, max: number) => escapeMarkdownLine(clip(oneLine(text), max));

/** One earlier suggestion: number, title, unit, date, and its answer's class and summary when public (SPEC §5). */
function itemElement(item: KnowledgeItem, index: number, withSnippet: boolean): JsonObject {
  const head = `${index + 1}. ${line(item.session, 30)} 第${line(item.number, 20)}号 **${line(item.title, 60)}**`;
  const headEn = `${index + 1}. ${line(item.session, 30)} No. ${line(item.number, 20)} **${line(item.title, 60)}**`;
  const units = line(item.units.join('、') || '—', 60);
  const zh = [head, `承办单位：${units} · 交办日期 ${item.assignedOn}`];
  const en = [headEn, `Handled by: ${units} · assigned on ${item.assignedOn}`];
  if (withSnippet && item.snippet) {
    zh.push(`> ${line(item.snippet, SNIPPET_CHARS)}`);
    en.push(`> ${line(item.snippet, SNIPPET_CHARS)}`);
  }
  if (item.answer) {
    zh.push(`答复：**${item.answer.resultClass}类** ${line(item.answer.summary, SUMMARY_CHARS)}`);
    en.push(`Answer: **class ${item.answer.resultClass}** ${line(item.answer.summary, SUMMARY_CHARS)}`);
  } else {
    zh.push('答复：暂无可公开的答复');
    en.push('Answer: none that can be shown');
  }
  return md(zh.join('\n'), en.join('\n'));
}

/** 往年类似建议, for the assignment card: nothing when there are none. */
export function similarElements(items: readonly KnowledgeItem[] | undefined): JsonObject[] {
  if (!items?.length) return [];
  return [
    { tag: 'hr' },
    md('**往年类似建议**（供参考）', '**Similar earlier suggestions** (for reference)'),
    ...items.map((item, i) => itemElement(item, i, false)),
  ];
}

export function renderSearchResultsCard(model: SearchResultsModel): LarkCard {
  const query = line(model.query, 40);
  const title = { zh_cn: `查询结果 · ${oneLine(model.query).slice(0, 30)}`, en_us: `Search results · ${oneLine(model.query).slice(0, 30)}` };
  const elements: JsonObject[] = model.results.length
    ? [md(`与“${query}”最相关的 ${model.results.length} 件往年建议：`, `The ${model.results.length} earlier suggestions most relevant to "${query}":`)]
    : [md(`没有找到与“${query}”相关的建议。`, `No suggestion matches "${query}".`)];
  model.results.forEach((item, i) => elements.push(...(i > 0 ? [{ tag: 'hr' }] : []), itemElement(item, i, true)));
  return {
    schema: '2.0',
    config: { update_multi: true, locales: ['zh_cn', 'en_us'], summary: { content: title.zh_cn, i18n_content: { ...title } } },
    header: { title: { tag: 'plain_text', content: title.zh_cn, i18n_content: { ...title } }, template: 'turquoise' },
    body: { direction: 'vertical', elements },
  };
}
