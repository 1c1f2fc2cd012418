/**
 * A world for the statistics tests: a real runtime (buildRuntime) on a fresh SQLite file with a
 * movable clock, a directory of our own, suggestions imported through the real import, and every
 * step of the handling driven through the real dispatch as the person who would act.
 */
import { join } from 'node:path';
import { localDate } from '../../src/core/clock.ts';
import type { Command } from '../../src/core/lifecycle/index.ts';
import type { ContactMethod, Grade, ResultClass, SuggestionAggregate } from '../../src/core/model.ts';
import type { Directory } from '../../src/core/directory.ts';
import { buildRuntime } from '../../src/runtimes/node/build-runtime.ts';
import { dispatch, type DispatchResult } from '../../src/app/dispatch.ts';
import { importSuggestions } from '../../src/app/import/import-suggestions.ts';
import { computeStats } from '../../src/app/stats.ts';
import type { StatsOptions } from '../../src/core/stats/compute.ts';
import type { StatsFilters } from '../../src/core/stats/filters.ts';
import { loadAggregate } from '../../src/adapters/sqlite/aggregate-store.ts';
import { loadDirectory } from '../../src/adapters/sqlite/directory-store.ts';
import * as schema from '../../src/adapters/sqlite/schema.ts';
import { tempDir } from './world.ts';

export const SESSION = '市六届人大二次会议';
export const SUPERVISOR = 'ou_supervisor_0001';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Units u001… with one head and one liaison each, deputies d001… */
export function makeDirectory(unitNames: string[], deputyCount: number): Directory {
  return {
    units: unitNames.map((name, i) => {
      const id = `u${pad(i + 1, 3)}`;
      return { id, name, head: `ou_head_${id}`, liaisons: [`ou_liaison_${id}`] };
    }),
    deputies: Array.from({ length: deputyCount }, (_, i) => ({ id: `d${pad(i + 1, 3)}`, name: `代表${pad(i + 1, 3)}`, open_id: `ou_deputy_d${pad(i + 1, 3)}` })),
    supervisors: [SUPERVISOR],
    leaders: [],
  };
}

export const liaison = (unitId: string) => `ou_liaison_${unitId}`;
export const head = (unitId: string) => `ou_head_${unitId}`;
export const deputyOf = (deputyId: string) => `ou_deputy_${deputyId}`;

export interface AnswerSpec {
  resultClass?: ResultClass;
  public?: boolean;
  privateReason?: string;
  commitments?: Array<{ dueOn: string; content: string }>;
  summary?: string;
}

