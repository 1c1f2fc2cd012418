/**
 * User text in a Markdown document duban writes — the handling report and a suggestion's dossier —
 * made inert for whatever renders it (a Markdown viewer, a wiki, Lark Docs on import): no link,
 * image, HTML tag (`<script>`, `<at>`), emphasis, code or template (`{{…}}`) can form from it, a
 * scheme's colon is escaped so no autolink forms, and the characters that only hide or reorder
 * text are dropped (src/core/outbound-text.ts). Marks are written with CommonMark's backslash
 * escape, which renders as the mark itself. A table cell's `|` is the table's to escape
 * (`tableCell`), so it is escaped once, there.
 */
import { SCHEME_COLON, stripInvisible } from '../../core/outbound-text.ts';

const INLINE_MARKS = /[\\`*_{}[\]<>~$]/g;

/** One line of user text for Markdown (a table cell, a heading): line breaks folded into spaces. */
export function markdownInline(text: string): string {
  return stripInvisible(text)
    .replace(/\s*\n+\s*/g, ' ')
    .replace(INLINE_MARKS, (c) => `\\${c}`)
    .replace(SCHEME_COLON, '$1\\:')
    .trim();
}

/** A block of user text (a suggestion's body): its lines kept, none able to start a heading, quote or list. */
export function markdownBlock(text: string): string {
  return stripInvisible(text)
    .split('\n')
    .map((line) => markdownInline(line).replace(/^([#>+\-=]|\d+[.)])/, '\\$1'))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A value in a Markdown table cell: one line, its `|` escaped (the value is already inert or duban's own). */
export function tableCell(value: string): string {
  return value.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}
