/**
 * The values a template's placeholders are filled with: plain values (user text, escaped where
 * they land in markdown), and raw() fragments the renderer built from trusted templates and labels
 * (inserted as they are). flatten() turns a view model into "prefix.field" values.
 */
import type { Bilingual } from '../card-model.ts';
import { isBilingual, isObject } from './card-json.ts';

export type Lang = 'zh_cn' | 'en_us';

/** A trusted markdown fragment (built from templates), inserted without escaping. */
export interface Raw {
  readonly raw: Bilingual;
}
export type Var = string | number | boolean | Bilingual | Raw;
export type Vars = Record<string, Var>;

export function raw(text: string | Bilingual): Raw {
  return { raw: typeof text === 'string' ? { zh_cn: text, en_us: text } : text };
}

export function isRaw(v: Var): v is Raw {
  return typeof v === 'object' && 'raw' in v;
}

/**
 * Long or free user text is left out of the flattened values on purpose: a card places it through
 * a value it computes (clipped to its own limit, or redacted when the suggestion is classified),
 * never through a "{{model.field}}" a template could name by mistake.
 */
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

/** Adds the scalar and bilingual fields of `obj` as "prefix.field" variables. */
export function flatten(prefix: string, obj: object, out: Vars): Vars {
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
