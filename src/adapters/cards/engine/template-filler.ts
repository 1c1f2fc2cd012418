/**
 * Filling a template's strings, elements and slots with values.
 *
 * Placeholders: "{{name}}" in any string. Names are the card's model flattened with dots
 *   ("suggestion.number", "assignment.id", "contact.unitName"; free-text fields such as body,
 *   summary, note, content are left out on purpose) plus "v" (= suggestion.version) and the
 *   values each card computes ("role", "deadline", "content", …). An unknown name throws, so a
 *   typo in a template fails the tests.
 *   - A string that is exactly one placeholder takes the value's type: "v": "{{v}}" stays a number.
 *   - Language: a string is zh_cn unless it sits under `i18n_content.en_us`; a bilingual value
 *     gives the matching half there.
 *   - Escaping: in a markdown element's content / i18n_content, plain values (user text) are
 *     clipped and escaped, so a title holding `<at id=all></at>` or `**` shows literally;
 *     raw() values (fragments built from `text` and `labels`) go in as they are. In other
 *     text (plain_text) values are clipped only: plain_text is not parsed. Anywhere else
 *     (callback values, names, colours) values go in verbatim.
 * Slots: {"$slot": "name"} as an array item is replaced by zero or more elements built by the card.
 *
 * i18n follows JSON 2.0: no global i18n; every text element carries `content` (zh_cn, the
 * fallback) plus `i18n_content: { zh_cn, en_us }`, and `config.locales` names the two languages.
 */
import type { Limits } from './card-budget.ts';
import { isObject, type Json, type JsonObject } from './card-json.ts';
import { clip, escapeMarkdownLine, oneLine } from './card-text.ts';
import { isRaw, type Lang, type Var, type Vars } from './template-values.ts';

/** How a string's values are placed: escaped markdown, clipped plain text, or verbatim. */
export type Mode = 'md' | 'text' | 'raw';
export type Slots = Record<string, JsonObject[]>;

function renderVar(value: Var, lang: Lang, mode: Mode, limits: Limits): string {
  if (isRaw(value)) return value.raw[lang];
  const text = typeof value === 'object' ? value[lang] : String(value);
  if (mode === 'raw') return text;
  const short = clip(oneLine(text), limits.text);
  return mode === 'md' ? escapeMarkdownLine(short) : short;
}

const PLACEHOLDER = /\{\{([A-Za-z0-9_.]+)\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{([A-Za-z0-9_.]+)\}\}$/;

export class Filler {
  constructor(
    private readonly where: string,
    private readonly vars: Vars,
    private readonly slots: Slots,
    private readonly limits: Limits,
  ) {}

  private get(name: string): Var {
    const value = this.vars[name];
    if (value === undefined) throw new Error(`${this.where}: unknown placeholder {{${name}}}`);
    return value;
  }

  string(template: string, lang: Lang, mode: Mode): Json {
    const whole = WHOLE_PLACEHOLDER.exec(template);
    if (whole && mode === 'raw') {
      const value = this.get(whole[1]!);
      if (typeof value === 'number' || typeof value === 'boolean') return value;
    }
    return template.replace(PLACEHOLDER, (_m, name: string) => renderVar(this.get(name), lang, mode, this.limits));
  }

  node(node: Json, lang: Lang, mode: Mode): Json {
    if (typeof node === 'string') return this.string(node, lang, mode);
    if (Array.isArray(node)) {
      const out: Json[] = [];
      for (const item of node) {
        if (isObject(item) && typeof item.$slot === 'string') {
          const slot = this.slots[item.$slot];
          if (!slot) throw new Error(`${this.where}: slot "${item.$slot}" not provided`);
          out.push(...slot);
        } else {
          out.push(this.node(item, lang, mode));
        }
      }
      return out;
    }
    if (node === null || typeof node !== 'object') return node;
    const textMode: Mode = node.tag === 'markdown' ? 'md' : 'text';
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('$')) continue;
      if (key === 'content') {
        out[key] = this.node(value, 'zh_cn', textMode);
      } else if (key === 'i18n_content' && isObject(value)) {
        const i18n: JsonObject = {};
        for (const [l, v] of Object.entries(value)) i18n[l] = this.node(v as Json, l as Lang, textMode);
        out[key] = i18n;
      } else {
        out[key] = this.node(value, 'zh_cn', 'raw');
      }
    }
    return out;
  }
}
