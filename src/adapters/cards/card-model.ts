/**
 * What each card shows (SPEC §5), as plain data. The effects layer builds these view models from
 * the database; render-card.ts, beside this file, turns them into Lark JSON 2.0 cards from the
 * templates in cards/. Button labels and form field names are part of the contract: see SPEC §5.
 * Past 400 lines because it is one thing: the union of every card kind's model, each a short
 * declaration read together with its neighbours (the length is the number of card kinds).
 */
import type { CardKind } from '../../core/card-kind.ts';
import type { DeadlineKind } from '../../core/deadlines/policy.ts';

export type { CardKind };

export interface Bilingual {
  zh_cn: string;
  en_us: string;
}

export type Light = 'blue' | 'yellow' | 'red';

/**
 * The value every button carries back in `card.action.trigger` (`action.value`). `a` says what to
 * do, `id` names the record it acts on (assignment, request, contact, answer, commitment, or the
 * suggestion for status-board forms), `v` is the suggestion version the card was rendered at.
 * Kept short: it travels in every callback.
 */
export interface ActionValue {
  a: CardAction;
  id: string;
  v: number;
}

export type CardAction =
  | 'sign'
  | 'request_reassign'
  | 'approve_reassign'
  | 'reject_reassign'
  | 'report_progress'
  | 'record_contact'
  | 'submit_opinion'
  | 'submit_answer'
  | 'confirm_contact'
  | 'approve_answer'
  | 'return_answer'
  | 'evaluate_satisfied'
  | 'evaluate_basically_satisfied'
  | 'evaluate_unsatisfied'
  | 'confirm_commitments'
  | 'claim_commitment_done'
  | 'confirm_commitment_done'
  /** Status board: a confirmed commitment's 已完成 button re-posts its commitment card (which has the evidence form). */
  | 'show_commitment'
  /** Supervision from the phone: the status board's 催办, 申请延期, 撤回; the 延期审批, 答复复核 and 沟通确认 cards. */
  | 'nudge'
  | 'request_extension'
  | 'withdraw'
  | 'approve_extension'
  | 'reject_extension'
  | 'approve_review'
  | 'return_review'
  | 'dispute_contact'
  /** 协调处理: a supervisor records the coordination after a `closed_unsatisfied`. */
  | 'record_coordination'
  /** 质量评审: a supervisor reviews a final answer (compliance, document, effect, note). */
  | 'submit_quality_review'
  /** 协办意见: the lead unit rates a co-handler opinion (grade, comment). */
  | 'evaluate_co_opinion'
  /** 承诺进展 (policy `followUp`): the unit reports on an open commitment. */
  | 'report_commitment_progress'
  /** 承诺兑现评价, the second evaluation of a commitment confirmed done. */
  | 'evaluate_commitment_satisfied'
  | 'evaluate_commitment_basically_satisfied'
  | 'evaluate_commitment_unsatisfied';


/** Another suggestion named on a card (并案). */
export interface CardSuggestionRef {
  number: string;
  title: string;
}

export interface CardSuggestion {
  id: string;
  session: string;
  number: string;
  title: string;
  /** Empty for classified (涉密) suggestions: their body is never posted to chat. */
  body: string;
  category: string;
  kind: 'suggestion' | 'motion' | 'proposal';
  timing: 'session' | 'interim';
  classified: boolean;
  key: boolean;
  /** The leader in charge as people read it: 姓名（职务） for a directory leader, else the 督办领导 column as written. */
  keyLeader: string | null;
  assignedOn: string;
  status: 'open' | 'closed' | 'withdrawn';
  /** The aggregate version the card is rendered at; every button carries it as `v`. */
  version: number;
  deputies: Array<{ name: string; role: 'lead' | 'co' }>;
}

export interface CardDeadline {
  label: Bilingual;
  due: string;
  light: Light;
  /** Calendar days until due (negative when overdue). */
  daysLeft: number;
  /** Working days past due (0 until then): what the overdue and escalation rules count. */
  workingDaysOverdue: number;
}