/** `env` adds settings such as DUBAN_POLICY (a built-in profile's name) to the runtime's environment. */
export function statsWorld(directory: Directory, start: string, env: Record<string, string> = {}) {
  const path = join(tempDir('duban-stats-'), 'duban.db');
  let now = new Date(start);
  const clock = () => now;
  const runtime = buildRuntime({ DATABASE_PATH: path, LOG_LEVEL: 'silent', ...env }, clock);
  const { db } = runtime;
  loadDirectory(db, directory);
  const deps = { db, clock, timeZone: runtime.config.timeZone, deadlines: { policy: runtime.policy, calendar: runtime.calendar, timeZone: runtime.config.timeZone } };

  const w = {
    runtime,
    db,
    path,
    setNow(iso: string) {
      now = new Date(iso);
    },
    today: () => localDate(now, runtime.config.timeZone),
    /** Imports rows (English field names of SPEC §8) through the real import; every row must import. */
    importRows(rows: Array<Record<string, unknown>>) {
      const report = importSuggestions(
        db,
        rows.map((values, i) => ({ row: i + 2, values: { session: SESSION, kind: 'suggestion', timing: 'session', ...values } })),
        { source: 'cli', actor: 'system:cli', now, today: w.today() },
      );
      if (report.rejected.length) throw new Error(`rows rejected: ${JSON.stringify(report.rejected)}`);
      return report;
    },
    suggestionId(number: string, session = SESSION): string {
      const row = db
        .select({ id: schema.suggestions.id, session: schema.suggestions.session, number: schema.suggestions.number })
        .from(schema.suggestions)
        .all()
        .find((s) => s.session === session && s.number === number);
      if (!row) throw new Error(`no suggestion ${session} ${number}`);
      return row.id;
    },
    aggregate(number: string, session = SESSION): SuggestionAggregate {
      return loadAggregate(db, w.suggestionId(number, session))!;
    },
    /** The live assignment of a unit on a suggestion. */
    assignmentId(number: string, unitId: string, session = SESSION): string {
      const a = w.aggregate(number, session).assignments.find((x) => x.unitId === unitId && x.state !== 'withdrawn');
      if (!a) throw new Error(`no live assignment of ${unitId} on ${number}`);
      return a.id;
    },
    /** Every live assignment id, by "number/unit", in one query (for big datasets). */
    liveAssignments(): Map<string, string> {
      const numbers = new Map(db.select({ id: schema.suggestions.id, number: schema.suggestions.number }).from(schema.suggestions).all().map((s) => [s.id, s.number]));
      const out = new Map<string, string>();
      for (const a of db.select().from(schema.assignments).all()) {
        if (a.state !== 'withdrawn') out.set(`${numbers.get(a.suggestionId)}/${a.unitId}`, a.id);
      }
      return out;
    },
    act(actor: string, command: Command): DispatchResult {
      return dispatch(deps, { actor, command, source: 'card' });
    },
    /** Runs many commands in one outer transaction (each dispatch becomes a savepoint). */
    batch<T>(fn: () => T): T {
      return db.$client.transaction(fn)();
    },

    sign(assignmentId: string, unitId: string) {
      return w.act(liaison(unitId), { type: 'sign', assignmentId });
    },
    /** Records a contact as the unit's liaison and, when `confirmBy` is given, has that deputy confirm it. */
    contact(assignmentId: string, unitId: string, method: ContactMethod, date: string, confirmBy?: string) {
      const { aggregate } = w.act(liaison(unitId), { type: 'record_contact', assignmentId, method, date, note: `${method} ${date}` });
      const contact = aggregate.contacts.filter((c) => c.assignmentId === assignmentId).at(-1)!;
      if (confirmBy) w.act(deputyOf(confirmBy), { type: 'confirm_contact', contactId: contact.id });
      return contact.id;
    },
    submitAnswer(assignmentId: string, unitId: string, spec: AnswerSpec = {}): string {
      const isPublic = spec.public ?? true;
      const { aggregate } = w.act(liaison(unitId), {
        type: 'submit_answer',
        assignmentId,
        resultClass: spec.resultClass ?? 'A',
        summary: spec.summary ?? '已采纳并落实',
        public: isPublic,
        privateReason: isPublic ? undefined : (spec.privateReason ?? '涉及个人信息'),
        commitments: spec.commitments ?? [],
      });
      return aggregate.answers.find((x) => x.assignmentId === assignmentId && x.status === 'pending_approval')!.id;
    },
    approve(answerId: string, unitId: string) {
      return w.act(head(unitId), { type: 'approve_answer', answerId });
    },
    returnAnswer(answerId: string, unitId: string, reason = '请补充办理措施') {
      return w.act(head(unitId), { type: 'return_answer', answerId, reason });
    },
    /** Submits and approves an answer; returns its id. */
    answer(assignmentId: string, unitId: string, spec: AnswerSpec = {}): string {
      const id = w.submitAnswer(assignmentId, unitId, spec);
      w.approve(id, unitId);
      return id;
    },
    evaluate(answerId: string, deputyId: string, grade: Grade) {
      return w.act(deputyOf(deputyId), { type: 'evaluate', answerId, grade, comment: grade === 'unsatisfied' ? '措施不具体' : '' });
    },
    stats(filters: StatsFilters = {}, options: StatsOptions = {}) {
      return computeStats(runtime, filters, options);
    },
    close() {
      db.$client.close();
    },
  };
  return w;
}

export type StatsWorld = ReturnType<typeof statsWorld>;
