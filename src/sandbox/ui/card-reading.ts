/**
 * Reading a card's JSON for the UI: its buttons (with the form each submits), a form's fields, the
 * text of a text object. Both drawing a card and answering a press read it the same way, so a
 * button's index on the page is its index here.
 */
import { childElements, isTemplateCard, rootElements } from '../card-check.ts';

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export const FORM_FIELD_TAGS = new Set(['input', 'select_static', 'multi_select_static', 'date_picker', 'checker', 'picker_time', 'picker_datetime']);

export interface ButtonRef {
  button: Json;
  form: Json | undefined;
}

/** Every button of a card in document order; the UI refers to a button by its index here. */
export function collectButtons(card: unknown): ButtonRef[] {
  const out: ButtonRef[] = [];
  if (!isObject(card) || isTemplateCard(card)) return out;
  const walk = (elements: Json[], form: Json | undefined) => {
    for (const el of elements) {
      if (el.tag === 'button') out.push({ button: el, form });
      walk(childElements(el), el.tag === 'form' ? el : form);
    }
  };
  walk(rootElements(card), undefined);
  return out;
}

export function formFields(form: Json): Json[] {
  const out: Json[] = [];
  const walk = (elements: Json[]) => {
    for (const el of elements) {
      if (typeof el.tag === 'string' && FORM_FIELD_TAGS.has(el.tag) && typeof el.name === 'string') out.push(el);
      walk(childElements(el));
    }
  };
  walk(childElements(form));
  return out;
}

export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isObject(value)) {
    if (typeof value.content === 'string') return value.content;
    if (isObject(value.i18n)) return String(Object.values(value.i18n)[0] ?? '');
  }
  return '';
}
