/**
 * The primitives every card is built from, bound to one template file, one Limits level and the
 * card's values: text lines, labels, parts, markdown and user-text elements, lists cut to length,
 * @-mentions, and the card skeleton with its slots filled. Long user text (body, answer summary)
 * goes in its own markdown element without i18n_content, so it is not sent twice. @-mentions are
 * `<at id=ou_…></at>` in a markdown element.
 */
import type { Bilingual, Mentions } from '../card-model.ts';
import type { Limits } from './card-budget.ts';
import type { JsonObject, LarkCard } from './card-json.ts';
import { clip, escapeMarkdown, escapeMarkdownLine, oneLine } from './card-text.ts';
import { Filler, type Slots } from './template-filler.ts';
import { COMMON, type TemplateFile } from './template-file.ts';
import { raw, type Lang, type Raw, type Vars } from './template-values.ts';

export class TemplateBuilder {
  constructor(
    private readonly file: TemplateFile,
    readonly limits: Limits,
    readonly vars: Vars,
  ) {}

  private filler(where: string, extra: Vars, slots: Slots = {}): Filler {
    return new Filler(`cards/${this.file.name}.json ${where}`, { ...this.vars, ...extra }, slots, this.limits);
  }

  /** A markdown line from `text`, filled, as a trusted fragment. */
  text(name: string, extra: Vars = {}): Raw {
    const template = this.file.text[name] ?? COMMON.text[name];
    if (!template) throw new Error(`cards/${this.file.name}.json: no text "${name}"`);
    const filler = this.filler(`text.${name}`, extra);
    const zh = filler.string(template.zh_cn, 'zh_cn', 'md');
    const en = filler.string(template.en_us, 'en_us', 'md');
    return raw({ zh_cn: String(zh), en_us: String(en) });
  }

  label(group: string, value: string): Raw {
    const label = this.file.labels[group]?.[value] ?? COMMON.labels[group]?.[value];
    if (!label) throw new Error(`cards/${this.file.name}.json: no label ${group}.${value}`);
    return raw(label);
  }

  part(name: string, extra: Vars = {}, slots: Slots = {}): JsonObject {
    const template = this.file.parts[name] ?? COMMON.parts[name];
    if (!template) throw new Error(`cards/${this.file.name}.json: no part "${name}"`);
    return this.filler(`parts.${name}`, extra, slots).node(template, 'zh_cn', 'raw') as JsonObject;
  }

  /** One markdown element holding the given lines. */
  markdown(lines: Raw[]): JsonObject {
    const join = (lang: Lang) => lines.map((l) => l.raw[lang]).join('\n');
    return this.part('markdown', { text: raw({ zh_cn: join('zh_cn'), en_us: join('en_us') }) });
  }

  /** A block of user text, escaped and clipped, sent once (not translated). */
  userText(text: string, max: number): JsonObject {
    return this.part('userText', { text: raw(escapeMarkdown(clip(text.trim(), max))) });
  }

  notation(text: Raw | Bilingual): JsonObject {
    return this.part('notation', { text });
  }

  /** One-line user text, escaped and clipped to `max`, as a trusted fragment. */
  inline(text: string, max: number): Raw {
    return raw(escapeMarkdownLine(clip(oneLine(text), max)));
  }

  /** `text` cut to the `lines` limit with a "…及其他 N 项" line. */
  list<T>(items: readonly T[], line: (item: T) => Raw, max = this.limits.lines): Raw[] {
    const lines = items.slice(0, max).map(line);
    if (items.length > max) lines.push(this.text('more', { n: items.length - max }));
    return lines;
  }

  /** A heading counting `items` over their lines, or the `emptyText` line when there are none. */
  headedList<T>(items: readonly T[], emptyText: string, headingText: string, line: (item: T) => Raw): JsonObject {
    if (items.length === 0) return this.markdown([this.text(emptyText)]);
    return this.markdown([this.text(headingText, { n: items.length }), ...this.list(items, line)]);
  }

  mentions(ids: Mentions): JsonObject[] {
    const valid = [...new Set(ids)].filter((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id) && id !== 'all');
    if (valid.length === 0) return [];
    return [this.part('mentions', { ats: raw(valid.map((id) => `<at id=${id}></at>`).join(' ')) })];
  }

  card(slots: Slots): LarkCard {
    if (!this.file.card) throw new Error(`cards/${this.file.name}.json has no card`);
    return this.filler('card', {}, slots).node(this.file.card, 'zh_cn', 'raw') as LarkCard;
  }
}
