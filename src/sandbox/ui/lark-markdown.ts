/**
 * Card markdown drawn as Lark draws it: **bold**, *italics*, ~~strike~~, [links](https://…),
 * lists, `<at id=…>` as the person's name, `<text_tag color=…>` as a coloured chip, `<font
 * color=…>` as coloured text, `<br>` and line breaks; HTML entities (`&#42;`, `&lt;`) stand for
 * the character itself and never form markup, which is how duban escapes what people wrote.
 *
 * Safety: the whole text is HTML-escaped first and markup is recognised in the escaped text, so
 * nothing a person wrote can become HTML; colours are names (letters, digits, -, _) turned into
 * class names, and links keep only the http(s), lark and mailto schemes.
 */
import { escapeHtml } from './escape-html.ts';

const ENTITY = /&(#\d{1,7}|#x[0-9A-Fa-f]{1,6}|lt|gt|amp|quot|apos|nbsp);/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };
/** U+E000–U+F8FF (Private Use Area) marks a decoded entity: nothing else in a card uses it. */
const HOLE_BASE = 0xe000;
const HOLE_COUNT = 0xf8ff - HOLE_BASE + 1;

function decodeEntity(body: string): string {
  if (NAMED[body] !== undefined) return NAMED[body];
  const code = body.startsWith('#x') ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
}

const Q = '(?:&#39;|&quot;)?';
const COLOR = '([A-Za-z0-9_-]{1,32})';
const AT = new RegExp(`&lt;at\\s+(?:user_)?(?:id|email)\\s*=\\s*${Q}([^&\\s]+?)${Q}\\s*&gt;(.*?)&lt;/at&gt;`, 'g');
const TEXT_TAG = new RegExp(`&lt;text_tag\\s+color\\s*=\\s*${Q}${COLOR}${Q}\\s*&gt;(.*?)&lt;/text_tag&gt;`, 'g');
const FONT = new RegExp(`&lt;font\\s+color\\s*=\\s*${Q}${COLOR}${Q}\\s*&gt;(.*?)&lt;/font&gt;`, 'g');
const SAFE_URL = /^(https?:\/\/|lark:\/\/|mailto:)/i;

export interface MarkdownOptions {
  /** The display name of an open_id (the sandbox's directory). */
  nameOf: (openId: string) => string;
}

/** Bold, italics, strike and links within one line (already escaped). */
function inline(line: string): string {
  return line
    .replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, (_whole, text: string, url: string) =>
      SAFE_URL.test(url.replace(/&amp;/g, '&')) ? `<a href="${url}" target="_blank" rel="noreferrer">${text}</a>` : text,
    )
    .replace(/\*\*(.+?)\*\*/g, '<b>$1</b>')
    .replace(/~~(.+?)~~/g, '<s>$1</s>')
    .replace(/(^|[^*\w])\*(?!\s)([^*\n]+?)\*(?!\w)/g, '$1<i>$2</i>');
}

/** Groups list lines into <ul>/<ol>; other lines are joined with <br>. */
function blocks(lines: string[]): string {
  const out: string[] = [];
  let list: { tag: 'ul' | 'ol'; items: string[] } | undefined;
  let paragraph: string[] = [];
  const flushParagraph = () => {
    if (paragraph.length) out.push(`<p>${paragraph.join('<br>')}</p>`);
    paragraph = [];
  };
  const flushList = () => {
    if (list) out.push(`<${list.tag}>${list.items.map((i) => `<li>${i}</li>`).join('')}</${list.tag}>`);
    list = undefined;
  };
  for (const line of lines) {
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+\.\s+(.*)$/.exec(line);
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (bullet || numbered) {
      flushParagraph();
      const tag = bullet ? 'ul' : 'ol';
      if (list?.tag !== tag) flushList();
      list ??= { tag, items: [] };
      list.items.push(inline((bullet ?? numbered)![1]!));
    } else if (heading) {
      flushParagraph();
      flushList();
      out.push(`<h${heading[1]!.length + 2}>${inline(heading[2]!)}</h${heading[1]!.length + 2}>`);
    } else if (line.trim() === '') {
      flushList();
      flushParagraph();
    } else {
      flushList();
      paragraph.push(inline(line));
    }
  }
  flushList();
  flushParagraph();
  return out.join('');
}

export function larkMarkdownToHtml(source: string, options: MarkdownOptions): string {
  // Private-use characters stand for the decoded entities while markup is recognised: any a person
  // sent are dropped first, so none can pose as one.
  const holes: string[] = [];
  const withHoles = source.replace(/[\ue000-\uf8ff]/g, '').replace(ENTITY, (_, body: string) => {
    const char = decodeEntity(body);
    if (holes.length >= HOLE_COUNT) return char; // still escaped below; only markup may form
    holes.push(char);
    return String.fromCharCode(HOLE_BASE + holes.length - 1);
  });
  let html = escapeHtml(withHoles)
    .replace(/&lt;br\s*\/?&gt;/g, '\n')
    .replace(AT, (_, id: string, name: string) => {
      const shown = id === 'all' ? '所有人' : name || escapeHtml(options.nameOf(id));
      return `<span class="at">@${shown}</span>`;
    })
    .replace(TEXT_TAG, (_, color: string, text: string) => `<span class="chip chip-${color.toLowerCase()}">${text}</span>`)
    .replace(FONT, (_, color: string, text: string) => `<span class="font-${color.toLowerCase()}">${text}</span>`);
  html = blocks(html.split('\n'));
  return html.replace(/[\ue000-\uf8ff]/g, (c) => escapeHtml(holes[c.charCodeAt(0) - HOLE_BASE] ?? ''));
}
