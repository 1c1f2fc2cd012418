/**
 * Reading and checking a template file of the top-level cards/ folder.
 *
 *   cards/<kind>.json holds `card` (the skeleton exactly as sent: schema, config, header, body),
 *   and optionally `text`, `labels` and `parts`. cards/common.json holds the same three sections,
 *   shared by every card; a card's own entry wins over a common one of the same name.
 *   - text:   markdown line templates, { zh_cn, en_us }.
 *   - labels: { group: { value: { zh_cn, en_us } } }, trusted fragments looked up by a model value
 *             (role, method, light, …).
 *   - parts:  element templates (buttons, forms, rows) the renderer instantiates, repeats or omits.
 *   Keys starting with "$" are comments and are dropped.
 *
 * A malformed file throws when it is loaded, that is when the renderer is first imported, so a
 * broken template fails the tests rather than a card in a group. How strings inside are filled:
 * template-filler.ts.
 */
import type { Bilingual } from '../card-model.ts';
import { isBilingual, isObject, type JsonObject } from './card-json.ts';
import commonJson from '../../../../cards/common.json' with { type: 'json' };

export interface TemplateFile {
  name: string;
  card: JsonObject | null;
  text: Record<string, Bilingual>;
  labels: Record<string, Record<string, Bilingual>>;
  parts: Record<string, JsonObject>;
}

export function loadTemplate(name: string, json: unknown): TemplateFile {
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

/** cards/common.json: the text, labels and parts every card falls back on. */
export const COMMON = loadTemplate('common', commonJson);
