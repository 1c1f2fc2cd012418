/**
 * The JSON a Lark card is made of, and the type guards the engine reads template files with
 * (they arrive as `unknown` JSON and are checked before use).
 */
import type { Bilingual } from '../card-model.ts';

export type Json = string | number | boolean | null | Json[] | JsonObject;
export type JsonObject = { [key: string]: Json };
/** A rendered card: the JSON object sent as an `interactive` message's content. */
export type LarkCard = JsonObject & {
  schema: '2.0';
  config: JsonObject;
  header: JsonObject;
  body: JsonObject & { elements: JsonObject[] };
};

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function isBilingual(x: unknown): x is Bilingual {
  return isObject(x) && typeof x.zh_cn === 'string' && typeof x.en_us === 'string';
}