export interface CardAssignment {
  id: string;
  unitId: string;
  unitName: string;
  role: 'lead' | 'co' | 'split';
  state: string;
  stateLabel: Bilingual;
  nextDeadline: CardDeadline | null;
}

export interface CardContact {
  id: string;
  unitName: string;
  method: 'face_to_face' | 'phone' | 'meeting' | 'visit' | 'other';
  date: string;
  note: string;
  recordedByName: string;
  confirmed: { byName: string; at: string } | null;
  /** A deputy's 不属实, with the reason (empty for a classified suggestion). */
  disputed?: { byName: string; at: string; reason: string } | null;
}

export interface CardCommitment {
  id: string;
  unitName: string;
  content: string;
  dueOn: string;
  state: 'proposed' | 'confirmed' | 'done_claimed' | 'done' | 'void';
  evidence: string | null;
  overdue: boolean;
  /** The second evaluation so far (承诺兑现评价), and whether a deputy may still give one. */
  secondEvaluations?: Array<{ deputyName: string; grade: 'satisfied' | 'basically_satisfied' | 'unsatisfied' }>;
  secondEvaluationOpen?: boolean;
}

export interface CardAnswer {
  id: string;
  unitName: string;
  round: number;
  resultClass: 'A' | 'B' | 'C' | 'D';
  summary: string;
  public: boolean;
  privateReason: string | null;
  status: 'pending_approval' | 'pending_review' | 'approved' | 'returned';
  returnReason: string | null;
  commitments: CardCommitment[];
  evaluations: Array<{ deputyName: string; grade: 'satisfied' | 'basically_satisfied' | 'unsatisfied'; comment: string }>;
}

/** People to @-mention on a card, by Lark open_id. */
export type Mentions = string[];

