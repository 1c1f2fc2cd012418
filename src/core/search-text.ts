/**
 * The knowledge base's words (SPEC §5 "查", §7 /api/search): what of a suggestion is searchable,
 * and how Chinese text becomes the terms of the full-text index.
 *
 * Chinese has no spaces, so the index cannot wait for a word boundary. Every text is indexed as
 * its overlapping two-character windows ("加装电梯" → 加装 装电 电梯), each a token of SQLite
 * FTS5's unicode61 tokenizer; a query is turned into the windows of its words, all of which must
 * be present. A two-character word (养老, 电梯, 停车) is one window, so it matches exactly like a
 * longer one; nothing depends on a dictionary, so Node and a Durable Object (whose ICU data may
 * differ) index the same text into the same terms. README "The knowledge base" says why this was
 * chosen over Intl.Segmenter and trigrams.
 *
 * The migration that created the index backfilled existing rows with the same windows computed in
 * SQL (migrations/*_search.sql); test/search.test.ts holds the two to the same terms.
 */
import type { SuggestionAggregate } from './model.ts';

/** The indexed columns, in the order of the FTS table (bm25 weights follow this order). */
export interface SearchDocument {
  title: string;
  body: string;
  category: string;
  /** The summaries of the approved, public answers. */
  answers: string;
  /** The progress reports. */
  notes: string;
}

/**
 * What of a suggestion goes into the index. A classified (涉密) suggestion gives its number,
 * title and category only: its body, answers and notes are never indexed, so no query can find
 * them nor show a snippet of them. An answer that is not public, or not yet approved, is never
 * indexed either.
 */
export function searchDocument(agg: Pick<SuggestionAggregate, 'suggestion' | 'answers' | 'progressReports'>): SearchDocument {
  const s = agg.suggestion;
  const secret = s.classified;
  return {
    title: windows(s.title),
    body: secret ? '' : windows(s.body),
    category: windows(s.category),
    answers: secret ? '' : joinWindows(agg.answers.filter((a) => a.status === 'approved' && a.public).map((a) => a.summary)),
    notes: secret ? '' : joinWindows(agg.progressReports.map((p) => p.text)),
  };
}

/**
 * The overlapping two-character windows of `text`, separated by spaces; a one-character text is
 * itself. Characters are code points, as SQLite's `substr` counts them. A window that holds a
 * separator (punctuation, a space) leaves the tokenizer its one letter, or nothing.
 */
export function windows(text: string): string {
  const chars = Array.from(text);
  if (chars.length <= 1) return text;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out.join(' ');
}

function joinWindows(texts: string[]): string {
  return texts
    .map(windows)
    .filter((w) => w !== '')
    .join(' ');
}

/** A query's words: runs of letters and digits (punctuation and spaces split them), lower-cased. */
export function queryWords(query: string): string[] {
  return query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => Array.from(w).length >= 2);
}

/** The distinct index terms of the words. */
export function queryTerms(words: readonly string[]): string[] {
  return [...new Set(words.flatMap((w) => windows(w).split(' ')))];
}

/**
 * The FTS5 expression that asks for every term (`all`) or any (`any`). Terms hold only letters
 * and digits, so quoting them is enough to keep FTS5 syntax (AND, NEAR, `*`) out of a query.
 */
export function matchExpression(terms: readonly string[], mode: 'all' | 'any'): string {
  return terms.map((t) => `"${t}"`).join(mode === 'all' ? ' AND ' : ' OR ');
}

/**
 * Up to `max` characters of `text` around the first place one of `words` occurs, with … where it
 * was cut; undefined when none occurs. Case-insensitive for Latin letters.
 */
export function snippetOf(text: string, words: readonly string[], max = 60): string | undefined {
  const lower = text.toLowerCase();
  let at = -1;
  for (const w of words) {
    const i = lower.indexOf(w);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  if (at < 0) return undefined;
  const chars = Array.from(text);
  const charAt = Array.from(text.slice(0, at)).length;
  const start = Math.max(0, charAt - Math.floor(max / 3));
  const end = Math.min(chars.length, start + max);
  const flat = chars.slice(start, end).join('').replace(/\s+/g, ' ');
  return `${start > 0 ? '…' : ''}${flat}${end < chars.length ? '…' : ''}`;
}
