/**
 * The database schema (SPEC §2). drizzle-kit generates migrations/ from this file; never edit an
 * applied migration, change this file and run `npm run db:generate` instead. It is one file,
 * though long, because it is one thing: every table the stores share, read together when a
 * migration is reviewed (each table is a short declaration; the length is their number).
 *
 * Conventions:
 * - ids are short prefixed text ids made by src/core/ids.ts, so that card buttons and API
 *   paths carry opaque values that cannot be guessed by counting;
 * - instants are ISO-8601 UTC strings (`2026-02-10T01:00:00.000Z`), calendar dates `YYYY-MM-DD`;
 * - every row of an aggregate carries `suggestion_id`, so one suggestion loads with one indexed
 *   query per table.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Bilingual } from '../../core/bilingual.ts';
import type { CardKind } from '../../core/card-kind.ts';
import { SHORT_LIVED_CARD_KINDS } from '../../core/living-cards.ts';
import type { DeadlineKind } from '../../core/deadlines/policy.ts';
import type { GroupLossReason } from '../../core/group-loss.ts';
import type { AssignmentState, BoardLight } from '../../core/model.ts';
import type { OutboxPayload } from './outbox-payload.ts';

export const units = sqliteTable('units', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
});

/** A unit's head (承办单位负责人) and liaisons (联络员), by Lark open_id. */
export const unitMembers = sqliteTable(
  'unit_members',
  {
    unitId: text('unit_id').notNull().references(() => units.id),
    openId: text('open_id').notNull(),
    role: text('role', { enum: ['head', 'liaison'] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.openId, t.role] }), index('unit_members_open_id').on(t.openId)],
);

export const deputies = sqliteTable(
  'deputies',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    openId: text('open_id').notNull(),
    delegation: text('delegation'),
  },
  (t) => [index('deputies_open_id').on(t.openId)],
);

export const supervisors = sqliteTable('supervisors', {
  openId: text('open_id').primaryKey(),
});

/** The leaders in charge of key-supervised suggestions (督办领导), named by id in the 督办领导 column. */
export const leaders = sqliteTable('leaders', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  openId: text('open_id').notNull(),
  title: text('title'),
});

export const suggestions = sqliteTable(
  'suggestions',
  {
    id: text('id').primaryKey(),
    session: text('session').notNull(),
    number: text('number').notNull(),
    kind: text('kind', { enum: ['suggestion', 'motion', 'proposal'] }).notNull(),
    timing: text('timing', { enum: ['session', 'interim'] }).notNull(),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    category: text('category').notNull().default(''),
    key: integer('key', { mode: 'boolean' }).notNull().default(false),
    keyLeader: text('key_leader'),
    classified: integer('classified', { mode: 'boolean' }).notNull().default(false),
    assignedOn: text('assigned_on').notNull(),
    status: text('status', { enum: ['open', 'closed', 'withdrawn'] }).notNull().default('open'),
    /** Bumped on every change of the aggregate: optimistic concurrency and stale-card detection. */
    version: integer('version').notNull().default(1),
    /** The light the status board last showed; the sweep updates the board when it changes. */
    boardLight: text('board_light').$type<BoardLight>(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('suggestions_session_number').on(t.session, t.number), index('suggestions_status').on(t.status)],
);

export const suggestionDeputies = sqliteTable(
  'suggestion_deputies',
  {
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    deputyId: text('deputy_id').notNull().references(() => deputies.id),
    role: text('role', { enum: ['lead', 'co'] }).notNull(),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.suggestionId, t.deputyId] })],
);

