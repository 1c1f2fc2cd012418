/**
 * Keeping a card within Lark's limits (30 KB, 200 tagged elements). User text is clipped and
 * lists are cut to the lengths of a Limits level; a card that still exceeds the budget (28 KB,
 * 180 elements: some room below Lark's limits) is rendered again at the next, tighter level.
 */
import type { LarkCard } from './card-json.ts';

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

/** How much user text and how many list lines a card may show, at one level. */
export interface Limits {
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

/** Each level is tried in turn until the card fits. */
const LIMITS: readonly Limits[] = [
  { text: 200, note: 500, body: 1000, summary: 1500, lines: 20, rows: 12 },
  { text: 80, note: 200, body: 400, summary: 600, lines: 10, rows: 6 },
  { text: 40, note: 80, body: 150, summary: 200, lines: 5, rows: 3 },
];

/** The first rendering, from the loosest level on, that fits the budget; the tightest one if none does. */
export function fitWithinBudget(render: (limits: Limits) => LarkCard): LarkCard {
  let card: LarkCard | null = null;
  for (const limits of LIMITS) {
    card = render(limits);
    if (cardSizeBytes(card) <= SIZE_BUDGET && countCardElements(card) <= ELEMENT_BUDGET) return card;
  }
  return card!;
}
