/**
 * User text on a card: clipped to a length, folded to one line, and escaped for Lark markdown so
 * a title holding `<at id=all></at>` or `**` shows literally instead of mentioning everyone or
 * turning bold. Characters that only hide or reorder text (bidi overrides, zero-width) are
 * dropped everywhere on a card, plain text included (src/core/outbound-text.ts).
 */
import { OPEN_ID } from '../../../core/directory.ts';
import { SCHEME_COLON, stripInvisible } from '../../../core/outbound-text.ts';

const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** At most `max` characters (code points, so no emoji is cut in half), with "…" when cut. */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('').trimEnd()}…` : text;
}

/** Control characters dropped and line breaks folded into single spaces. */
export function oneLine(text: string): string {
  return stripInvisible(text).replace(CONTROL_CHARS, '').replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

const MD_ENTITIES: Record<string, string> = {
  '\\': '&#92;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '[': '&#91;',
  ']': '&#93;',
  '<': '&#60;',
  '>': '&#62;',
  '|': '&#124;',
  $: '&#36;',
  '{': '&#123;',
  '}': '&#125;',
};

/**
 * Escapes one line of user text for a Lark markdown element with HTML entities (the escape the
 * Lark docs give): no emphasis, links, tags (`<at>`, `<font>`, …) or tables can form, and
 * block markers (#, -, +, =, "1.") at the start of the line are neutralised.
 */
export function escapeMarkdownLine(line: string): string {
  return line
    .replace(/^[ \t]+/, '')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&#38;')
    .replace(/[\\`*_~[\]<>|${}]/g, (c) => MD_ENTITIES[c] ?? c)
    // No link forms from a scheme (`javascript:`, `https://`): its colon is written as an entity.
    .replace(SCHEME_COLON, '$1&#58;')
    .replace(/^([#+\-=])/, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/^(\d+)([.)])/, (_m, digits: string, mark: string) => `${digits}&#${mark.charCodeAt(0)};`);
}

/** Escapes user text for markdown, keeping its line breaks. */
/**
 * A person named in card markdown: an `<at>` mention when they are a Lark user (an open_id), else
 * their name as text, one line, clipped to `max` and escaped.
 */
export function mentionOrName(person: { label: string; openId: string | null }, max: number): string {
  return person.openId && OPEN_ID.test(person.openId) ? `<at id=${person.openId}></at>` : escapeMarkdown(clip(oneLine(person.label), max));
}

export function escapeMarkdown(text: string): string {
  return stripInvisible(text)
    .replace(CONTROL_CHARS, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map(escapeMarkdownLine)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