export type CardModel =
  | {
      kind: 'assignment';
      suggestion: CardSuggestion;
      assignment: CardAssignment;
      signDue: string;
      answerDue: string | null;
      mentions: Mentions;
      /** 往年类似建议: up to three similar earlier suggestions with their answers (SPEC §5). */
      similar?: KnowledgeItem[];
    }
  | {
      kind: 'reassign';
      suggestion: CardSuggestion;
      assignment: CardAssignment;
      request: { id: string; reason: string; requestedByName: string; status: 'pending' | 'approved' | 'rejected'; decisionNote: string | null };
      /** Units a supervisor may re-assign to (all known units except those already assigned). */
      units: Array<{ id: string; name: string }>;
      mentions: Mentions;
    }
  | {
      kind: 'status_board';
      suggestion: CardSuggestion;
      light: Light;
      assignments: CardAssignment[];
      contacts: CardContact[];
      commitments: CardCommitment[];
      /** Which forms the board offers: a co-handler opinion only with a co unit, an answer only with a lead/split unit. */
      forms: { progress: boolean; contact: boolean; opinion: boolean; answer: boolean; nudge?: boolean; extension?: boolean; withdraw?: boolean };
      /** 并案: the suggestion this one is merged into, or the suggestions merged into this one. */
      merge?: { mergedInto: CardSuggestionRef } | { members: CardSuggestionRef[] } | undefined;
      /** When the board was rendered, as people read it (local `YYYY-MM-DD HH:mm`). */
      updatedAt: string;
    }
  | { kind: 'contact'; suggestion: CardSuggestion; contact: CardContact; mentions: Mentions }
  | {
      kind: 'nudge';
      suggestion: CardSuggestion;
      deputyName: string;
      day: string;
      units: Array<{ unitName: string; stateLabel: Bilingual }>;
      mentions: Mentions;
    }
  | {
      kind: 'extension';
      suggestion: CardSuggestion;
      assignment: CardAssignment;
      request: { id: string; until: string; reason: string; requestedByName: string; status: 'pending' | 'approved' | 'rejected'; grantedUntil: string | null; decisionReason: string | null };
      /** The answer deadline before the extension, and the latest an extension may reach. */
      currentDue: string;
      maxDue: string;
      mentions: Mentions;
    }
  | { kind: 'review'; suggestion: CardSuggestion; answer: CardAnswer; mentions: Mentions }
  | { kind: 'approval'; suggestion: CardSuggestion; answer: CardAnswer; mentions: Mentions }
  | { kind: 'answer'; suggestion: CardSuggestion; answer: CardAnswer; mentions: Mentions }
  | { kind: 'commitment'; suggestion: CardSuggestion; commitment: CardCommitment; mentions: Mentions }
  | {
      kind: 'reminder';
      suggestion: CardSuggestion;
      level: 'notice' | 'warning' | 'overdue' | 'escalation' | 'escalation2';
      deadline: {
        label: Bilingual;
        due: string;
        daysLeft: number;
        /** Absent on a reminder queued by a version that did not record it: then only calendar days are shown. */
        workingDaysOverdue?: number;
        explanation: Bilingual;
      };
      unitName: string;
      /** What to do next, e.g. 请尽快签收 / please sign for it. */
      todo: Bilingual;
      withProgressButton: boolean;
      assignmentId: string;
      mentions: Mentions;
      /** A 承诺进展 follow-up (policy `followUp`): the commitment it asks about, with the 报告承诺进展 form. */
      followUp?: { commitmentId: string; content: string } | undefined;
    }
  | {
      kind: 'coordination';
      suggestion: CardSuggestion;
      coordination: {
        assignmentId: string;
        unitName: string;
        closedOn: string;
        recorded: { date: string; outcome: string; byName: string } | null;
      };
    }
  | {
      kind: 'co_opinion';
      suggestion: CardSuggestion;
      opinion: {
        id: string;
        unitName: string;
        /** Empty for a classified suggestion. */
        text: string;
        submittedByName: string;
        submittedAt: string;
        evaluation: { grade: 'satisfied' | 'basically_satisfied' | 'unsatisfied'; comment: string; byName: string } | null;
      };
      mentions: Mentions;
    }
  | {
      kind: 'quality_review';
      suggestion: CardSuggestion;
      review: {
        answerId: string;
        unitName: string;
        round: number;
        resultClass: 'A' | 'B' | 'C' | 'D';
        /** Empty for a classified suggestion. */
        recorded: { compliance: 'good' | 'fair' | 'poor'; document: 'good' | 'fair' | 'poor'; effect: 'good' | 'fair' | 'poor'; note: string; byName: string } | null;
      };
    }
  | {
      kind: 'closing';
      suggestion: CardSuggestion;
      /** The day the last assignment closed, local. */
      closedOn: string;
      units: CardClosingUnit[];
      /** Commitments still tracked after closing (proposed, confirmed, reported done). */
      commitments: CardCommitment[];
    };

/** A unit's outcome on the 办结 card. */
export interface CardClosingUnit {
  unitName: string;
  role: 'lead' | 'co' | 'split';
  stateLabel: Bilingual;
  /** The final approved answer of a lead or split unit; null for a co unit. */
  answer: { resultClass: 'A' | 'B' | 'C' | 'D'; round: number; public: boolean } | null;
  /** The evaluation that closed the assignment (the deciding deputy's), if any. */
  grade: 'satisfied' | 'basically_satisfied' | 'unsatisfied' | null;
}

/** One variant of CardModel: what the builder of that kind takes. */
export type CardModelOf<K extends CardModel['kind']> = Extract<CardModel, { kind: K }>;

/**
 * An earlier suggestion as the knowledge base shows it on a card: never a classified one's body,
 * never an answer that is not public (`answer` is null then).
 */
export interface KnowledgeItem {
  session: string;
  number: string;
  title: string;
  year: string;
  /** The date it was assigned (交办日期). */
  assignedOn: string;
  units: string[];
  answer: { resultClass: 'A' | 'B' | 'C' | 'D'; summary: string } | null;
  snippet: string;
}

/** 查询结果: the answer to `@bot 查 <words>` (SPEC §5), fixed when queued. */
export interface SearchResultsModel {
  kind: 'search_results';
  query: string;
  results: KnowledgeItem[];
}