export const assignments = sqliteTable(
  'assignments',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    unitId: text('unit_id').notNull().references(() => units.id),
    role: text('role', { enum: ['lead', 'co', 'split'] }).notNull(),
    state: text('state').$type<AssignmentState>().notNull(),
    /** The state to return to when a re-assignment request is refused. */
    stateBeforeReassign: text('state_before_reassign').$type<AssignmentState>(),
    assignedOn: text('assigned_on').notNull(),
    /** 1, or 2 after an `unsatisfied` evaluation sent it back for re-handling. */
    round: integer('round').notNull().default(1),
    /** The date of the `unsatisfied` evaluation that started re-handling. */
    rehandleFrom: text('rehandle_from'),
    signedAt: text('signed_at'),
    closedAt: text('closed_at'),
    /** For an assignment created by an approved re-assignment: the one it replaces. */
    replacesAssignmentId: text('replaces_assignment_id'),
    /** The answer deadline as extended by a supervisor (SPEC §4: once, at most 6 months). */
    answerDueExtendedTo: text('answer_due_extended_to'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('assignments_suggestion').on(t.suggestionId), index('assignments_unit_state').on(t.unitId, t.state)],
);

export const reassignmentRequests = sqliteTable(
  'reassignment_requests',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    assignmentId: text('assignment_id').notNull().references(() => assignments.id),
    reason: text('reason').notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: text('requested_at').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'rejected'] }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: text('decided_at'),
    decisionReason: text('decision_reason'),
    newUnitId: text('new_unit_id'),
    newAssignmentId: text('new_assignment_id'),
  },
  (t) => [index('reassignment_requests_suggestion').on(t.suggestionId)],
);

export const progressReports = sqliteTable(
  'progress_reports',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    assignmentId: text('assignment_id').notNull().references(() => assignments.id),
    text: text('text').notNull(),
    reportedBy: text('reported_by').notNull(),
    reportedAt: text('reported_at').notNull(),
  },
  (t) => [index('progress_reports_suggestion').on(t.suggestionId)],
);

export const contacts = sqliteTable(
  'contacts',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    assignmentId: text('assignment_id').notNull().references(() => assignments.id),
    method: text('method', { enum: ['face_to_face', 'phone', 'meeting', 'visit', 'other'] }).notNull(),
    date: text('date').notNull(),
    note: text('note').notNull().default(''),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: text('recorded_at').notNull(),
    confirmedBy: text('confirmed_by'),
    confirmedAt: text('confirmed_at'),
    disputedBy: text('disputed_by'),
    disputedAt: text('disputed_at'),
    disputeReason: text('dispute_reason'),
  },
  (t) => [index('contacts_suggestion').on(t.suggestionId)],
);

export const coOpinions = sqliteTable(
  'co_opinions',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    assignmentId: text('assignment_id').notNull().references(() => assignments.id),
    text: text('text').notNull(),
    submittedBy: text('submitted_by').notNull(),
    submittedAt: text('submitted_at').notNull(),
  },
  (t) => [index('co_opinions_suggestion').on(t.suggestionId)],
);

export const answers = sqliteTable(
  'answers',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    assignmentId: text('assignment_id').notNull().references(() => assignments.id),
    round: integer('round').notNull(),
    resultClass: text('result_class', { enum: ['A', 'B', 'C', 'D'] }).notNull(),
    summary: text('summary').notNull(),
    public: integer('public', { mode: 'boolean' }).notNull(),
    privateReason: text('private_reason'),
    status: text('status', { enum: ['pending_approval', 'pending_review', 'approved', 'returned'] }).notNull(),
    submittedBy: text('submitted_by').notNull(),
    submittedAt: text('submitted_at').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: text('decided_at'),
    returnReason: text('return_reason'),
    reviewedBy: text('reviewed_by'),
    reviewedAt: text('reviewed_at'),
  },
  (t) => [index('answers_suggestion').on(t.suggestionId)],
);

export const commitments = sqliteTable(
  'commitments',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    assignmentId: text('assignment_id').notNull().references(() => assignments.id),
    answerId: text('answer_id').notNull().references(() => answers.id),
    content: text('content').notNull(),
    dueOn: text('due_on').notNull(),
    /** `void` marks the promises of an answer the head returned: kept, never tracked. */
    state: text('state', { enum: ['proposed', 'confirmed', 'done_claimed', 'done', 'void'] }).notNull(),
    confirmedBy: text('confirmed_by'),
    confirmedAt: text('confirmed_at'),
    evidence: text('evidence'),
    claimedBy: text('claimed_by'),
    claimedAt: text('claimed_at'),
    doneBy: text('done_by'),
    doneAt: text('done_at'),
  },
  (t) => [index('commitments_suggestion').on(t.suggestionId), index('commitments_state_due').on(t.state, t.dueOn)],
);

