/**
 * One suggestion row (SPEC §8) from any source — a CSV/XLSX row with Chinese or English headers,
 * or a JSON object from the admin API — normalised and validated into a `SuggestionInput`.
 * Only what can be checked from the row itself is checked here; references to the directory and
 * duplicates are checked by the import service.
 */
import { z } from 'zod';
import { isIsoDate } from '../../core/lifecycle/index.ts';

/** One row of an import, as read from a file or a request: its number as a person sees it, and its cells by column name. */
export interface RawRow {
  row: number;
  values: Record<string, unknown>;
}

/** Chinese header → English field name. English headers are accepted as they are. */
export const HEADER_ALIASES: Record<string, string> = {
  届次: 'session',
  编号: 'number',
  类型: 'kind',
  提出时间: 'timing',
  标题: 'title',
  内容: 'body',
  类别: 'category',
  领衔代表: 'lead_deputy',
  附议代表: 'co_deputies',
  主办单位: 'lead_unit',
  协办单位: 'co_units',
  分办单位: 'split_units',
  交办日期: 'assigned_on',
  重点督办: 'key',
  督办领导: 'key_leader',
  涉密: 'classified',
};
const FIELDS = new Set(Object.values(HEADER_ALIASES));

/** A header names a field in Chinese, or in English in any case (`Title`, `LEAD_UNIT`). */
function fieldOf(header: string): string | undefined {
  const name = header.trim();
  return HEADER_ALIASES[name] ?? (FIELDS.has(name.toLowerCase()) ? name.toLowerCase() : undefined);
}

const KIND_ALIASES: Record<string, 'suggestion' | 'motion' | 'proposal'> = {
  建议: 'suggestion',
  议案: 'motion',
  提案: 'proposal',
  suggestion: 'suggestion',
  motion: 'motion',
  proposal: 'proposal',
};
const TIMING_ALIASES: Record<string, 'session' | 'interim'> = {
  大会: 'session',
  闭会: 'interim',
  session: 'session',
  interim: 'interim',
};
const TRUE_WORDS = new Set(['是', 'yes', 'y', 'true', '1']);
const FALSE_WORDS = new Set(['否', 'no', 'n', 'false', '0', '']);

/** Text fields take strings, and numbers as written (a spreadsheet may store 编号 as a number). */
const textField = (zh: string, en: string) =>
  z.preprocess(
    (v) => (v === null || v === undefined ? '' : typeof v === 'number' ? String(v) : v),
    z.string({ error: (issue) => `${zh}应为文本：${JSON.stringify(issue.input)}（${en} must be text）` }).trim(),
  );
const requiredText = (zh: string, en: string, missingZh: string) => textField(zh, en).pipe(z.string().min(1, `${missingZh}（${en} is required）`));

/** Lists may be arrays (JSON) or text separated by 、 , ; (or their full-width forms). */
const idList = z.preprocess(
  (v) => {
    if (v === null || v === undefined) return [];
    if (Array.isArray(v)) return v.map((x) => String(x).trim()).filter(Boolean);
    return String(v)
      .split(/[、,;，；]/)
      .map((x) => x.trim())
      .filter(Boolean);
  },
  z.array(z.string()),
);

const yesNo = (zh: string) =>
  z.preprocess(
    (v) => {
      if (typeof v === 'boolean') return v;
      const word = (v === null || v === undefined ? '' : String(v)).trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return v;
    },
    z.boolean({ error: (issue) => `${zh}应为“是”或“否”：${String(issue.input)}（must be 是/否 or yes/no）` }),
  );

const choice = <T extends string>(aliases: Record<string, T>, fallback: T, zh: string, allowed: string) =>
  z.preprocess(
    (v) => {
      const word = (v === null || v === undefined ? '' : String(v)).trim();
      if (word === '') return fallback;
      return aliases[word] ?? aliases[word.toLowerCase()] ?? v;
    },
    z.enum(Object.values(aliases) as [T, ...T[]], {
      error: (issue) => `${zh}无效：${String(issue.input)}（must be one of ${allowed}）`,
    }),
  );