/** The weekly digest to the supervisors' group (SPEC §4). */
export interface DigestModel {
  kind: 'digest';
  /** The Monday it covers, and today. */
  today: string;
  suggestions: { open: number; closed: number; withdrawn: number };
  /** Assignments by state label, in lifecycle order. */
  byState: Array<{ label: Bilingual; count: number }>;
  overdueByUnit: Array<{ unitName: string; items: Array<{ number: string; title: string; deadline: Bilingual; workingDaysOverdue: number }> }>;
  commitmentsDueThisMonth: Array<{ number: string; unitName: string; content: string; dueOn: string; overdue: boolean }>;
  /** Open assignments per unit and light, for the chart. */
  chart: Array<{ unitName: string; light: Light; count: number }>;
  /** What the supervisors should know first (e.g. next year's holiday schedule is not loaded); older digests have none. */
  notices?: Bilingual[];
  /**
   * The monthly section (the first digest of each month; SPEC §4, the Wuchang monthly supervision
   * of interim items): open 闭会 assignments by unit, each with its next deadline (null: none open).
   */
  interimByUnit?: Array<{ unitName: string; items: Array<{ number: string; title: string; classified: boolean; next: { deadline: Bilingual; dueOn: string } | null }> }>;
  /**
   * Open key-supervised (重点督办) suggestions, the overdue first, each with its leader in charge
   * (@-mentioned when a Lark user), its lead or split units, its light and next deadline (SPEC §4).
   * Digests queued before this section existed have none.
   */
  keyItems?: DigestKeyItem[];
}

export interface DigestKeyItem {
  number: string;
  title: string;
  leader: { label: string; openId: string | null } | null;
  units: string[];
  light: Light;
  /** The unit obligations past their deadline. */
  overdue: number;
  next: { deadline: Bilingual; dueOn: string } | null;
}

/**
 * The escalations of one sweep, gathered for the supervisors' group (issue 11): every item
 * escalated that day on one card, by unit, each with a link to its group; split into `parts`
 * cards only when one would exceed Lark's card limits (src/adapters/cards/kinds/escalations.ts).
 */
export interface EscalationsModel {
  kind: 'escalations';
  today: string;
  /** This card's place among the day's cards (1-based) and how many there are. */
  part: number;
  parts: number;
  /** Items on all the day's cards. */
  total: number;
  units: Array<{ unitName: string; items: EscalatedItem[] }>;
}

export interface EscalatedItem {
  number: string;
  /** Shown for a classified suggestion too, as on its other cards; its body never is. */
  title: string;
  classified: boolean;
  level: 'escalation' | 'escalation2';
  deadlineKind: DeadlineKind;
  deadline: Bilingual;
  due: string;
  /** The day the escalation fell due (earlier than today when no sweep ran that day). */
  day: string;
  daysLeft: number;
  workingDaysOverdue: number;
  /** Lark applink opening the suggestion's group; null while the group does not exist. */
  groupLink: string | null;
  /** A key-supervised suggestion's leader in charge: @-mentioned when a Lark user, else named. */
  leader: { label: string; openId: string | null } | null;
}

/**
 * What an earlier copy of a re-posted card becomes (SPEC §4: Lark cards can be used for 14 days):
 * no buttons, the card's title, and when the current copy was posted.
 */
export interface SupersededModel {
  kind: 'superseded';
  suggestion: CardSuggestion;
  /** The kind of the card that was re-posted. */
  cardKind: Exclude<CardKind, 'reminder' | 'digest' | 'search_results' | 'escalations'>;
  /** When the current copy was posted, as people read it (local `YYYY-MM-DD HH:mm`). */
  repostedAt: string;
}

/**
 * The core lists the card kinds (CARD_KINDS) without seeing these models; this fails to compile
 * when a kind is added to one side only.
 */
type SameKinds<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type MustHold<T extends true> = T;
export type ViewModelsCoverTheCoreKinds = MustHold<SameKinds<CardKind, CardModel['kind'] | DigestModel['kind'] | SearchResultsModel['kind'] | EscalationsModel['kind']>>;