export const evaluations = sqliteTable(
  'evaluations',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    assignmentId: text('assignment_id').notNull().references(() => assignments.id),
    answerId: text('answer_id').notNull().references(() => answers.id),
    round: integer('round').notNull(),
    deputyId: text('deputy_id').notNull(),
    grade: text('grade', { enum: ['satisfied', 'basically_satisfied', 'unsatisfied'] }).notNull(),
    comment: text('comment').notNull().default(''),
    evaluatedBy: text('evaluated_by').notNull(),
    evaluatedAt: text('evaluated_at').notNull(),
  },
  (t) => [index('evaluations_suggestion').on(t.suggestionId)],
);

/** 催办 (SPEC §5): one row per open assignment a deputy's press urged; once per deputy, suggestion and day. */
export const nudges = sqliteTable(
  'nudges',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    assignmentId: text('assignment_id').notNull().references(() => assignments.id),
    deputyId: text('deputy_id').notNull(),
    day: text('day').notNull(),
    nudgedBy: text('nudged_by').notNull(),
    nudgedAt: text('nudged_at').notNull(),
  },
  (t) => [index('nudges_suggestion').on(t.suggestionId), uniqueIndex('nudges_once_a_day').on(t.suggestionId, t.deputyId, t.day, t.assignmentId)],
);

/** 申请延期 (SPEC §4): a unit's request for a later answer deadline, decided by a supervisor. */
export const extensionRequests = sqliteTable(
  'extension_requests',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    assignmentId: text('assignment_id').notNull().references(() => assignments.id),
    until: text('until').notNull(),
    reason: text('reason').notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: text('requested_at').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'rejected'] }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: text('decided_at'),
    grantedUntil: text('granted_until'),
    decisionReason: text('decision_reason'),
  },
  (t) => [index('extension_requests_suggestion').on(t.suggestionId)],
);

/** A unit's 承诺进展 report on an open commitment (policy `followUp`). */
export const commitmentFollowUps = sqliteTable(
  'commitment_follow_ups',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    commitmentId: text('commitment_id').notNull().references(() => commitments.id),
    text: text('text').notNull(),
    reportedBy: text('reported_by').notNull(),
    reportedAt: text('reported_at').notNull(),
  },
  (t) => [index('commitment_follow_ups_suggestion').on(t.suggestionId)],
);

/** The second evaluation (承诺兑现评价): one per deputy and commitment confirmed done. */
export const commitmentEvaluations = sqliteTable(
  'commitment_evaluations',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    commitmentId: text('commitment_id').notNull().references(() => commitments.id),
    deputyId: text('deputy_id').notNull(),
    grade: text('grade', { enum: ['satisfied', 'basically_satisfied', 'unsatisfied'] }).notNull(),
    comment: text('comment').notNull().default(''),
    evaluatedBy: text('evaluated_by').notNull(),
    evaluatedAt: text('evaluated_at').notNull(),
  },
  (t) => [index('commitment_evaluations_suggestion').on(t.suggestionId)],
);

/** Append-only (UPDATE and DELETE refused by triggers): every state change and every refused attempt (SPEC §2). */
export const auditLog = sqliteTable(
  'audit_log',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    /** The role the actor acted in; `supervisor_on_behalf` when a supervisor acted for someone else. */
    actorRole: text('actor_role'),
    source: text('source', { enum: ['card', 'text', 'admin_api', 'cli', 'schedule', 'lark'] }).notNull(),
    action: text('action').notNull(),
    outcome: text('outcome', { enum: ['ok', 'refused'] }).notNull(),
    suggestionId: text('suggestion_id'),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    beforeState: text('before_state'),
    afterState: text('after_state'),
    message: text('message').notNull().default(''),
    details: text('details', { mode: 'json' }),
    /**
     * SHA-256 of this row with the previous row's hash (audit-chain.ts): the log is tamper-evident.
     * Null only on rows written before the chain began (migration audit_chain).
     */
    hash: text('hash'),
  },
  (t) => [index('audit_log_suggestion').on(t.suggestionId, t.seq)],
);

