/**
 * The reminder sweep at scale (issue 4): one real sweep (not a dry run) over 100,000 open
 * suggestions with 200,000 commitments, and the same at 10,000 with the same number of deadlines
 * due, and at 10,000 with ten times as many due. Targets: under 1 s and 256 MB at 100,000, and a
 * cost that follows the deadlines due, not the suggestions stored (100k / 10k time ratio under 3
 * at the same due count), through an indexed range scan on `open_deadlines_due`.
 *
 * Each database is built here with direct bulk inserts in one transaction, every row the sweep
 * reads present: units with a head and two liaisons, deputies, open suggestions with their
 * deputies, one lead assignment each with its first contact recorded, an answer and two
 * commitments, the status-board card, and the `open_deadlines` rows the real index holds for
 * them — computed by the domain's own `openDeadlines()`, so the index is exactly what duban
 * would keep. Two kinds of suggestion, both with nothing due within the sweep's 7-day window:
 * - 60 %: answer submitted, awaiting the head's approval (answer deadline 1–2.5 months away,
 *   two proposed commitments due over the next 2 years);
 * - 40 %: answer approved in the last week (deputy evaluation due in 3–4 weeks, two confirmed
 *   commitments due over the next 2 years).
 * Then 1 % of the deadlines (3,000: answers, commitments, evaluations; one each for 3,000
 * suggestions, the same 3,000 at 100k and 10k) are put between 25 days overdue and 7 days ahead,
 * so the sweep sends notices, warnings, overdue reminders and escalations; the third database has
 * all three deadlines of each of its 10,000 suggestions there (30,000). The board light is blue
 * everywhere, so every suggestion with a deadline due changes light, and escalations due on
 * earlier days are all caught up: the worst case for one sweep (a daily sweep sees far less).
 *
 * The sweep runs in a fresh child process (bench/sweep-child.ts) on the built file, so its peak
 * RSS does not include the building. The sweep runs in slices (src/app/sweep.ts, issue 11): the
 * child also measures the longest it held the event loop (monitorEventLoopDelay's max). Target:
 * at most 50 ms at 100,000. The baseline, in the same child on the same file, is a full
 * table walk: `select count(*) from commitments` and `select * from open_deadlines`.
 *
 * BENCH_SWEEP_SIGNED=1 adds an informational row (not a target): the 100,000 database with the
 * answers-awaiting-approval replaced by assignments still `signed` (the head returned the answer,
 * its promises void), whose lapsed re-assignment windows stay in the index.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkingDayCalendar, type WorkingDayCalendar } from '../src/core/calendar/working-day-calendar.ts';
import { openDeadlines, type DeadlineContext } from '../src/core/deadlines/deadlines.ts';
import type { IdPrefix } from '../src/core/ids.ts';
import type { AnswerRow, AssignmentRow, CommitmentRow, ContactRow, SuggestionAggregate, SuggestionDeputy, SuggestionRow } from '../src/core/model.ts';
import { defaultPolicy } from '../src/core/deadlines/policy.ts';
import { openDatabase } from '../src/runtimes/node/open-database.ts';
import type { SweepChildResult } from './sweep-child.ts';
import { fmt, record, ROOT } from './support.ts';

const TIME_ZONE = 'Asia/Shanghai';
/** A Tuesday, a working day, 09:00 in Shanghai: when the scheduled sweep runs. */
export const NOW = '2026-03-10T09:00:00+08:00';
const TODAY = '2026-03-10';
const NEXT_DAY = '2026-03-11T09:00:00+08:00';
const HORIZON = addDays(TODAY, defaultPolicy.reminders.noticeDaysBefore);
const UNITS = 80;
const EVALUATION_RULE = defaultPolicy.deadlines.evaluation;
const EVALUATION_WORKING_DAYS = 'workingDays' in EVALUATION_RULE ? EVALUATION_RULE.workingDays : 20;
const DEPUTIES = 3_000;
/** The sweep at 100,000 against a full walk of the same file (issue 11). */
const WALK_RATIO_TARGET = 0.5;
/** The longest the sweep at 100,000 may hold the event loop at a time (issue 11: "never past ~50 ms"). */
const LONGEST_HOLD_TARGET_MS = 50;