/** 2026-2-1, 2026/02/01 and 2026-02-01 all mean the same day. */
const isoDate = z.preprocess(
  (v) => {
    const raw = (v === null || v === undefined ? '' : String(v)).trim();
    const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(raw);
    return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : raw;
  },
  z.string().refine((s) => s === '' || isIsoDate(s), { error: (issue) => `交办日期应为 YYYY-MM-DD：${String(issue.input)}（assigned_on must be YYYY-MM-DD）` }),
);

export const suggestionRowSchema = z
  .object({
    session: requiredText('届次', 'session', '缺少届次'),
    number: requiredText('编号', 'number', '缺少编号'),
    kind: choice(KIND_ALIASES, 'suggestion', '类型', '建议/议案/提案'),
    timing: choice(TIMING_ALIASES, 'session', '提出时间', '大会/闭会'),
    title: requiredText('标题', 'title', '缺少标题'),
    body: textField('内容', 'body'),
    category: textField('类别', 'category'),
    lead_deputy: textField('领衔代表', 'lead_deputy'),
    co_deputies: idList,
    lead_unit: textField('主办单位', 'lead_unit'),
    co_units: idList,
    split_units: idList,
    assigned_on: isoDate,
    key: yesNo('重点督办'),
    key_leader: textField('督办领导', 'key_leader'),
    classified: yesNo('涉密'),
  })
  .superRefine((r, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (r.lead_unit && r.split_units.length > 0) fail('主办单位与分办单位不能同时填写（lead_unit and split_units are exclusive）');
    else if (!r.lead_unit && r.split_units.length === 0) fail('缺少主办单位或分办单位（lead_unit or split_units is required）');
    else if (r.split_units.length === 1) fail('分办须有两个及以上单位（split handling needs two or more units）');
    if (!r.lead_unit && r.co_units.length > 0) fail('协办单位须与主办单位一起填写（co_units need a lead_unit）');
    const units = [r.lead_unit, ...r.co_units, ...r.split_units].filter(Boolean);
    const repeated = units.find((u, i) => units.indexOf(u) !== i);
    if (repeated) fail(`单位重复：${repeated}（unit listed twice）`);
    const deputies = [r.lead_deputy, ...r.co_deputies].filter(Boolean);
    const repeatedDeputy = deputies.find((d, i) => deputies.indexOf(d) !== i);
    if (repeatedDeputy) fail(`代表重复：${repeatedDeputy}（deputy listed twice）`);
  });

export type SuggestionInput = z.infer<typeof suggestionRowSchema>;

export type RowResult =
  | { ok: true; input: SuggestionInput; unknownColumns: string[] }
  /** `key` is (session, number) when the row has both, so a rejected row still claims its number. */
  | { ok: false; reason: string; number?: string; key?: string };

/** The identity of a suggestion within a file and in the database: (session, number). */
export const suggestionKey = (session: string, number: string): string => `${session}\u0000${number}`;

/** Maps headers to field names, then validates. The reason names every problem of the row. */
export function parseSuggestionRow(values: Record<string, unknown>): RowResult {
  if ('__not_an_object' in values) return { ok: false, reason: '每一项须为对象（each item must be an object）' };
  const mapped: Record<string, unknown> = {};
  const unknownColumns: string[] = [];
  for (const [header, value] of Object.entries(values)) {
    const field = fieldOf(header);
    if (field) mapped[field] = value;
    else unknownColumns.push(header.trim());
  }
  const parsed = suggestionRowSchema.safeParse(mapped);
  if (!parsed.success) {
    const plain = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '');
    const session = plain(mapped.session);
    const number = plain(mapped.number);
    return {
      ok: false,
      reason: [...new Set(parsed.error.issues.map((i) => i.message))].join('；'),
      ...(number && { number }),
      ...(session && number && { key: suggestionKey(session, number) }),
    };
  }
  return { ok: true, input: parsed.data, unknownColumns };
}