// ---------------------------------------------------------------------------------------------
// The Lark side (SPEC §5, §6).

/**
 * One Lark chat per suggestion, created through the outbox. `lost*` is set when the group can no
 * longer be reached (the bot removed, the chat disbanded: SPEC §6): nothing is sent to it then.
 */
export const suggestionChats = sqliteTable('suggestion_chats', {
  suggestionId: text('suggestion_id')
    .primaryKey()
    .references(() => suggestions.id),
  chatId: text('chat_id').notNull().unique(),
  createdAt: text('created_at').notNull(),
  lostReason: text('lost_reason').$type<GroupLossReason>(),
  lostAt: text('lost_at'),
  /** The operator's open_id from Lark's event, or `lark:<code>` when Lark's answer to a call said so. */
  lostBy: text('lost_by'),
});

/**
 * A copy of a card that is kept up to date and may have to outlive Lark's 14 days: neither
 * retired nor a reminder or digest. The partial index below and the query that reads it
 * (card-store.ts) share this very condition, so that SQLite uses the index.
 */
export const LIVE_CARD = sql.raw(`retired_at is null and kind not in (${SHORT_LIVED_CARD_KINDS.map((k) => `'${k}'`).join(', ')})`);

/**
 * The cards duban posted, so a press can be traced to its card and a card can be updated in place.
 * `messageId` and `sentAt` are null until the outbox has sent it. The status board is the newest
 * `status_board` card of its suggestion.
 *
 * Lark lets a card be pressed or updated for 14 days after it was sent (SPEC §4): a card still
 * needed is re-posted by the sweep, and the copies it replaces are `supersededBy` the new one.
 * A `retiredAt` copy is no longer kept up to date: superseded, or lapsed (past 14 days, with
 * nothing left on it to press).
 */
export const cardMessages = sqliteTable(
  'card_messages',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').references(() => suggestions.id),
    kind: text('kind').$type<CardKind>().notNull(),
    subjectId: text('subject_id').notNull(),
    messageId: text('message_id').unique(),
    createdAt: text('created_at').notNull(),
    /** When Lark took it (its create_time): its 14 days count from here. */
    sentAt: text('sent_at'),
    /** The card re-posted in its place (cd_…). */
    supersededBy: text('superseded_by'),
    retiredAt: text('retired_at'),
  },
  (t) => [
    index('card_messages_subject').on(t.kind, t.subjectId),
    // The sweep reads the copies still kept up to date, oldest first.
    index('card_messages_live').on(t.sentAt).where(LIVE_CARD),
  ],
);

/** Every message posted in a suggestion's group, by anyone, the bot included (SPEC §2). */
export const groupMessages = sqliteTable(
  'group_messages',
  {
    messageId: text('message_id').primaryKey(),
    chatId: text('chat_id').notNull(),
    suggestionId: text('suggestion_id').references(() => suggestions.id),
    senderOpenId: text('sender_open_id'),
    senderType: text('sender_type', { enum: ['user', 'app'] }).notNull(),
    msgType: text('msg_type').notNull(),
    text: text('text').notNull().default(''),
    content: text('content').notNull(),
    rootId: text('root_id'),
    parentId: text('parent_id'),
    threadId: text('thread_id'),
    sentAt: text('sent_at').notNull(),
    receivedAt: text('received_at').notNull(),
    /** When Lark said the message was recalled (im.message.recalled_v1); its text is kept. */
    recalledAt: text('recalled_at'),
    /** Who recalled it, as Lark names it: message_owner, group_owner, group_manager, enterprise_manager. */
    recallType: text('recall_type'),
  },
  (t) => [index('group_messages_suggestion').on(t.suggestionId, t.sentAt)],
);

