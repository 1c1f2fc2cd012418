/**
 * The kinds of card duban posts: one per CardModel variant plus the weekly digest and the gathered escalations. They live in the
 * core because effects (EffectDraft's CardRef) name the card to post or refresh by kind, and the
 * core may not import from the adapters that render them. card-model.ts checks at compile time
 * that its view models cover exactly these kinds.
 */
export const CARD_KINDS = [
  'assignment',
  'reassign',
  'status_board',
  'contact',
  'approval',
  'answer',
  'commitment',
  'reminder',
  'closing',
  'digest',
  /** The day's escalations gathered for the supervisors' group (src/app/sweep.ts). */
  'escalations',
] as const;

export type CardKind = (typeof CARD_KINDS)[number];
