/**
 * Helpers for the reminder sweep tests: a fresh database holding the sample directory and one
 * suggestion of the test's own, the sweep at 09:00 Beijing time with an injected clock, and a
 * readable record of every outbox row a sweep wrote (reminder cards, urgent calls, cards to the
 * supervisors' group, board patches), with open_ids turned back into directory names.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq, gt } from 'drizzle-orm';
import { createWorkingDayCalendar } from '../../src/core/calendar/working-day-calendar.ts';
import type { CardModel } from '../../src/adapters/cards/card-model.ts';
import { renderCard } from '../../src/adapters/cards/render-card.ts';
import type { NodeDb } from '../../src/runtimes/node/open-database.ts';
import * as schema from '../../src/adapters/sqlite/schema.ts';
import type { Command } from '../../src/core/lifecycle/index.ts';
import { defaultPolicy, type Policy } from '../../src/core/deadlines/policy.ts';
import type { OutboxPayload } from '../../src/adapters/sqlite/outbox-payload.ts';
import { dispatch, type DispatchRequest } from '../../src/app/dispatch.ts';
import { importSuggestions } from '../../src/app/import/import-suggestions.ts';
import { sweep, type SweepDeps, type SweepResult } from '../../src/app/sweep.ts';
import { loadAggregate } from '../../src/adapters/sqlite/aggregate-store.ts';
import { loadDirectory } from '../../src/adapters/sqlite/directory-store.ts';
import { directory, freshDb, tempDir } from './world.ts';

export const SUPERVISORS_CHAT = 'oc_supervisors0001';
export const TIME_ZONE = 'Asia/Shanghai';
export const calendar = createWorkingDayCalendar();
export const SESSION = '市六届人大二次会议';

/** 09:00 in Beijing on `day` (01:00Z): when the scheduled sweep runs. */
export const nineAm = (day: string) => new Date(`${day}T01:00:00Z`);

export function sweepDeps(db: NodeDb, policy: Policy = defaultPolicy): SweepDeps {
  return { db, calendar: createWorkingDayCalendar(), policy, timeZone: TIME_ZONE, supervisorChatId: SUPERVISORS_CHAT };
}

/** Every calendar day from `from` to `to`, both included. */
export function daysFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) out.push(d.toISOString().slice(0, 10));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Names for open_ids, so expected recipients read as people: jtw.liaison1, jtw.head, d01, supervisor1.

const NAME_OF = new Map<string, string>();
for (const u of directory.units) {
  NAME_OF.set(u.head, `${u.id}.head`);
  u.liaisons.forEach((l, i) => NAME_OF.set(l, `${u.id}.liaison${i + 1}`));
}
for (const d of directory.deputies) NAME_OF.set(d.open_id, d.id);
directory.supervisors.forEach((s, i) => NAME_OF.set(s, `supervisor${i + 1}`));
const UNIT_BY_NAME = new Map(directory.units.map((u) => [u.name, u.id]));

/** `jtw.liaison1,jtw.liaison2,jtw.head` (an unknown id stays as it is, so a stray one shows). */
export const names = (openIds: readonly string[]) => openIds.map((id) => NAME_OF.get(id) ?? id).join(',');

// ---------------------------------------------------------------------------------------------
// A world with one suggestion of the test's own

export interface OneSuggestion {
  number: string;
  title: string;
  assignedOn: string;
  lead: string;
  co?: string[];
  deputies: string[];
  /** When the import runs (before the first sweep). */
  importAt: string;
}

export function oneSuggestionWorld(spec: OneSuggestion) {
  const { db, path } = freshDb();
  let now = new Date(spec.importAt);
  loadDirectory(db, directory);
  const report = importSuggestions(
    db,
    [
      {
        row: 2,
        values: {
          届次: SESSION,
          编号: spec.number,
          类型: '建议',
          提出时间: '大会',
          标题: spec.title,
          内容: '部分线路重复设置、换乘不便。',
          类别: '交通邮电',
          领衔代表: spec.deputies[0],
          附议代表: spec.deputies.slice(1).join('、'),
          主办单位: spec.lead,
          协办单位: (spec.co ?? []).join('、'),
          交办日期: spec.assignedOn,
        },
      },
    ],
    { source: 'cli', actor: 'system:cli', now, today: spec.assignedOn },
  );
  if (report.created !== 1) throw new Error(`import failed: ${JSON.stringify(report.rejected)}`);
  const suggestionId = report.items[0]!.id;
  const deps = { db, clock: () => now, timeZone: TIME_ZONE, supervisorChatId: SUPERVISORS_CHAT };
  const world = {
    db,
    path,
    suggestionId,
    setNow(iso: string) {
      now = new Date(iso);
    },
    aggregate: () => loadAggregate(db, suggestionId)!,
    assignment(unitId: string) {
      const a = world.aggregate().assignments.find((x) => x.unitId === unitId && x.state !== 'withdrawn');
      if (!a) throw new Error(`no live assignment of ${unitId}`);
      return a;
    },
    /** Dispatches `command` at `iso`. */
    actAt(iso: string, actor: DispatchRequest['actor'], command: Command) {
      now = new Date(iso);
      return dispatch(deps, { actor, command, source: 'card' });
    },
  };
  return world;
}