/** Lark event ids already handled: a redelivered event has its effect once. */
export const processedEvents = sqliteTable('processed_events', {
  eventId: text('event_id').primaryKey(),
  eventType: text('event_type').notNull(),
  receivedAt: text('received_at').notNull(),
});

/**
 * The durable outbox (SPEC §6): every call to Lark, written in the same transaction as the change
 * that causes it and delivered later by the worker. `id` doubles as Lark's idempotency `uuid`.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    suggestionId: text('suggestion_id').references(() => suggestions.id),
    kind: text('kind').notNull(),
    payload: text('payload', { mode: 'json' }).$type<OutboxPayload>().notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed', 'skipped'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    result: text('result', { mode: 'json' }),
    createdAt: text('created_at').notNull(),
    sentAt: text('sent_at'),
  },
  (t) => [
    index('outbox_due').on(t.status, t.nextAttemptAt),
    index('outbox_suggestion').on(t.suggestionId, t.status),
    // The sender's walk of the pending rows in order (outbox-store.ts dueRows), issue 11.
    index('outbox_pending').on(t.status, t.seq),
  ],
);

// ---------------------------------------------------------------------------------------------
// Supervision (SPEC §4).

/**
 * Every open deadline, kept up to date whenever a suggestion changes, so the reminder sweep reads
 * only the deadlines that are near or past (an indexed range scan on `due_on`), however many
 * suggestions are stored.
 */
export const openDeadlines = sqliteTable(
  'open_deadlines',
  {
    suggestionId: text('suggestion_id')
      .notNull()
      .references(() => suggestions.id),
    assignmentId: text('assignment_id').notNull(),
    unitId: text('unit_id').notNull(),
    kind: text('kind').$type<DeadlineKind>().notNull(),
    /** The assignment, or the commitment for `commitment` deadlines. */
    subjectId: text('subject_id').notNull(),
    fromOn: text('from_on').notNull(),
    dueOn: text('due_on').notNull(),
    explanation: text('explanation', { mode: 'json' }).$type<Bilingual>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.subjectId, t.kind] }),
    index('open_deadlines_due').on(t.dueOn),
    // The sweep reads each kind's own range: lapsed windows and evaluations are never read again.
    index('open_deadlines_kind_due').on(t.kind, t.dueOn),
    index('open_deadlines_suggestion').on(t.suggestionId),
  ],
);

/** An escalation claimed but not yet listed on the supervisors' day card. */
const ESCALATION_TO_GATHER = sql.raw(`gathered_at is null and level in ('escalation', 'escalation2')`);

/** One row per reminder sent: (subject, deadline, level, day) is sent once, however often the sweep runs. */
export const remindersSent = sqliteTable(
  'reminders_sent',
  {
    key: text('key').primaryKey(),
    suggestionId: text('suggestion_id').notNull(),
    subjectId: text('subject_id').notNull(),
    kind: text('kind').notNull(),
    dueOn: text('due_on').notNull(),
    level: text('level').notNull(),
    day: text('day').notNull(),
    sentAt: text('sent_at').notNull(),
    /**
     * For an escalation: when the supervisors' day card (src/app/sweep-escalations.ts) listed it.
     * The card is built after the sweep's slices from the escalations not yet listed, so a sweep
     * cut short between slices and run again lists all of the day's, and none twice.
     */
    gatheredAt: text('gathered_at'),
  },
  (t) => [index('reminders_sent_to_gather').on(t.sentAt).where(ESCALATION_TO_GATHER)],
);

