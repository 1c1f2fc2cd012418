/**
 * User text on its way out of duban, made inert for a Lark text message. Each destination has its
 * own neutraliser, in one place: card markdown (adapters/cards/engine/card-text.ts), Markdown
 * documents — the report and the dossier (adapters/report/markdown-text.ts), CSV
 * (`csvField`, adapters/report/csv.ts), and this one for Lark text messages; what they share —
 * the characters that only hide or reorder text — is here. The full text stays in duban.
 *
 * A Lark text message parses `<at user_id="…">` (`"all"` mentions everyone), the style tags
 * `<b> <i> <u> <s>`, `[label](url)` links, and turns bare URLs into links (API.md §5.4). So user
 * text in one has its angle, square and curly brackets written full-width (＜ ＞ ［ ］ ｛ ｝, which
 * read the same to a Chinese reader and parse as nothing) and a URL scheme's colon full-width
 * (`javascript：`, `https：//`), and is clipped with a visible "…".
 */

/**
 * Characters that show nothing but change what is shown: bidirectional overrides and isolates
 * (an RTL override makes "gpj.exe" read "exe.jpg"), zero-width spaces and joiners, the soft hyphen
 * and the byte-order mark. Dropped from every outgoing text.
 */
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
/** C0 controls but tab and line feed, and DEL; a carriage return becomes a line feed first. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function stripInvisible(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROL, '').replace(INVISIBLE, '');
}

/** At most `max` characters (code points, so no emoji is cut in half), with a visible "…" when cut. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('').trimEnd()}…` : text;
}

/**
 * A URL scheme's colon (`javascript:`, `http://`): the one place a scheme is followed by `//` or is
 * one that runs or embeds something. Neutralising it keeps links from forming in any destination.
 */
export const SCHEME_COLON = /\b((?:javascript|vbscript|data|file|[A-Za-z][A-Za-z0-9+.-]{1,31}(?=:\/\/))):/gi;

/**
 * The longest piece of user text in one Lark text message, in characters. Lark takes 150 KB; the
 * form limits keep every text far below this, which is a last guard (a title imported long).
 */
export const TEXT_MESSAGE_TEXT_LIMIT = 2000;

const FULL_WIDTH: Record<string, string> = { '<': '＜', '>': '＞', '[': '［', ']': '］', '{': '｛', '}': '｝' };

/** User text made inert for a Lark `text` message: no mention, style tag, link or template can form. */
export function forTextMessage(text: string, max = TEXT_MESSAGE_TEXT_LIMIT): string {
  const inert = stripInvisible(text)
    .replace(/[<>[\]{}]/g, (c) => FULL_WIDTH[c] ?? c)
    .replace(SCHEME_COLON, '$1：');
  return clipText(inert.trim(), max);
}
