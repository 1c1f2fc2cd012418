/**
 * Turns a CardModel (card-model.ts) into a Lark card in JSON 2.0, from the templates in cards/.
 *
 * Template files
 *   cards/<kind>.json holds `card` (the skeleton exactly as sent: schema, config, header, body),
 *   and optionally `text`, `labels` and `parts`. cards/common.json holds the same three sections,
 *   shared by every card; a card's own entry wins over a common one of the same name.
 *   - text:   markdown line templates, { zh_cn, en_us }.
 *   - labels: { group: { value: { zh_cn, en_us } } }, trusted fragments looked up by a model value
 *             (role, method, light, …).
 *   - parts:  element templates (buttons, forms, rows) the renderer instantiates, repeats or omits.
 *   Keys starting with "$" are comments and are dropped.
 *
 * Placeholders: "{{name}}" in any string. Names are the card's model flattened with dots
 *   ("suggestion.number", "assignment.id", "contact.unitName"; free-text fields such as body,
 *   summary, note, content are left out on purpose) plus "v" (= suggestion.version) and the
 *   values this file computes for the card ("role", "deadline", "content", …). An unknown name
 *   throws, so a typo in a template fails the tests.
 *   - A string that is exactly one placeholder takes the value's type: "v": "{{v}}" stays a number.
 *   - Language: a string is zh_cn unless it sits under `i18n_content.en_us`; a bilingual value
 *     gives the matching half there.
 *   - Escaping: in a markdown element's content / i18n_content, plain values (user text) are
 *     clipped and escaped, so a title holding `<at id=all></at>` or `**` shows literally;
 *     raw() values (fragments built from `text` and `labels`) go in as they are. In other
 *     text (plain_text) values are clipped only: plain_text is not parsed. Anywhere else
 *     (callback values, names, colours) values go in verbatim.
 * Slots: {"$slot": "name"} as an array item is replaced by zero or more elements built here.
 *
 * i18n follows JSON 2.0: no global i18n; every text element carries `content` (zh_cn, the
 * fallback) plus `i18n_content: { zh_cn, en_us }`, and `config.locales` names the two languages.
 * Long user text (body, answer summary) goes in its own markdown element without i18n_content,
 * so it is not sent twice. @-mentions are `<at id=ou_…></at>` in a markdown element.
 *
 * Size: user text is clipped, lists are cut with "…及其他 N 项", and a card that still exceeds
 * the budget (28 KB, 180 tagged elements; Lark's limits are 30 KB and 200) is rendered again
 * with tighter limits.
 */
import type {
  Bilingual,
  CardAction,
  CardAnswer,
  CardCommitment,
  CardDeadline,
  CardModel,
  CardSuggestion,
  Light,
  Mentions,
} from './card-model.ts';
import commonJson from '../../../cards/common.json' with { type: 'json' };
import assignmentJson from '../../../cards/assignment.json' with { type: 'json' };
import reassignJson from '../../../cards/reassign.json' with { type: 'json' };
import statusBoardJson from '../../../cards/status_board.json' with { type: 'json' };
import contactJson from '../../../cards/contact.json' with { type: 'json' };
import approvalJson from '../../../cards/approval.json' with { type: 'json' };
import answerJson from '../../../cards/answer.json' with { type: 'json' };
import commitmentJson from '../../../cards/commitment.json' with { type: 'json' };
import reminderJson from '../../../cards/reminder.json' with { type: 'json' };

export type Json = string | number | boolean | null | Json[] | JsonObject;
export type JsonObject = { [key: string]: Json };
/** A rendered card: the JSON object sent as an `interactive` message's content. */
export type LarkCard = JsonObject & {
  schema: '2.0';
  config: JsonObject;
  header: JsonObject;
  body: JsonObject & { elements: JsonObject[] };
};

