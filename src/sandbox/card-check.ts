/**
 * What Lark checks when a card is sent or updated (API.md §4), as far as the contract documents
 * it: the 2.0 breaking changes (no `action`/`note`, no unknown top-level properties), element
 * limits and ids, and the form rules. A bot that passes here may still be refused by Lark for
 * finer points; a bot refused here would certainly be refused there.
 */

export interface CardProblem {
  /** Lark's sub-code when the contract documents one (200861 unsupported tag), else undefined. */
  subCode?: number;
  message: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const V2_TOP_LEVEL = new Set(['schema', 'config', 'card_link', 'header', 'body']);
const V2_REMOVED_TAGS = new Set(['action', 'note']);
const HEADER_TEMPLATES = new Set([
  'blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default',
]);
const KNOWN_V2_TAGS = new Set([
  'markdown', 'div', 'hr', 'column_set', 'column', 'button', 'form', 'input', 'select_static', 'multi_select_static',
  'select_person', 'multi_select_person', 'date_picker', 'picker_time', 'picker_datetime', 'collapsible_panel', 'img',
  'img_combination', 'table', 'chart', 'person', 'person_list', 'overflow', 'checker', 'interactive_container',
  'plain_text', 'lark_md', 'text_tag', 'select_img', 'audio', 'standard_icon', 'custom_icon',
]);
const FORM_INPUT_TAGS = new Set([
  'input', 'select_static', 'multi_select_static', 'select_person', 'multi_select_person', 'date_picker', 'picker_time',
  'picker_datetime', 'checker', 'select_img',
]);
const ELEMENT_ID = /^[A-Za-z][A-Za-z0-9_]{0,19}$/;
const MAX_ELEMENTS = 200;

/** The child element lists of a card element (columns, forms, panels, containers). */
export function childElements(element: Json): Json[] {
  const out: Json[] = [];
  const push = (list: unknown) => {
    if (Array.isArray(list)) for (const e of list) if (isObject(e)) out.push(e);
  };
  if (element.tag === 'column_set') {
    if (Array.isArray(element.columns)) for (const col of element.columns) if (isObject(col)) out.push(col);
  } else if (element.tag === 'action') {
    push(element.actions);
  } else {
    push(element.elements);
  }
  return out;
}

/** The root element list of a card in either schema. */
export function rootElements(card: Json): Json[] {
  const list = card.schema === '2.0' ? (isObject(card.body) ? card.body.elements : undefined) : card.elements;
  return Array.isArray(list) ? list.filter(isObject) : [];
}

export function isV2Card(card: unknown): boolean {
  return isObject(card) && card.schema === '2.0';
}

export function isTemplateCard(card: unknown): boolean {
  return isObject(card) && card.type === 'template';
}

/** Checks a parsed card; returns the first problem found, or undefined if the card is accepted. */
export function checkCard(card: unknown): CardProblem | undefined {
  if (!isObject(card)) return { message: 'the card content is not a JSON object' };
  if (isTemplateCard(card)) {
    if (!isObject(card.data) || typeof card.data.template_id !== 'string' || card.data.template_id === '') {
      return { message: 'a template card needs data.template_id' };
    }
    return undefined;
  }
  if (card.schema !== undefined && card.schema !== '2.0') return { message: `unknown card schema ${JSON.stringify(card.schema)}` };
  const v2 = card.schema === '2.0';
  if (v2) {
    for (const key of Object.keys(card)) {
      if (!V2_TOP_LEVEL.has(key)) return { message: `unknown property "${key}" in a 2.0 card` };
    }
    if (card.body !== undefined && !isObject(card.body)) return { message: 'body must be an object' };
    if (isObject(card.config) && card.config.update_multi !== undefined && card.config.update_multi !== true) {
      return { message: 'config.update_multi only accepts true in a 2.0 card' };
    }
  }
  if (isObject(card.header)) {
    const template = card.header.template;
    if (template !== undefined && (typeof template !== 'string' || !HEADER_TEMPLATES.has(template))) {
      return { message: `unknown header template ${JSON.stringify(template)}` };
    }
  }

  let count = 0;
  const elementIds = new Set<string>();
  const names = new Set<string>();

  const walk = (elements: Json[], where: { inForm: boolean; inPanel: boolean; depth: number }): CardProblem | undefined => {
    for (const el of elements) {
      count++;
      if (count > MAX_ELEMENTS) return { message: `a card holds at most ${MAX_ELEMENTS} elements` };
      const tag = el.tag;
      if (typeof tag !== 'string') return { message: 'an element has no tag' };
      if (v2 && V2_REMOVED_TAGS.has(tag)) {
        return { subCode: 200861, message: `unsupported tag ${tag}` };
      }
      if (v2 && !KNOWN_V2_TAGS.has(tag)) return { subCode: 200861, message: `unsupported tag ${tag}` };
      if (v2 && el.element_id !== undefined) {
        if (typeof el.element_id !== 'string' || !ELEMENT_ID.test(el.element_id)) {
          return { message: `element_id ${JSON.stringify(el.element_id)} does not match ${ELEMENT_ID.source}` };
        }
        if (elementIds.has(el.element_id)) return { message: `element_id "${el.element_id}" is used twice` };
        elementIds.add(el.element_id);
      }
      if (tag === 'form') {
        if (where.depth > 0) return { message: 'a form must sit at the root of the card body' };
        if (typeof el.name !== 'string' || el.name === '') return { message: 'a form needs a name' };
      }
      if ((tag === 'form' || tag === 'table') && where.inForm) return { message: `a form cannot contain ${tag}` };
      if (tag === 'form' && where.inPanel) return { message: 'a collapsible panel cannot contain a form' };
      if (tag === 'button') {
        const problem = checkButton(el, where.inForm);
        if (problem) return problem;
      }
      if (where.inForm && (FORM_INPUT_TAGS.has(tag) || tag === 'button')) {
        if (typeof el.name !== 'string' || el.name === '') return { message: `a ${tag} inside a form needs a name` };
      }
      if (typeof el.name === 'string' && tag !== 'column') {
        if (names.has(el.name)) return { message: `the name "${el.name}" is used twice in the card` };
        names.add(el.name);
      }
      const children = childElements(el);
      if (tag === 'form' && !hasSubmitButton(children)) return { message: `form "${String(el.name)}" has no submit button` };
      const nested = walk(children, {
        inForm: where.inForm || tag === 'form',
        inPanel: where.inPanel || tag === 'collapsible_panel',
        depth: tag === 'column' ? where.depth : where.depth + 1,
      });
      if (nested) return nested;
    }
    return undefined;
  };
  return walk(rootElements(card), { inForm: false, inPanel: false, depth: 0 });
}

function checkButton(button: Json, inForm: boolean): CardProblem | undefined {
  if (Array.isArray(button.behaviors)) {
    for (const b of button.behaviors) {
      if (isObject(b) && b.type === 'callback' && b.value !== undefined && !isObject(b.value)) {
        return { message: 'a callback behaviour value must be an object' };
      }
    }
  }
  if (inForm && button.form_action_type !== undefined && button.form_action_type !== 'submit' && button.form_action_type !== 'reset') {
    return { message: `unknown form_action_type ${JSON.stringify(button.form_action_type)}` };
  }
  return undefined;
}

function hasSubmitButton(elements: Json[]): boolean {
  for (const el of elements) {
    if (el.tag === 'button' && (el.form_action_type === 'submit' || el.action_type === 'form_submit')) return true;
    if (hasSubmitButton(childElements(el))) return true;
  }
  return false;
}

/** The value a button sends back: 2.0 `behaviors[{type:'callback',value}]`, or 1.0 `value`. */
export function buttonValue(button: Json): Json {
  if (Array.isArray(button.behaviors)) {
    for (const b of button.behaviors) if (isObject(b) && b.type === 'callback' && isObject(b.value)) return b.value;
  }
  return isObject(button.value) ? button.value : {};
}