// ---------------------------------------------------------------------------------------------
// What a sweep wrote

type ReminderModel = Extract<CardModel, { kind: 'reminder' }>;

export interface Written {
  /** One readable line per outbox row (see `describeRow`). */
  lines: string[];
  /** The reminder models of the group and supervisors' cards, in order. */
  models: ReminderModel[];
  rows: Array<typeof schema.outbox.$inferSelect>;
}

export const maxOutboxSeq = (db: NodeDb) => db.select({ seq: schema.outbox.seq }).from(schema.outbox).orderBy(schema.outbox.seq).all().at(-1)?.seq ?? 0;

/** The outbox rows after `seq`, each described as one line. */
export function writtenSince(db: NodeDb, seq: number, today: string): Written {
  const rows = db.select().from(schema.outbox).where(gt(schema.outbox.seq, seq)).orderBy(schema.outbox.seq).all();
  const out: Written = { lines: [], models: [], rows };
  for (const row of rows) {
    const payload = row.payload as OutboxPayload;
    const described = describeRow(db, payload, today, out.models);
    out.lines.push(...(Array.isArray(described) ? described : [described]));
  }
  return out;
}

function cardMessage(db: NodeDb, id: string) {
  const card = db.select().from(schema.cardMessages).where(eq(schema.cardMessages.id, id)).get();
  if (!card) throw new Error(`outbox row refers to an unknown card message ${id}`);
  return card;
}

/**
 * - `2025-09-28 card warning sign@jtw due 2025-09-29 (+1) @jtw.liaison1,jtw.liaison2,jtw.head «预警 · 第0901号» 签收：请尽快签收`
 *   (level, deadline kind @ unit, due date, calendar days left, who is @-mentioned, the rendered
 *   card's title, the deadline's label and what to do; `[day …]` when the reminder belongs to
 *   another day than the sweep's)
 * - `2025-10-10 urgent app on the overdue card of sign@jtw due 2025-09-29 @jtw.liaison1,jtw.liaison2,jtw.head`
 * - `2025-10-10 supervisors escalation sign@jtw due 2025-09-29 (-11) «第0901号» 签收` (one line per item of
 *   the day's escalations card)
 * - `2025-09-30 board patch`
 * Anything else is described as `unexpected …`, which no expected list contains.
 */
function describeRow(db: NodeDb, payload: OutboxPayload, today: string, models: ReminderModel[]): string | string[] {
  switch (payload.kind) {
    case 'send_card': {
      const card = cardMessage(db, payload.cardMessageId);
      const model = payload.model;
      if (model?.kind === 'escalations' && card.kind === 'escalations') {
        if (payload.chatId !== SUPERVISORS_CHAT) return `${today} unexpected escalations card to ${payload.chatId}`;
        return model.units.flatMap((u) =>
          u.items.map((i) => {
            const days = i.daysLeft > 0 ? `+${i.daysLeft}` : String(i.daysLeft);
            const dayNote = i.day === today ? '' : ` [day ${i.day}]`;
            return `${today} supervisors ${i.level} ${i.deadlineKind}@${UNIT_BY_NAME.get(u.unitName) ?? u.unitName} due ${i.due} (${days})${dayNote} «第${i.number}号» ${i.deadline.zh_cn}`;
          }),
        );
      }
      if (!model || model.kind !== 'reminder' || card.kind !== 'reminder') return `${today} unexpected send_card ${card.kind}`;
      models.push(model);
      // The card record's subject is the reminder key: subject|kind|due|level|day[|supervisors].
      const [, kind, due, level, day, supervisors] = card.subjectId.split('|');
      if (model.level !== level || model.deadline.due !== due) return `${today} unexpected card ${card.subjectId}`;
      const unit = UNIT_BY_NAME.get(model.unitName) ?? model.unitName;
      const title = String((renderCard(model).header.title as { content?: unknown } | undefined)?.content);
      const days = model.deadline.daysLeft > 0 ? `+${model.deadline.daysLeft}` : String(model.deadline.daysLeft);
      const dayNote = day === today ? '' : ` [day ${day}]`;
      const text = `${model.deadline.label.zh_cn}：${model.todo.zh_cn}`;
      if (payload.chatId !== undefined) {
        const where = payload.chatId === SUPERVISORS_CHAT && supervisors === 'supervisors' ? 'supervisors' : `unexpected chat ${payload.chatId}`;
        const mentions = model.mentions.length ? ` @${names(model.mentions)}` : '';
        return `${today} ${where} ${level} ${kind}@${unit} due ${due} (${days})${dayNote}${mentions} «${title}» ${text}`;
      }
      return `${today} card ${level} ${kind}@${unit} due ${due} (${days})${dayNote} @${names(model.mentions)} «${title}» ${text}`;
    }
    case 'urgent': {
      const card = cardMessage(db, payload.cardMessageId);
      const [, kind, due, level, day] = card.subjectId.split('|');
      const unit = unitOfReminderCard(db, payload.cardMessageId);
      return `${today} urgent ${payload.channel} on the ${level}${day === today ? '' : ` ${day}`} card of ${kind}@${unit} due ${due} @${names(payload.openIds)}`;
    }
    case 'patch_card': {
      const card = cardMessage(db, payload.cardMessageId);
      return card.kind === 'status_board' ? `${today} board patch` : `${today} unexpected patch of a ${card.kind} card`;
    }
    default:
      return `${today} unexpected ${payload.kind}`;
  }
}