/** The zh_cn label of every button, by the action it carries (SPEC §5: a contract). */
export const BUTTON_LABELS: Readonly<Record<CardAction, string>> = {
  sign: '签收',
  request_reassign: '申请改办',
  approve_reassign: '同意改办',
  reject_reassign: '不同意改办',
  report_progress: '报告进展',
  record_contact: '登记沟通',
  submit_opinion: '提交协办意见',
  submit_answer: '提交答复',
  confirm_contact: '确认属实',
  approve_answer: '审核通过',
  return_answer: '退回修改',
  evaluate_satisfied: '满意',
  evaluate_basically_satisfied: '基本满意',
  evaluate_unsatisfied: '不满意',
  confirm_commitments: '确认承诺',
  claim_commitment_done: '已完成',
  confirm_commitment_done: '确认完成',
  show_commitment: '已完成',
};

/**
 * The form fields a submit button sends in `action.form_value` (SPEC §5: a contract). Actions not
 * listed come from plain buttons. The reminder's 报告进展 is the same one-field form as the board's.
 */
export const FORM_FIELDS: Readonly<Partial<Record<CardAction, readonly string[]>>> = {
  request_reassign: ['reason'],
  approve_reassign: ['unit'],
  reject_reassign: ['reason'],
  report_progress: ['progress'],
  record_contact: ['method', 'date', 'note'],
  submit_opinion: ['opinion'],
  submit_answer: ['result_class', 'summary', 'public', 'private_reason', 'commitments'],
  return_answer: ['reason'],
  evaluate_satisfied: ['comment'],
  evaluate_basically_satisfied: ['comment'],
  evaluate_unsatisfied: ['comment'],
  claim_commitment_done: ['evidence'],
};

/** Lark's limit on a card message (code 230025 beyond it). */
export const CARD_SIZE_LIMIT = 30 * 1024;
/** Lark's limit on the elements of a 2.0 card. */
export const CARD_ELEMENT_LIMIT = 200;
const SIZE_BUDGET = 28 * 1024;
const ELEMENT_BUDGET = 180;

/** Bytes of the card as sent (UTF-8 of its JSON). */
export function cardSizeBytes(card: unknown): number {
  return new TextEncoder().encode(JSON.stringify(card)).length;
}