export interface Scenario {
  name: string;
  suggestions: number;
  /** Suggestions with deadlines inside the sweep window, and how many of their 3 deadlines are. */
  dueSuggestions: number;
  duePerSuggestion: 1 | 3;
  /** The informational variant: awaiting-approval suggestions are `signed` instead. */
  signed?: boolean;
}

interface Built {
  suggestions: number;
  commitments: number;
  deadlines: number;
  due: number;
  buildMs: number;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The same calendar date `months` earlier (clamped to the month's end). */
function minusMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 - months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/** Deterministic random numbers (mulberry32): the due part of every database is the same. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

type Random = ReturnType<typeof random>;

/** `n` hex digits (a multiple of 8), as in Lark's open_id / chat_id / message_id. */
const hex = (r: Random, n: number) => {
  let out = '';
  while (out.length < n) out += Math.floor(r.next() * 2 ** 32).toString(16).padStart(8, '0');
  return out;
};

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** An id shaped like src/core/ids.ts makes (prefix, 12 base64url characters), but from a seeded stream: much faster in bulk. */
const idOf = (r: Random, prefix: IdPrefix) => {
  let out = `${prefix}_`;
  for (let k = 0; k < 3; k++) {
    const bits = Math.floor(r.next() * 2 ** 24);
    for (let shift = 18; shift >= 0; shift -= 6) out += ID_ALPHABET[(bits >> shift) & 63];
  }
  return out;
};

const TOPICS = ['老旧小区加装电梯', '中小学课后服务', '农村饮水安全', '社区养老服务', '城市停车难', '营商环境优化', '河道综合治理', '职业教育发展', '基层医疗卫生', '公共交通线网'];
const BODY_PARAGRAPH =
  '近年来，我市在该领域取得了积极进展，但仍存在资金投入不足、部门协调不畅、政策落地不到位等问题。群众反映强烈，代表多次调研发现，部分区县工作推进缓慢，配套措施滞后，信息公开不够及时。为此建议：一是加大财政投入，建立稳定的经费保障机制；二是明确牵头部门职责，建立联席会议制度；三是完善考核评价办法，将群众满意度纳入考核；四是加强宣传引导，及时回应社会关切。';
const BODY = BODY_PARAGRAPH.repeat(4); // ≈ 700 characters, about a short real suggestion

interface Kind {
  /** 'pending': answer awaiting approval; 'answered': approved, evaluation open; 'signed': answer returned. */
  state: 'pending' | 'answered' | 'signed';
  /** Which deadlines to put inside the sweep window. */
  due: Set<'main' | 'c1' | 'c2'>;
}

export function buildSweepDatabase(path: string, scenario: Scenario, ctx: DeadlineContext): Built {
  const started = performance.now();
  const db = openDatabase(path);
  const sqlite = db.$client;
  // Building only: no fsync, a large page cache (random ids scatter the inserts over every index).
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -1000000');
  const at = `${TODAY}T01:00:00.000Z`;
  const people = random(7);
  const units = Array.from({ length: UNITS }, (_, u) => ({
    id: `unit${String(u).padStart(3, '0')}`,
    head: `ou_${hex(people, 32)}`,
    liaisons: [`ou_${hex(people, 32)}`, `ou_${hex(people, 32)}`],
  }));
  const deputies = Array.from({ length: DEPUTIES }, (_, d) => ({ id: `dp${String(d).padStart(5, '0')}`, name: `代表${d}`, openId: `ou_${hex(people, 32)}` }));

  const insert = {
    unit: sqlite.prepare('insert into units (id, name) values (?, ?)'),
    member: sqlite.prepare('insert into unit_members (unit_id, open_id, role) values (?, ?, ?)'),
    deputy: sqlite.prepare('insert into deputies (id, name, open_id, delegation) values (?, ?, ?, ?)'),
    suggestion: sqlite.prepare(
      `insert into suggestions (id, session, number, kind, timing, title, body, category, key, key_leader, classified, assigned_on, status, version, board_light, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    suggestionDeputy: sqlite.prepare('insert into suggestion_deputies (suggestion_id, deputy_id, role, position) values (?, ?, ?, ?)'),
    chat: sqlite.prepare('insert into suggestion_chats (suggestion_id, chat_id, created_at) values (?, ?, ?)'),
    card: sqlite.prepare('insert into card_messages (id, suggestion_id, kind, subject_id, message_id, created_at) values (?, ?, ?, ?, ?, ?)'),
    assignment: sqlite.prepare(
      `insert into assignments (id, suggestion_id, unit_id, role, state, state_before_reassign, assigned_on, round, rehandle_from, signed_at, closed_at, replaces_assignment_id, answer_due_extended_to, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    contact: sqlite.prepare(
      'insert into contacts (id, suggestion_id, assignment_id, method, date, note, recorded_by, recorded_at, confirmed_by, confirmed_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    answer: sqlite.prepare(
      `insert into answers (id, suggestion_id, assignment_id, round, result_class, summary, public, private_reason, status, submitted_by, submitted_at, decided_by, decided_at, return_reason)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    commitment: sqlite.prepare(
      `insert into commitments (id, suggestion_id, assignment_id, answer_id, content, due_on, state, confirmed_by, confirmed_at, evidence, claimed_by, claimed_at, done_by, done_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    deadline: sqlite.prepare(
      'insert into open_deadlines (suggestion_id, assignment_id, unit_id, kind, subject_id, from_on, due_on, explanation) values (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
  };

  let commitments = 0;
  let deadlines = 0;
  let due = 0;
  const ids = random(99);
  const newId = (prefix: IdPrefix) => idOf(ids, prefix);
  const addSuggestion = (i: number, kind: Kind, r: Random) => {
    const unit = units[i % UNITS]!;
    const id = newId('sg');
    const assignmentId = newId('as');
    const answerId = newId('an');
    const topic = TOPICS[i % TOPICS.length]!;
    // When the deadline that is due falls: 25 days overdue to 7 days ahead (notice to escalation).
    const dueDay = () => addDays(TODAY, r.int(-25, 7));
    let assignedOn: string;
    let decidedOn: string | null = null;
    if (kind.state === 'answered') {
      assignedOn = addDays(TODAY, -r.int(61, 85));
      // The evaluation is due 20 working days after approval: 3–4 weeks ahead, or in the window.
      decidedOn = kind.due.has('main') ? ctx.calendar.addWorkingDays(dueDay(), -EVALUATION_WORKING_DAYS) : addDays(TODAY, -r.int(0, 7));
    } else {
      // The answer is due 3 months after assignment: 1–2.5 months ahead, or in the window.
      assignedOn = kind.due.has('main') ? minusMonths(dueDay(), 3) : addDays(TODAY, -r.int(kind.due.size ? 45 : 20, 60));
    }
    // Promises are made when the answer is submitted: before a promise that is due now.
    const promisesDue = kind.due.has('c1') || kind.due.has('c2');
    const submittedOn =
      promisesDue && !(decidedOn && kind.due.has('main'))
        ? addDays(TODAY, -r.int(26, 40))
        : decidedOn
          ? addDays(decidedOn, -r.int(1, 5))
          : addDays(TODAY, -r.int(0, 10));
    const commitmentDue = (which: 'c1' | 'c2') => (kind.due.has(which) ? dueDay() : addDays(TODAY, r.int(10, 730)));

    // Complete rows, as the domain types them: inserted, and handed to openDeadlines() below.
    const createdAt = `${assignedOn}T01:00:00.000Z`;
    const suggestion: SuggestionRow = {
      id,
      session: '市十六届人大四次会议',
      number: String(i + 1).padStart(6, '0'),
      kind: 'suggestion',
      timing: 'session',
      title: `关于进一步加强${topic}工作的建议（${i + 1}）`,
      body: BODY,
      category: topic,
      key: false,
      keyLeader: null,
      classified: false,
      assignedOn,
      status: 'open',
      version: 6,
      boardLight: 'blue',
      createdAt,
      updatedAt: at,
    };
    const s = suggestion;
    insert.suggestion.run(s.id, s.session, s.number, s.kind, s.timing, s.title, s.body, s.category, +s.key, s.keyLeader, +s.classified, s.assignedOn, s.status, s.version, s.boardLight, s.createdAt, s.updatedAt);
    const lead = deputies[r.int(0, DEPUTIES - 1)]!;
    const signers: SuggestionDeputy[] = [{ deputyId: lead.id, role: 'lead', position: 0, name: lead.name, openId: lead.openId }];
    if (r.next() < 0.3) {
      const co = deputies[r.int(0, DEPUTIES - 1)]!;
      if (co.id !== lead.id) signers.push({ deputyId: co.id, role: 'co', position: 1, name: co.name, openId: co.openId });
    }
    for (const d of signers) insert.suggestionDeputy.run(id, d.deputyId, d.role, d.position);
    insert.chat.run(id, `oc_${hex(r, 32)}`, createdAt);
    insert.card.run(newId('cd'), id, 'status_board', id, `om_${hex(r, 32)}`, createdAt);

    const assignment: AssignmentRow = {
      id: assignmentId,
      suggestionId: id,
      unitId: unit.id,
      role: 'lead',
      state: kind.state === 'pending' ? 'answer_pending_approval' : kind.state,
      stateBeforeReassign: null,
      assignedOn,
      round: 1,
      rehandleFrom: null,
      signedAt: `${addDays(assignedOn, 1)}T02:00:00.000Z`,
      closedAt: null,
      replacesAssignmentId: null,
      answerDueExtendedTo: null,
      createdAt,
    };
    const a = assignment;
    insert.assignment.run(a.id, a.suggestionId, a.unitId, a.role, a.state, a.stateBeforeReassign, a.assignedOn, a.round, a.rehandleFrom, a.signedAt, a.closedAt, a.replacesAssignmentId, a.answerDueExtendedTo, a.createdAt);
    const contactOn = addDays(assignedOn, r.int(2, 15));
    const contact: ContactRow = {
      id: newId('ct'),
      suggestionId: id,
      assignmentId,
      method: 'phone',
      date: contactOn,
      note: '',
      recordedBy: unit.liaisons[0]!,
      recordedAt: `${contactOn}T03:00:00.000Z`,
      confirmedBy: null,
      confirmedAt: null,
      disputedBy: null,
      disputedAt: null,
      disputeReason: null,
    };
    const ct = contact;
    insert.contact.run(ct.id, ct.suggestionId, ct.assignmentId, ct.method, ct.date, ct.note, ct.recordedBy, ct.recordedAt, ct.confirmedBy, ct.confirmedAt);
    const decidedAt = decidedOn ? `${decidedOn}T06:00:00.000Z` : kind.state === 'signed' ? `${submittedOn}T06:00:00.000Z` : null;
    const answer: AnswerRow = {
      id: answerId,
      suggestionId: id,
      assignmentId,
      round: 1,
      resultClass: 'B',
      summary: `关于${topic}的答复：已会同相关部门制定工作方案，明确责任分工和时间节点，分阶段推进落实。`,
      public: true,
      privateReason: null,
      status: kind.state === 'answered' ? 'approved' : kind.state === 'signed' ? 'returned' : 'pending_approval',
      submittedBy: unit.liaisons[0]!,
      submittedAt: `${submittedOn}T02:00:00.000Z`,
      decidedBy: decidedAt ? unit.head : null,
      decidedAt,
      returnReason: kind.state === 'signed' ? '请补充具体措施' : null,
      reviewedBy: null,
      reviewedAt: null,
    };
    const an = answer;
    insert.answer.run(an.id, an.suggestionId, an.assignmentId, an.round, an.resultClass, an.summary, +an.public, an.privateReason, an.status, an.submittedBy, an.submittedAt, an.decidedBy, an.decidedAt, an.returnReason);
    const promised = (['c1', 'c2'] as const).map((which, n): CommitmentRow => {
      const confirmed = kind.state === 'answered';
      return {
        id: newId('cm'),
        suggestionId: id,
        assignmentId,
        answerId,
        content: `${n === 0 ? '完成' : '推动'}${topic}第${n + 1}阶段任务`,
        dueOn: commitmentDue(which),
        state: confirmed ? 'confirmed' : kind.state === 'signed' ? 'void' : 'proposed',
        confirmedBy: confirmed ? lead.openId : null,
        confirmedAt: confirmed ? decidedAt : null,
        evidence: null,
        claimedBy: null,
        claimedAt: null,
        doneBy: null,
        doneAt: null,
      };
    });
    for (const c of promised) {
      insert.commitment.run(c.id, c.suggestionId, c.assignmentId, c.answerId, c.content, c.dueOn, c.state, c.confirmedBy, c.confirmedAt, c.evidence, c.claimedBy, c.claimedAt, c.doneBy, c.doneAt);
    }
    commitments += promised.length;

    // The index rows duban itself would keep for this suggestion.
    const aggregate: SuggestionAggregate = {
      suggestion,
      deputies: signers,
      assignments: [assignment],
      reassignmentRequests: [],
      progressReports: [],
      contacts: [contact],
      coOpinions: [],
      answers: [answer],
      commitments: promised,
      evaluations: [],
      nudges: [],
      extensionRequests: [],
      coordinations: [],
      qualityReviews: [],
      coOpinionEvaluations: [],
      commitmentFollowUps: [],
      commitmentEvaluations: [],
    };
    for (const d of openDeadlines(aggregate, ctx)) {
      insert.deadline.run(id, d.assignmentId, d.unitId, d.kind, d.subjectId, d.from, d.due, JSON.stringify(d.explanation));
      deadlines++;
      if (d.due <= HORIZON) due++;
    }
  };

  // Secondary indexes are dropped for the bulk insert and created again after it, with their own
  // SQL: the same schema, built by sorting instead of by a million random B-tree inserts.
  const indexes = sqlite.prepare("select name, sql from sqlite_master where type = 'index' and sql is not null").all() as Array<{ name: string; sql: string }>;
  for (const { name } of indexes) sqlite.exec(`drop index "${name}"`);
  sqlite.transaction(() => {
    for (const u of units) {
      insert.unit.run(u.id, `市级部门 ${u.id}`);
      insert.member.run(u.id, u.head, 'head');
      for (const l of u.liaisons) insert.member.run(u.id, l, 'liaison');
    }
    for (const d of deputies) insert.deputy.run(d.id, d.name, d.openId, '某区代表团');
    // The due suggestions first, from their own random stream: the same in every database.
    const dueRandom = random(42);
    const all = new Set<'main' | 'c1' | 'c2'>(['main', 'c1', 'c2']);
    for (let i = 0; i < scenario.dueSuggestions; i++) {
      const state = i % 5 < 3 ? 'pending' : 'answered';
      // One due deadline (20 % answers, 20 % evaluations, 60 % commitments), or all three.
      const one = i % 5 === 0 || i % 5 === 3 ? 'main' : i % 2 ? 'c1' : 'c2';
      addSuggestion(i, { state, due: scenario.duePerSuggestion === 3 ? all : new Set([one]) }, dueRandom);
    }
    const rest = random(1);
    for (let i = scenario.dueSuggestions; i < scenario.suggestions; i++) {
      const pending = rest.next() < 0.6;
      addSuggestion(i, { state: pending ? (scenario.signed ? 'signed' : 'pending') : 'answered', due: new Set() }, rest);
    }
  })();
  for (const { sql } of indexes) sqlite.exec(sql);
  // Hand the child a checkpointed file, as a long-running server would have.
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  return { suggestions: scenario.suggestions, commitments, deadlines, due, buildMs: performance.now() - started };
}

function runChild(path: string, nextDay: boolean): Promise<SweepChildResult> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', 'bench/sweep-child.ts', path, NOW, ...(nextDay ? [NEXT_DAY] : [])];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`sweep-child exited with ${code}:\n${out}${err}`));
      resolve(JSON.parse(line) as SweepChildResult);
    });
  });
}

/**
 * BENCH_SWEEP_RUNS=n sweeps n fresh copies of each database (each in its own process) and keeps
 * the run with the median sweep time; the default, 1, keeps `npm run bench` short.
 */
async function measure(path: string, nextDay: boolean): Promise<SweepChildResult> {
  const runs = Math.max(1, Number(process.env.BENCH_SWEEP_RUNS ?? 1));
  const results: SweepChildResult[] = [];
  for (let n = 0; n < runs; n++) {
    const copy = `${path}.run${n}`;
    copyFileSync(path, copy);
    try {
      results.push(await runChild(copy, nextDay));
    } finally {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${copy}${suffix}`, { force: true });
    }
  }
  return results.sort((a, b) => a.sweepMs - b.sweepMs)[Math.floor((results.length - 1) / 2)]!;
}

export async function runSweepBench(): Promise<boolean> {
  const calendar: WorkingDayCalendar = createWorkingDayCalendar();
  const ctx: DeadlineContext = { policy: defaultPolicy, calendar, timeZone: TIME_ZONE };
  const scenarios: Scenario[] = [
    { name: '100k', suggestions: 100_000, dueSuggestions: 3_000, duePerSuggestion: 1 },
    { name: '10k', suggestions: 10_000, dueSuggestions: 3_000, duePerSuggestion: 1 },
    { name: '10k, 10× due', suggestions: 10_000, dueSuggestions: 10_000, duePerSuggestion: 3 },
  ];
  if (process.env.BENCH_SWEEP_SIGNED) scenarios.push({ name: '100k, signed', suggestions: 100_000, dueSuggestions: 3_000, duePerSuggestion: 1, signed: true });

  const dir = mkdtempSync(join(tmpdir(), 'duban-sweep-bench-'));
  const rows: Array<{ scenario: Scenario; built: Built; run: SweepChildResult }> = [];
  try {
    for (const [n, scenario] of scenarios.entries()) {
      const path = join(dir, `sweep-${n}.db`);
      const built = buildSweepDatabase(path, scenario, ctx);
      // The next day's sweep (and the statement plans) on the 100,000 database only.
      const run = await measure(path, n === 0);
      rows.push({ scenario, built, run });
      rmSync(path, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const int = (n: number) => n.toLocaleString('en-US');
  console.log(`\nReminder sweep at ${NOW}: one real sweep (not a dry run) per database, each in a fresh process`);
  console.log(`(due items: open_deadlines rows due on or before ${HORIZON}, the rows the sweep reads)`);
  console.log('| stored suggestions | commitments | open deadlines | due items | reminders sent | lights changed | sweep ms | longest hold ms | peak RSS MB (before sweep) | same sweep again ms | next day ms | index range read ms | baseline ms (full walk) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { scenario, built, run } of rows) {
    console.log(
      `| ${int(built.suggestions)}${scenario.signed ? ' (signed; info only)' : ''} | ${int(built.commitments)} | ${int(built.deadlines)} | ${int(built.due)} | ${int(run.reminders)} | ${int(run.lights)} | ${fmt(run.sweepMs, 0)} | ${fmt(run.longestHoldMs, 0)} | ${fmt(run.peakRssMb, 0)} (${fmt(run.rssBeforeMb, 0)}) | ${fmt(run.resweepMs, 0)} | ${run.nextDayMs === undefined ? '–' : fmt(run.nextDayMs, 0)} | ${fmt(run.rangeReadMs, 0)} | ${fmt(run.baselineMs, 0)} |`,
    );
  }
  console.log(`built in ${rows.map(({ scenario, built }) => `${scenario.name} ${fmt(built.buildMs / 1000)} s`).join(', ')} (not measured)`);

  const [big, small, busy] = rows as [(typeof rows)[number], (typeof rows)[number], (typeof rows)[number]];
  console.log(`\nThe deadline query as sweep() builds it, EXPLAIN QUERY PLAN on the ${int(big.built.suggestions)} database:\n  ${big.run.deadlinePlan.sql}`);
  for (const line of big.run.deadlinePlan.plan) console.log(`  → ${line}`);
  // A SCAN, even of a covering index, walks the whole table or index. The directory's units and
  // leaders (a hundred rows or so, read once for their names) are not what the target is about.
  const walks = big.run.statements.filter((s) => s.plan.some((p) => p.startsWith('SCAN ') && !p.startsWith('SCAN CONSTANT ROW') && p !== 'SCAN units' && p !== 'SCAN leaders'));
  console.log(`statements the next day's sweep ran: ${big.run.statements.length} distinct, ${walks.length} with a full scan`);
  for (const s of walks) console.log(`  ${s.sql}\n    → ${s.plan.join('; ')}`);

  const indexed = big.run.deadlinePlan.plan.some((p) => /USING (COVERING )?INDEX open_deadlines_(kind_)?due/.test(p)) && walks.length === 0;
  const timeOk = big.run.sweepMs < 1000;
  const memoryOk = big.run.peakRssMb < 256;
  const ratio = big.run.sweepMs / small.run.sweepMs;
  const ratioOk = big.built.due === small.built.due && ratio < 3;
  const sentOk = rows.every(({ run }) => run.reminders > 0 && run.outboxRows > 0 && run.resweepReminders === 0);
  console.log(`100k: sweep ${fmt(big.run.sweepMs, 0)} ms (target < 1,000 ms: ${timeOk ? 'met' : 'MISSED'}), peak RSS ${fmt(big.run.peakRssMb, 0)} MB (target < 256 MB: ${memoryOk ? 'met' : 'MISSED'})`);
  console.log(
    `100k / 10k at the same due count (${int(big.built.due)} and ${int(small.built.due)}): ${fmt(ratio, 2)}× the time (target < 3: ${ratioOk ? 'met' : 'MISSED'}); ` +
      `10k with 10× the due: ${fmt(busy.run.sweepMs / small.run.sweepMs, 2)}× the time`,
  );
  console.log(`range scan on the open_deadlines index, no full scan in the sweep: ${indexed ? 'yes' : 'NO'}; reminders sent, none twice: ${sentOk ? 'yes' : 'NO'}`);
  // The sweep against the full walk of the same file (issue 11): it reads only what is due.
  const walkRatio = big.run.sweepMs / big.run.baselineMs;
  const walkOk = walkRatio <= WALK_RATIO_TARGET;
  console.log(`100k sweep / full walk: ${fmt(walkRatio, 2)}× (target ≤ ${WALK_RATIO_TARGET}×: ${walkOk ? 'met' : 'MISSED'})`);
  // The sweep runs in slices that hand the event loop back (src/app/sweep.ts): the longest a
  // 1 ms timer waited during the 100,000 sweep, its slices back to back (20 ms each; a server's
  // are 10 ms with a pause between), the WAL checkpointed after it (a server does it on the side).
  const holdOk = big.run.longestHoldMs <= LONGEST_HOLD_TARGET_MS;
  console.log(
    `longest the sweep held the event loop: 100k ${fmt(big.run.longestHoldMs, 0)} ms (target ≤ ${LONGEST_HOLD_TARGET_MS} ms: ${holdOk ? 'met' : 'MISSED'}); ` +
      `10k ${fmt(small.run.longestHoldMs, 0)} ms, 10k with 10× the due ${fmt(busy.run.longestHoldMs, 0)} ms; load average ${loadavg().map((l) => fmt(l, 2)).join(' ')}`,
  );
  record('sweep', {
    sweepMs100k: Math.round(big.run.sweepMs),
    fullWalkMs100k: Math.round(big.run.baselineMs),
    sweepToWalk: Number(walkRatio.toFixed(2)),
    peakRssMb100k: Math.round(big.run.peakRssMb),
    sweepMs10k: Math.round(small.run.sweepMs),
    ratio100kTo10k: Number(ratio.toFixed(2)),
    sweepMs10kBusy: Math.round(busy.run.sweepMs),
    longestHoldMs100k: Math.round(big.run.longestHoldMs),
    longestHoldMs10k: Math.round(small.run.longestHoldMs),
    longestHoldMs10kBusy: Math.round(busy.run.longestHoldMs),
    loadAverage: loadavg()[0]!.toFixed(2),
  });
  return timeOk && memoryOk && ratioOk && indexed && sentOk && walkOk && holdOk;
}
