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
  'nudge',
  'extension',
  'review',
  /** 查询结果: the answer to `@bot 查 <words>` (SPEC §5), fixed when queued. */
  'search_results',
  /** 协调处理, in the supervisors' group after a `closed_unsatisfied`. */
  'coordination',
  /** 质量评审, in the supervisors' group when an answer becomes final. */
  'quality_review',
  /** 协办意见, in the suggestion's group when a co unit submits its opinion. */
  'co_opinion',
  /** The day's escalations gathered for the supervisors' group (src/app/sweep.ts). */
  'escalations',
] as const;

export type CardKind = (typeof CARD_KINDS)[number];
