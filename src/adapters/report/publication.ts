/**
 * The publication (SPEC §7 `GET /api/publication`, `duban publish`): the answers that may be
 * published, as JSON, Markdown and static HTML that a congress website can host as it is — an
 * index by category and by unit, and one page per suggestion. Every text is HTML-escaped (titles
 * and answers are typed by people); pages need no script, no style sheet and no server.
 */
import type { PublishedSuggestion } from '../sqlite/publication-store.ts';

export const PUBLICATION_FORMATS = ['json', 'md', 'html'] as const;
export type PublicationFormat = (typeof PUBLICATION_FORMATS)[number];

export interface PublicationItem extends Omit<PublishedSuggestion, 'answers'> {
  answers: Array<Omit<PublishedSuggestion['answers'][number], 'approvedAt'> & { approvedOn: string | null }>;
}

export interface Publication {
  /** The day it was generated (local date). */
  generatedOn: string;
  items: PublicationItem[];
}

export const PUBLICATION_CONTENT_TYPES: Record<PublicationFormat, string> = {
  json: 'application/json; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

const KIND_NOUN: Record<string, string> = { suggestion: '建议', motion: '议案', proposal: '提案' };
const CLASS_ZH: Record<string, string> = { A: 'A类（已解决或采纳）', B: 'B类（列入计划逐步解决）', C: 'C类（留作参考）', D: 'D类（涉及上级职权）' };
const UNCATEGORISED = '未分类';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Markdown text with its markup characters escaped, so a title cannot become a link or a heading. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}\[\]()#+\-.!|<>])/g, '\\$1').replace(/\r?\n/g, '  \n');
}

const heading = (item: PublicationItem) => `第${item.number}号 ${item.title}`;
/** The page of one suggestion, relative to the index: the id is made of letters, digits and `_`. */
export const pagePath = (item: PublicationItem) => `suggestions/${item.id}.html`;

export function renderPublicationMarkdown(publication: Publication): string {
  const out = ['# 代表建议答复公开', '', `> 生成日期：${publication.generatedOn}。共 ${publication.items.length} 件。`, ''];
  for (const item of publication.items) {
    out.push(`## ${escapeMarkdown(heading(item))}`, '');
    out.push(`- 届次：${escapeMarkdown(item.session)}`, `- 类别：${escapeMarkdown(item.category || UNCATEGORISED)}`, `- 代表：${escapeMarkdown(item.deputies.join('、'))}`, '');
    if (item.body) out.push(escapeMarkdown(item.body), '');
    for (const a of item.answers) {
      out.push(`### ${escapeMarkdown(a.unitName)}答复${a.round > 1 ? `（第${a.round}次）` : ''}`, '', `${CLASS_ZH[a.resultClass] ?? a.resultClass}${a.approvedOn ? `，${a.approvedOn}` : ''}`, '', escapeMarkdown(a.summary), '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeHtml(title)}</title>\n</head>\n<body>\n${body}\n</body>\n</html>\n`;
}

function suggestionSection(item: PublicationItem, headingTag: 'h1' | 'h2'): string {
  const lines = [
    `<${headingTag}>${escapeHtml(heading(item))}</${headingTag}>`,
    `<p>届次：${escapeHtml(item.session)}　类型：${escapeHtml(KIND_NOUN[item.kind] ?? item.kind)}　类别：${escapeHtml(item.category || UNCATEGORISED)}　代表：${escapeHtml(item.deputies.join('、'))}</p>`,
  ];
  if (item.body) lines.push(`<h3>建议内容</h3>`, ...item.body.split(/\r?\n/).map((p) => `<p>${escapeHtml(p)}</p>`));
  for (const a of item.answers) {
    lines.push(`<h3>${escapeHtml(a.unitName)}答复${a.round > 1 ? `（第${a.round}次）` : ''}</h3>`, `<p>${escapeHtml(CLASS_ZH[a.resultClass] ?? a.resultClass)}${a.approvedOn ? `，${escapeHtml(a.approvedOn)}` : ''}</p>`);
    lines.push(...a.summary.split(/\r?\n/).map((p) => `<p>${escapeHtml(p)}</p>`));
  }
  return lines.join('\n');
}

/** Groups items under a key, keys in Chinese collation order. */
function groupBy(items: PublicationItem[], keysOf: (item: PublicationItem) => string[]): Array<[string, PublicationItem[]]> {
  const groups = new Map<string, PublicationItem[]>();
  for (const item of items) for (const key of new Set(keysOf(item))) groups.set(key, [...(groups.get(key) ?? []), item]);
  const collate = new Intl.Collator('zh-CN').compare;
  return [...groups.entries()].sort((x, y) => collate(x[0], y[0]));
}

/** The index: by category, then by unit, each entry linking to `link(item)`. */
function indexBody(publication: Publication, link: (item: PublicationItem) => string): string {
  const list = (items: PublicationItem[]) => `<ul>\n${items.map((i) => `<li><a href="${escapeHtml(link(i))}">${escapeHtml(heading(i))}</a></li>`).join('\n')}\n</ul>`;
  const section = (title: string, groups: Array<[string, PublicationItem[]]>) => [`<h2>${title}</h2>`, ...groups.map(([key, items]) => `<h3>${escapeHtml(key)}（${items.length}件）</h3>\n${list(items)}`)].join('\n');
  return [
    '<h1>代表建议答复公开</h1>',
    `<p>生成日期：${escapeHtml(publication.generatedOn)}。共 ${publication.items.length} 件。</p>`,
    section('按类别', groupBy(publication.items, (i) => [i.category || UNCATEGORISED])),
    section('按承办单位', groupBy(publication.items, (i) => i.answers.map((a) => a.unitName))),
  ].join('\n');
}

/** One self-contained page (the HTTP answer): the index, then every suggestion under its anchor. */
export function renderPublicationHtml(publication: Publication): string {
  const sections = publication.items.map((i) => `<section id="${escapeHtml(i.id)}">\n${suggestionSection(i, 'h2')}\n</section>`);
  return page('代表建议答复公开', `${indexBody(publication, (i) => `#${i.id}`)}\n${sections.join('\n')}`);
}

/** The static page set: `index.html` and `suggestions/<id>.html`, by relative path. */
export function publicationPages(publication: Publication): Map<string, string> {
  const pages = new Map<string, string>([['index.html', page('代表建议答复公开', indexBody(publication, pagePath))]]);
  for (const item of publication.items) pages.set(pagePath(item), page(heading(item), `<p><a href="../index.html">返回目录</a></p>\n${suggestionSection(item, 'h1')}`));
  return pages;
}

export function renderPublication(publication: Publication, format: PublicationFormat): string {
  return format === 'json' ? JSON.stringify(publication) : format === 'md' ? renderPublicationMarkdown(publication) : renderPublicationHtml(publication);
}