/** Small facts about the database itself, e.g. which policy and calendar the deadline index follows. */
export const appMeta = sqliteTable('app_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** 协调处理: what the supervisors recorded after an assignment closed `closed_unsatisfied` (SPEC §3). */
export const coordinations = sqliteTable(
  'coordinations',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    assignmentId: text('assignment_id').notNull().references(() => assignments.id),
    date: text('date').notNull(),
    outcome: text('outcome').notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: text('recorded_at').notNull(),
  },
  (t) => [index('coordinations_suggestion').on(t.suggestionId)],
);

/** 协办意见评价: the lead unit's rating of a co-handler's opinion (SPEC §3). */
export const coOpinionEvaluations = sqliteTable(
  'co_opinion_evaluations',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    assignmentId: text('assignment_id').notNull().references(() => assignments.id),
    opinionId: text('opinion_id').notNull().references(() => coOpinions.id),
    grade: text('grade', { enum: ['satisfied', 'basically_satisfied', 'unsatisfied'] }).notNull(),
    comment: text('comment').notNull().default(''),
    evaluatedBy: text('evaluated_by').notNull(),
    evaluatedAt: text('evaluated_at').notNull(),
  },
  (t) => [index('co_opinion_evaluations_suggestion').on(t.suggestionId), uniqueIndex('co_opinion_evaluations_opinion').on(t.opinionId)],
);

/** 质量评审: a supervisor's review of a final answer on three dimensions (SPEC §5, §10). */
export const qualityReviews = sqliteTable(
  'quality_reviews',
  {
    id: text('id').primaryKey(),
    suggestionId: text('suggestion_id').notNull().references(() => suggestions.id),
    assignmentId: text('assignment_id').notNull().references(() => assignments.id),
    answerId: text('answer_id').notNull().references(() => answers.id),
    compliance: text('compliance', { enum: ['good', 'fair', 'poor'] }).notNull(),
    document: text('document', { enum: ['good', 'fair', 'poor'] }).notNull(),
    effect: text('effect', { enum: ['good', 'fair', 'poor'] }).notNull(),
    note: text('note').notNull().default(''),
    reviewedBy: text('reviewed_by').notNull(),
    reviewedAt: text('reviewed_at').notNull(),
  },
  (t) => [index('quality_reviews_suggestion').on(t.suggestionId), uniqueIndex('quality_reviews_answer').on(t.answerId)],
);

/**
 * One row per person and week the personal digest (policy `personalDigest`) went to: each
 * person gets one message a week, however often the sweep runs.
 */
export const personalDigests = sqliteTable(
  'personal_digests',
  {
    openId: text('open_id').notNull(),
    /** The Monday (local date) of the week. */
    week: text('week').notNull(),
    items: integer('items').notNull(),
    sentAt: text('sent_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.openId, t.week] })],
);

// ---------------------------------------------------------------------------------------------
// The knowledge base (SPEC §5 "查", §7 /api/search).

/**
 * Each suggestion's document in the full-text index `search_index`, an FTS5 table created by the
 * migration (drizzle-kit cannot declare virtual tables; src/adapters/sqlite/search-index.ts
 * declares its columns for queries). The index's rowid is `doc_id`, never the suggestion's own
 * rowid, which VACUUM may renumber; this table is how a change finds its document to replace.
 */
export const searchDocs = sqliteTable('search_docs', {
  docId: integer('doc_id').primaryKey({ autoIncrement: true }),
  suggestionId: text('suggestion_id')
    .notNull()
    .unique()
    .references(() => suggestions.id),
});

/**
 * 并案 (SPEC §3): each merged suggestion names the lead suggestion it is handled under. A
 * suggestion is merged once (the key), and a lead is never itself merged (checked by the use case).
 */
export const suggestionMerges = sqliteTable(
  'suggestion_merges',
  {
    memberSuggestionId: text('member_suggestion_id').primaryKey().references(() => suggestions.id),
    leadSuggestionId: text('lead_suggestion_id').notNull().references(() => suggestions.id),
    mergedBy: text('merged_by').notNull(),
    mergedAt: text('merged_at').notNull(),
  },
  (t) => [index('suggestion_merges_lead').on(t.leadSuggestionId)],
);