/** Objects carrying a `tag` (components and text elements), which is what Lark's 200 counts. */
export function countCardElements(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((n: number, item) => n + countCardElements(item), 0);
  if (node === null || typeof node !== 'object') return 0;
  let n = typeof (node as { tag?: unknown }).tag === 'string' ? 1 : 0;
  for (const value of Object.values(node)) n += countCardElements(value);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Limits: each level is tried in turn until the card fits.

interface Limits {
  /** Any plain value placed in text. */
  text: number;
  /** Longer one-line user text: reasons, contact notes, evidence. */
  note: number;
  /** The suggestion body (assignment card). */
  body: number;
  /** The answer summary. */
  summary: number;
  /** Lines in a list (units, contacts, answer commitments, evaluations, names). */
  lines: number;
  /** Commitment rows on the status board (each may carry a button). */
  rows: number;
}

const LIMITS: readonly Limits[] = [
  { text: 200, note: 500, body: 1000, summary: 1500, lines: 20, rows: 12 },
  { text: 80, note: 200, body: 400, summary: 600, lines: 10, rows: 6 },
  { text: 40, note: 80, body: 150, summary: 200, lines: 5, rows: 3 },
];

/** Options in the re-assignment unit list: all units must be offered, but not without bound. */
const MAX_UNIT_OPTIONS = 150;

// ---------------------------------------------------------------------------------------------
// Templates.

type Lang = 'zh_cn' | 'en_us';
type Mode = 'md' | 'text' | 'raw';

interface TemplateFile {
  name: string;
  card: JsonObject | null;
  text: Record<string, Bilingual>;
  labels: Record<string, Record<string, Bilingual>>;
  parts: Record<string, JsonObject>;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isBilingual(x: unknown): x is Bilingual {
  return isObject(x) && typeof x.zh_cn === 'string' && typeof x.en_us === 'string';
}

function loadTemplate(name: string, json: unknown): TemplateFile {
  if (!isObject(json)) throw new Error(`cards/${name}.json: not an object`);
  const section = (key: string): Record<string, unknown> => {
    const value = json[key] ?? {};
    if (!isObject(value)) throw new Error(`cards/${name}.json: "${key}" must be an object`);
    return value;
  };
  const text = section('text');
  for (const [key, value] of Object.entries(text)) {
    if (!key.startsWith('$') && !isBilingual(value)) throw new Error(`cards/${name}.json: text.${key} needs zh_cn and en_us`);
  }
  const card = json.card === undefined ? null : json.card;
  if (card !== null && (!isObject(card) || card.schema !== '2.0')) throw new Error(`cards/${name}.json: card must have schema "2.0"`);
  return {
    name,
    card: card as JsonObject | null,
    text: text as Record<string, Bilingual>,
    labels: section('labels') as Record<string, Record<string, Bilingual>>,
    parts: section('parts') as Record<string, JsonObject>,
  };
}

const COMMON = loadTemplate('common', commonJson);
const TEMPLATES: Record<CardModel['kind'], TemplateFile> = {
  assignment: loadTemplate('assignment', assignmentJson),
  reassign: loadTemplate('reassign', reassignJson),
  status_board: loadTemplate('status_board', statusBoardJson),
  contact: loadTemplate('contact', contactJson),
  approval: loadTemplate('approval', approvalJson),
  answer: loadTemplate('answer', answerJson),
  commitment: loadTemplate('commitment', commitmentJson),
  reminder: loadTemplate('reminder', reminderJson),
};

// ---------------------------------------------------------------------------------------------
// Values and escaping.

/** A trusted markdown fragment (built from templates), inserted without escaping. */
interface Raw {
  readonly raw: Bilingual;
}
type Var = string | number | boolean | Bilingual | Raw;
type Vars = Record<string, Var>;
type Slots = Record<string, JsonObject[]>;

function raw(text: string | Bilingual): Raw {
  return { raw: typeof text === 'string' ? { zh_cn: text, en_us: text } : text };
}

function isRaw(v: Var): v is Raw {
  return typeof v === 'object' && 'raw' in v;
}

const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('').trimEnd()}…` : text;
}

function oneLine(text: string): string {
  return text.replace(CONTROL_CHARS, '').replace(/\s*[\r\n]+\s*/g, ' ').trim();
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
};

/**
 * Escapes one line of user text for a Lark markdown element with HTML entities (the escape the
 * Lark docs give): no emphasis, links, tags (`<at>`, `<font>`, …) or tables can form, and
 * block markers (#, -, +, =, "1.") at the start of the line are neutralised.
 */
function escapeMarkdownLine(line: string): string {
  return line
    .replace(/^[ \t]+/, '')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&#38;')
    .replace(/[\\`*_~[\]<>|$]/g, (c) => MD_ENTITIES[c] ?? c)
    .replace(/^([#+\-=])/, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/^(\d+)([.)])/, (_m, digits: string, mark: string) => `${digits}&#${mark.charCodeAt(0)};`);
}

/** Escapes user text for markdown, keeping its line breaks. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(CONTROL_CHARS, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map(escapeMarkdownLine)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function renderVar(value: Var, lang: Lang, mode: Mode, limits: Limits): string {
  if (isRaw(value)) return value.raw[lang];
  const text = typeof value === 'object' ? value[lang] : String(value);
  if (mode === 'raw') return text;
  const short = clip(oneLine(text), limits.text);
  return mode === 'md' ? escapeMarkdownLine(short) : short;
}

const PLACEHOLDER = /\{\{([A-Za-z0-9_.]+)\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{([A-Za-z0-9_.]+)\}\}$/;

class Filler {
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

/** Adds the scalar and bilingual fields of `obj` as "prefix.field" variables. */
const FREE_TEXT_FIELDS = new Set([
  'body',
  'summary',
  'note',
  'content',
  'evidence',
  'comment',
  'reason',
  'privateReason',
  'returnReason',
  'decisionNote',
]);

function flatten(prefix: string, obj: object, out: Vars): Vars {
  for (const [key, value] of Object.entries(obj)) {
    if (FREE_TEXT_FIELDS.has(key)) continue;
    const name = prefix ? `${prefix}.${key}` : key;
    if (value === null || value === undefined) out[name] = '';
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[name] = value;
    else if (isBilingual(value)) out[name] = value;
    else if (isObject(value)) flatten(name, value, out);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Building blocks shared by the cards.

class Builder {
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

  mentions(ids: Mentions): JsonObject[] {
    const valid = [...new Set(ids)].filter((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id) && id !== 'all');
    if (valid.length === 0) return [];
    return [this.part('mentions', { ats: raw(valid.map((id) => `<at id=${id}></at>`).join(' ')) })];
  }

  suggestion(s: CardSuggestion, short = false): JsonObject[] {
    const lines = [
      this.text('sTitle'),
      this.text('sMeta', { kind: this.label('kind', s.kind), timing: this.label('timing', s.timing) }),
    ];
    if (!short && !s.classified) {
      if (s.category.trim()) lines.push(this.text('sCategory'));
      const lead = s.deputies.filter((d) => d.role === 'lead').map((d) => d.name);
      const co = s.deputies.filter((d) => d.role === 'co').map((d) => d.name);
      if (lead.length) lines.push(this.text('sLead', { names: this.names(lead) }));
      if (co.length) lines.push(this.text('sCo', { names: this.names(co) }));
    }
    if (!short) lines.push(this.text('sAssignedOn'));
    if (s.key) lines.push(this.text(s.keyLeader ? 'sKey' : 'sKeyNoLeader'));
    if (s.classified) lines.push(this.text('sClassified'));
    return [this.markdown(lines)];
  }

  private names(names: string[]): Raw {
    const max = this.limits.lines;
    const shown = names.slice(0, max).map((n) => escapeMarkdownLine(clip(oneLine(n), 40)));
    const sep = this.label('separator', 'list').raw;
    const more = names.length > max ? this.text('more', { n: names.length - max }).raw : null;
    const join = (lang: Lang) => shown.join(sep[lang]) + (more ? ` ${more[lang]}` : '');
    return raw({ zh_cn: join('zh_cn'), en_us: join('en_us') });
  }

  /**
   * Calendar days before the due date; past it, calendar days too, and the working days among
   * them when those differ, since the reminders and escalations count working days.
   */
  days(d: { daysLeft: number; workingDaysOverdue?: number | undefined }): Raw {
    if (d.daysLeft > 1) return this.text('daysLeft', { n: d.daysLeft });
    if (d.daysLeft === 1) return this.text('dayLeft');
    if (d.daysLeft === 0) return this.text('dueToday');
    const overdue = -d.daysLeft;
    const key = overdue === 1 ? 'overdueByOne' : 'overdueBy';
    if (d.workingDaysOverdue === undefined || d.workingDaysOverdue === overdue) return this.text(key, { n: overdue });
    return this.text(`${key}WithWorking`, { n: overdue, w: d.workingDaysOverdue });
  }

  deadline(d: CardDeadline | null): Raw {
    if (!d) return this.text('noDeadline');
    return this.text('deadline', { label: d.label, due: d.due, light: this.label('light', d.light), days: this.days(d) });
  }

  /** The user text of a classified suggestion is never posted (SPEC §5). */
  content(s: CardSuggestion, text: string, max: number): Raw {
    return s.classified ? this.text('redacted') : this.inline(text, max);
  }

  commitmentVars(s: CardSuggestion, c: CardCommitment): Vars {
    const open = c.state === 'proposed' || c.state === 'confirmed' || c.state === 'done_claimed';
    return {
      ...flatten('commitment', c, {}),
      content: this.content(s, c.content, this.limits.text),
      state: this.label('commitmentState', c.state),
      overdue: c.overdue && open ? this.text('overdueTag') : raw(''),
    };
  }

  /** The answer as shown on the approval and answer cards. */
  answer(s: CardSuggestion, a: CardAnswer): JsonObject[] {
    const lines = [this.text('answerUnit'), this.text('answerClass', { resultClass: this.label('resultClass', a.resultClass) })];
    lines.push(
      a.public
        ? this.text('answerPublic')
        : this.text('answerPrivate', { reason: this.content(s, a.privateReason ?? '—', this.limits.note) }),
    );
    lines.push(this.text('answerSummary'));
    const out = [this.markdown(lines)];
    out.push(s.classified ? this.markdown([this.text('redacted')]) : this.userText(a.summary, this.limits.summary));
    if (a.commitments.length === 0) {
      out.push(this.markdown([this.text('noCommitments')]));
    } else {
      out.push(
        this.markdown([
          this.text('answerCommitments', { n: a.commitments.length }),
          ...this.list(a.commitments, (c) => this.text('answerCommitment', this.commitmentVars(s, c))),
        ]),
      );
    }
    return out;
  }

  card(slots: Slots): LarkCard {
    if (!this.file.card) throw new Error(`cards/${this.file.name}.json has no card`);
    return this.filler('card', {}, slots).node(this.file.card, 'zh_cn', 'raw') as LarkCard;
  }
}

function baseVars(s: CardSuggestion): Vars {
  return flatten('suggestion', s, { v: s.version });
}

const LEVEL_LIGHT: Record<Extract<CardModel, { kind: 'reminder' }>['level'], Light> = {
  notice: 'blue',
  warning: 'yellow',
  overdue: 'red',
  escalation: 'red',
  escalation2: 'red',
};

// ---------------------------------------------------------------------------------------------
// The cards.

function build(model: CardModel, limits: Limits): LarkCard {
  const s = model.suggestion;
  const open = s.status === 'open';
  const vars = baseVars(s);
  const file = TEMPLATES[model.kind];

  switch (model.kind) {
    case 'assignment': {
      const a = model.assignment;
      const b = new Builder(file, limits, {
        ...flatten('assignment', a, vars),
        signDue: model.signDue,
        answerDue: model.answerDue ?? '',
        role: new Builder(file, limits, vars).label('role', a.role),
      });
      const details = [b.text('unit'), b.text('signDue')];
      if (model.answerDue) details.push(b.text('answerDue'));
      if (a.state !== 'pending_sign') details.push(b.text('state'));
      const canSign = open && a.state === 'pending_sign';
      const canAskReassign = open && (a.state === 'pending_sign' || a.state === 'signed');
      const actions: JsonObject[] = [];
      if (canSign) actions.push(b.markdown([b.text('signHint')]), b.part('signButton'));
      else if (canAskReassign) actions.push(b.markdown([b.text('reassignHint')]));
      if (canAskReassign) actions.push(b.part('reassignForm'));
      const body = !s.classified && s.body.trim() ? [b.part('bodyPanel', {}, { content: [b.userText(s.body, limits.body)] })] : [];
      return b.card({
        mentions: b.mentions(model.mentions),
        suggestion: b.suggestion(s),
        body,
        details: [b.markdown(details)],
        actions,
      });
    }

    case 'reassign': {
      const { assignment: a, request: r } = model;
      const pre = new Builder(file, limits, vars);
      const b = new Builder(file, limits, {
        ...flatten('assignment', a, vars),
        ...flatten('request', r, {}),
        role: pre.label('role', a.role),
        reason: pre.inline(r.reason, limits.note),
        note: pre.inline(r.decisionNote ?? '', limits.note),
      });
      const details = [b.text('unit'), b.text('requestedBy'), b.text('reason')];
      const actions: JsonObject[] = [];
      if (r.status === 'pending') {
        actions.push(b.markdown([b.text('pendingHint')]));
        const units = model.units.slice(0, MAX_UNIT_OPTIONS);
        if (units.length > 0) {
          const options = units.map((u) => b.part('unitOption', { 'unit.id': u.id, 'unit.name': u.name }));
          actions.push(b.part('approveForm', {}, { units: options }));
        } else {
          actions.push(b.markdown([b.text('noUnits')]));
        }
        actions.push(b.part('rejectForm'));
      } else {
        const outcome = [b.text(r.status === 'approved' ? 'approved' : 'rejected')];
        if (r.decisionNote?.trim()) outcome.push(b.text('decisionNote'));
        actions.push(b.markdown(outcome));
      }
      return b.card({
        mentions: b.mentions(model.mentions),
        suggestion: b.suggestion(s),
        details: [b.markdown(details)],
        actions,
      });
    }

    case 'status_board': {
      const b = new Builder(file, limits, { ...vars, light: model.light, updatedAt: model.updatedAt });
      const units = b.markdown([
        b.text('unitsHeading'),
        ...(model.assignments.length === 0
          ? [b.text('noUnits')]
          : b.list(model.assignments, (a) =>
              b.text('unit', { ...flatten('assignment', a, {}), role: b.label('role', a.role), deadline: b.deadline(a.nextDeadline) }),
            )),
      ]);
      const contacts =
        model.contacts.length === 0
          ? b.markdown([b.text('noContacts')])
          : b.markdown([
              b.text('contactsHeading', { n: model.contacts.length }),
              ...b.list(model.contacts, (c) =>
                b.text('contact', {
                  ...flatten('contact', c, {}),
                  method: b.label('method', c.method),
                  confirmation: c.confirmed ? b.text('contactConfirmed', { by: c.confirmed.byName }) : b.text('contactUnconfirmed'),
                }),
              ),
            ]);
      const commitments: JsonObject[] = [];
      if (model.commitments.length === 0) {
        commitments.push(b.markdown([b.text('noCommitments')]));
      } else {
        // Lines without a button share one markdown element; a confirmed one gets a row with 已完成.
        let pending: Raw[] = [b.text('commitmentsHeading', { n: model.commitments.length })];
        const flush = () => {
          if (pending.length) commitments.push(b.markdown(pending));
          pending = [];
        };
        for (const c of model.commitments.slice(0, limits.rows)) {
          const cv = b.commitmentVars(s, c);
          const line = b.text('commitment', cv);
          if (c.state === 'confirmed' && s.status !== 'withdrawn') {
            flush();
            commitments.push(b.part('commitmentRow', { ...cv, line }));
          } else {
            pending.push(line);
          }
        }
        if (model.commitments.length > limits.rows) pending.push(b.text('more', { n: model.commitments.length - limits.rows }));
        flush();
      }
      const forms: JsonObject[] = [];
      if (open) {
        if (model.forms.progress) forms.push(b.part('progressForm'));
        if (model.forms.contact) forms.push(b.part('contactForm'));
        if (model.forms.opinion) forms.push(b.part('opinionForm'));
        if (model.forms.answer) forms.push(b.part('answerForm'));
        if (forms.length) forms.unshift(b.part('hr'));
      } else {
        forms.push(b.notation(b.text(s.status === 'closed' ? 'closed' : 'withdrawn')));
      }
      return b.card({
        suggestion: b.suggestion(s),
        overview: [
          b.markdown([b.text('overview', { status: b.label('suggestionStatus', s.status), lightTag: b.label('light', model.light) })]),
        ],
        units: [units],
        contacts: [contacts],
        commitments,
        forms,
      });
    }

    case 'contact': {
      const c = model.contact;
      const pre = new Builder(file, limits, vars);
      const b = new Builder(file, limits, {
        ...flatten('contact', c, vars),
        method: pre.label('method', c.method),
        note: pre.content(s, c.note, limits.note),
        by: c.confirmed?.byName ?? '',
        at: c.confirmed?.at ?? '',
      });
      const details = [b.text('unit'), b.text('method'), b.text('date'), b.text('recordedBy')];
      if (c.note.trim()) details.push(b.text('note'));
      const actions = c.confirmed
        ? [b.markdown([b.text('confirmed')])]
        : [b.markdown([b.text('askConfirm')]), b.part('confirmButton')];
      return b.card({
        mentions: b.mentions(model.mentions),
        suggestion: b.suggestion(s, true),
        details: [b.markdown(details)],
        actions,
      });
    }

    case 'approval': {
      const a = model.answer;
      const pre = new Builder(file, limits, vars);
      const b = new Builder(file, limits, {
        ...flatten('answer', a, vars),
        reason: pre.inline(a.returnReason ?? '—', limits.note),
      });
      let actions: JsonObject[];
      if (a.status === 'pending_approval') {
        actions = [b.markdown([b.text('pendingHint')]), b.part('approveButton'), b.part('returnForm')];
      } else {
        actions = [b.markdown([b.text(a.status === 'approved' ? 'approved' : 'returned')])];
      }
      return b.card({
        mentions: b.mentions(model.mentions),
        suggestion: b.suggestion(s, true),
        answer: b.answer(s, a),
        actions,
      });
    }

    case 'answer': {
      const a = model.answer;
      const b = new Builder(file, limits, flatten('answer', a, vars));
      const confirm =
        s.status !== 'withdrawn' && a.commitments.some((c) => c.state === 'proposed')
          ? [b.markdown([b.text('confirmHint')]), b.part('confirmCommitmentsButton')]
          : [];
      const evaluations =
        a.evaluations.length === 0
          ? b.markdown([b.text('noEvaluations')])
          : b.markdown([
              b.text('evaluationsHeading', { n: a.evaluations.length }),
              ...b.list(a.evaluations, (e) =>
                e.comment.trim()
                  ? b.text('evaluationWithComment', {
                      deputyName: e.deputyName,
                      grade: b.label('grade', e.grade),
                      comment: b.content(s, e.comment, limits.note),
                    })
                  : b.text('evaluation', { deputyName: e.deputyName, grade: b.label('grade', e.grade) }),
              ),
            ]);
      const evaluate =
        open && a.status === 'approved' ? [b.markdown([b.text('evaluateHint')]), b.part('evaluateForm')] : [];
      return b.card({
        mentions: b.mentions(model.mentions),
        suggestion: b.suggestion(s, true),
        answer: b.answer(s, a),
        confirm,
        evaluations: [evaluations],
        evaluate,
      });
    }

    case 'commitment': {
      const c = model.commitment;
      const pre = new Builder(file, limits, vars);
      const b = new Builder(file, limits, {
        ...vars,
        ...pre.commitmentVars(s, c),
        content: pre.content(s, c.content, limits.note),
        evidence: pre.content(s, c.evidence ?? '', limits.note),
      });
      const details = [b.text('content'), b.text('unit'), b.text('due'), b.text('state')];
      if (c.evidence?.trim()) details.push(b.text('evidence'));
      let actions: JsonObject[] = [];
      if (s.status !== 'withdrawn') {
        if (c.state === 'proposed') actions = [b.notation(b.text('proposedHint'))];
        else if (c.state === 'confirmed') actions = [b.markdown([b.text('confirmedHint')]), b.part('claimForm')];
        else if (c.state === 'done_claimed') actions = [b.markdown([b.text('claimedHint')]), b.part('confirmDoneButton')];
      }
      return b.card({
        mentions: b.mentions(model.mentions),
        suggestion: b.suggestion(s, true),
        details: [b.markdown(details)],
        actions,
      });
    }

    case 'reminder': {
      const light = LEVEL_LIGHT[model.level];
      const pre = new Builder(file, limits, vars);
      const b = new Builder(file, limits, {
        ...flatten('deadline', model.deadline, vars),
        level: pre.label('level', model.level),
        light,
        lightTag: pre.label('light', light),
        days: pre.days(model.deadline),
        unitName: model.unitName,
        todo: model.todo,
        assignmentId: model.assignmentId,
      });
      return b.card({
        mentions: b.mentions(model.mentions),
        intro: [b.markdown([b.text(`intro_${model.level}`)])],
        suggestion: b.suggestion(s, true),
        details: [b.markdown([b.text('unit'), b.text('deadline'), b.text('todo')])],
        explanation: model.deadline.explanation.zh_cn.trim() ? [b.notation(model.deadline.explanation)] : [],
        actions: model.withProgressButton ? [b.part('progressButton')] : [],
      });
    }
  }
}

/**
 * Renders a card. Within Lark's limits by construction: if the first rendering is too big, it is
 * rendered again with tighter clipping and shorter lists.
 */
export function renderCard(model: CardModel): LarkCard {
  let card: LarkCard | null = null;
  for (const limits of LIMITS) {
    card = build(model, limits);
    if (cardSizeBytes(card) <= SIZE_BUDGET && countCardElements(card) <= ELEMENT_BUDGET) return card;
  }
  return card!;
}