function unitOfReminderCard(db: NodeDb, cardMessageId: string): string {
  const row = db
    .select()
    .from(schema.outbox)
    .where(and(eq(schema.outbox.kind, 'send_card')))
    .all()
    .find((r) => (r.payload as OutboxPayload & { kind: 'send_card' }).cardMessageId === cardMessageId);
  const model = (row?.payload as { model?: ReminderModel } | undefined)?.model;
  return model ? (UNIT_BY_NAME.get(model.unitName) ?? model.unitName) : '?';
}

/** Runs one sweep at 09:00 Beijing time on `day` and describes what it wrote. */
export async function sweepOn(db: NodeDb, day: string, options: { dryRun?: boolean; deps?: SweepDeps } = {}): Promise<{ result: SweepResult; written: Written }> {
  const before = maxOutboxSeq(db);
  const result = await sweep(options.deps ?? sweepDeps(db), { now: nineAm(day), dryRun: options.dryRun ?? false });
  return { result, written: writtenSince(db, before, result.today) };
}

/** Counts of the tables a sweep writes to, to prove that something wrote nothing. */
export function footprint(db: NodeDb) {
  const count = (table: 'outbox' | 'reminders_sent' | 'card_messages') =>
    (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  const lights = db.select({ id: schema.suggestions.id, light: schema.suggestions.boardLight }).from(schema.suggestions).all();
  return { outbox: count('outbox'), remindersSent: count('reminders_sent'), cardMessages: count('card_messages'), lights };
}

// ---------------------------------------------------------------------------------------------
// A sweep in another process, on its own connection to the same file

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const src = (path: string) => new URL(`../../src/${path}`, import.meta.url).href;

let childScript: string | undefined;
/**
 * Writes (once) a tiny script that opens the database file, runs one sweep at `now` and prints
 * `ready` on stdout just before the sweep's write transaction begins, then the keys it planned.
 */
function sweepChildScript(): string {
  if (childScript) return childScript;
  childScript = join(tempDir('duban-sweep-child-'), 'sweep-child.mts');
  writeFileSync(
    childScript,
    `import { writeSync } from 'node:fs';
import { createWorkingDayCalendar } from ${JSON.stringify(src('core/calendar/working-day-calendar.ts'))};
import { openDatabase } from ${JSON.stringify(src('runtimes/node/open-database.ts'))};
import { defaultPolicy } from ${JSON.stringify(src('core/deadlines/policy.ts'))};
import { sweep } from ${JSON.stringify(src('app/sweep.ts'))};

const [path, now] = process.argv.slice(2);
const db = openDatabase(path!, { migrate: false });
// Say when the reading is done and the write transaction is about to begin.
const gated = new Proxy(db, {
  get(target, property, receiver) {
    if (property !== 'transaction') return Reflect.get(target, property, receiver);
    return (...args: Parameters<typeof target.transaction>) => (writeSync(1, 'ready\\n'), target.transaction(...args));
  },
});
const result = await sweep(
  { db: gated, calendar: createWorkingDayCalendar(), policy: defaultPolicy, timeZone: 'Asia/Shanghai', supervisorChatId: ${JSON.stringify(SUPERVISORS_CHAT)} },
  { now: new Date(now!), dryRun: false },
);
writeSync(1, JSON.stringify({ planned: result.reminders.map((r) => r.key) }) + '\\n');
db.$client.close();
`,
  );
  return childScript;
}

export interface ChildSweep {
  /** Resolves when the child has read everything and is about to open its write transaction. */
  ready: Promise<void>;
  /** Resolves with the keys the child planned, once it exits. */
  done: Promise<{ planned: string[] }>;
}

export function sweepInChildProcess(path: string, now: Date): ChildSweep {
  const child = spawn(process.execPath, ['--import', 'tsx', sweepChildScript(), path, now.toISOString()], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let signalReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('ready\n')) signalReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<{ planned: string[] }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`sweep child exited with ${code}:\n${stderr}`));
      const last = stdout.trim().split('\n').at(-1) ?? '';
      resolve(JSON.parse(last) as { planned: string[] });
    });
  });
  // A child that fails before it is ready must not leave the test waiting for `ready`.
  done.then(signalReady, signalReady);
  return { ready, done };
}
