/**
 * Writes a slice of checked import rows in the transaction it is given (issue 11): the directory
 * and the suggestions the rows name are read once; each new suggestion is built whole in memory —
 * its rows, its aggregate, the deadlines, its group and cards, its search document, its audit
 * entry — and the slice's new rows are inserted together, a few statements per table. A row the
 * directory or the stored suggestion refuses comes back as rejected; anything the database
 * refuses throws, and the caller writes the slice again row by row to find the row.
 */
import { eq } from 'drizzle-orm';
import type { ActionSource } from '../../core/actor.ts';
import type { NewId } from '../../core/ids.ts';
import { AGGREGATE_COLLECTIONS, type SuggestionAggregate } from '../../core/model.ts';
import { effectsOfNewSuggestion } from '../../core/effects.ts';
import type { DeadlineContext } from '../../core/deadlines/deadlines.ts';
import { loadAggregate } from '../../adapters/sqlite/aggregate-store.ts';
import { appendAudit, type AuditRecord } from '../../adapters/sqlite/audit-store.ts';
import { insertMany, rowWithDefaults, type DbOrTx } from '../../adapters/sqlite/db.ts';
import { deadlineIndexOf, defaultDeadlineContext } from '../../adapters/sqlite/deadline-index.ts';
import { followPeopleChange } from '../../adapters/sqlite/group-membership.ts';
import { readImportDirectory, storedSuggestions, type ImportDirectory, type StoredSuggestion } from '../../adapters/sqlite/import-store.ts';
import { bufferedOutboxWriter } from '../../adapters/sqlite/outbox-writer.ts';
import * as schema from '../../adapters/sqlite/schema.ts';
import { indexNewSuggestions, reindexSuggestion } from '../../adapters/sqlite/search-index.ts';
import { writeEffects } from '../../adapters/sqlite/write-effects.ts';
import { suggestionKey, type SuggestionInput } from './suggestion-row.ts';

/** What the rows of one import share. */
export interface WriteContext {
  source: ActionSource;
  actor: string;
  now: Date;
  today: string;
  newId: NewId;
  deadlines?: DeadlineContext | undefined;
}

/** A row read and checked on its own and against the rest of its file. */
export interface CheckedRow {
  row: number;
  input: SuggestionInput;
}

export type ImportOutcome = 'created' | 'updated' | 'unchanged';

export type RowResult = { row: number; number: string; session: string; id: string; outcome: ImportOutcome } | { row: number; number: string; reason: string };

export function writeSuggestions(tx: DbOrTx, rows: readonly CheckedRow[], ctx: WriteContext): RowResult[] {
  const directory = readImportDirectory(tx);
  const stored = storedSuggestions(tx, rows.map((r) => r.input), suggestionKey);
  const results: RowResult[] = [];
  const fresh: CheckedRow[] = [];
  for (const r of rows) {
    const missing = missingReferences(r.input, directory);
    if (missing) {
      results.push({ row: r.row, number: r.input.number, reason: missing });
      continue;
    }
    const existing = stored.get(suggestionKey(r.input.session, r.input.number));
    if (existing) results.push(updateSuggestion(tx, r, existing, ctx));
    else fresh.push(r);
  }
  return [...results, ...createSuggestions(tx, fresh, directory, ctx)];
}

function missingReferences(input: SuggestionInput, directory: ImportDirectory): string | undefined {
  const unknownUnits = [input.lead_unit, ...input.co_units, ...input.split_units].filter((u) => u && !directory.units.has(u));
  if (unknownUnits.length) return `未知的承办单位：${unknownUnits.join('、')}（unknown unit）`;
  const unknownDeputies = [input.lead_deputy, ...input.co_deputies].filter((d) => d && !directory.deputies.has(d));
  if (unknownDeputies.length) return `未知的代表：${unknownDeputies.join('、')}（unknown deputy）`;
  return undefined;
}

/** The assignments a row asks for, in a stable order. */
function wantedAssignments(input: SuggestionInput): Array<{ role: 'lead' | 'co' | 'split'; unitId: string }> {
  if (input.split_units.length) return input.split_units.map((unitId) => ({ role: 'split' as const, unitId }));
  return [{ role: 'lead' as const, unitId: input.lead_unit }, ...input.co_units.map((unitId) => ({ role: 'co' as const, unitId }))];
}

function wantedDeputies(input: SuggestionInput) {
  const lead = input.lead_deputy ? [{ deputyId: input.lead_deputy, role: 'lead' as const }] : [];
  return [...lead, ...input.co_deputies.map((deputyId) => ({ deputyId, role: 'co' as const }))].map((d, position) => ({ ...d, position }));
}

function descriptiveFields(input: SuggestionInput) {
  return {
    kind: input.kind,
    timing: input.timing,
    title: input.title,
    body: input.body,
    category: input.category,
    key: input.key,
    keyLeader: input.key_leader || null,
    classified: input.classified,
  };
}

/**
 * New suggestions, built whole in memory and inserted together. Each queues its group, its
 * assignment cards and its status board (outbox), has its deadlines indexed and its board's
 * light set, its search document, and one `import_created` audit entry.
 */
function createSuggestions(tx: DbOrTx, rows: readonly CheckedRow[], directory: ImportDirectory, ctx: WriteContext): RowResult[] {
  if (rows.length === 0) return [];
  const at = ctx.now.toISOString();
  const deadlineContext = ctx.deadlines ?? defaultDeadlineContext();
  const outbox = bufferedOutboxWriter(ctx.newId);
  const suggestions: Array<typeof schema.suggestions.$inferSelect> = [];
  const aggregates: SuggestionAggregate[] = [];
  const deputyLinks: Array<typeof schema.suggestionDeputies.$inferInsert> = [];
  const assignments: Array<typeof schema.assignments.$inferSelect> = [];
  const deadlines: Array<typeof schema.openDeadlines.$inferInsert> = [];
  const audit: AuditRecord[] = [];
  const results: RowResult[] = [];
  for (const { row, input } of rows) {
    const id = ctx.newId('sg');
    const assignedOn = input.assigned_on || ctx.today;
    const suggestion = rowWithDefaults(schema.suggestions, { id, session: input.session, number: input.number, ...descriptiveFields(input), assignedOn, status: 'open', version: 1, createdAt: at, updatedAt: at });
    const links = wantedDeputies(input).map((d) => ({ suggestionId: id, ...d }));
    const own = wantedAssignments(input).map((a) =>
      rowWithDefaults(schema.assignments, { id: ctx.newId('as'), suggestionId: id, unitId: a.unitId, role: a.role, state: 'pending_sign', assignedOn, createdAt: at }),
    );
    const aggregate = newAggregate(suggestion, links, own, directory);
    // The group, its assignment cards and its status board go out through the outbox.
    writeEffects(tx, aggregate, effectsOfNewSuggestion(aggregate), { now: ctx.now, outbox, directory: directory.facts });
    const index = deadlineIndexOf(aggregate, deadlineContext, ctx.today);
    suggestions.push({ ...suggestion, boardLight: index.light });
    aggregates.push(aggregate);
    deputyLinks.push(...links);
    assignments.push(...own);
    deadlines.push(...index.rows);
    audit.push({
      at,
      actor: ctx.actor,
      source: ctx.source,
      action: 'import_created',
      outcome: 'ok',
      suggestionId: id,
      subjectType: 'suggestion',
      subjectId: id,
      afterState: 'open',
      message: `${input.session} ${input.number}`,
      details: { assignments: own.map((a) => ({ id: a.id, unitId: a.unitId, role: a.role })) },
    });
    results.push({ row, number: input.number, session: input.session, id, outcome: 'created' });
  }
  // Parents before children: the foreign keys are checked row by row.
  insertMany(tx, schema.suggestions, suggestions);
  insertMany(tx, schema.suggestionDeputies, deputyLinks);
  insertMany(tx, schema.assignments, assignments);
  indexNewSuggestions(tx, aggregates);
  outbox.flush(tx);
  insertMany(tx, schema.openDeadlines, deadlines);
  appendAudit(tx, audit);
  return results;
}

/** The aggregate a new suggestion is once stored, as `loadAggregate` would read it back. */
function newAggregate(
  suggestion: SuggestionAggregate['suggestion'],
  links: Array<{ deputyId: string; role: 'lead' | 'co'; position: number }>,
  assignments: SuggestionAggregate['assignments'],
  directory: ImportDirectory,
): SuggestionAggregate {
  const aggregate = Object.fromEntries(AGGREGATE_COLLECTIONS.map((name) => [name, []])) as unknown as SuggestionAggregate;
  aggregate.suggestion = suggestion;
  aggregate.deputies = links.map((l) => ({ deputyId: l.deputyId, role: l.role, position: l.position, ...directory.deputies.get(l.deputyId)! }));
  aggregate.assignments = assignments;
  return aggregate;
}

/**
 * A row naming a stored suggestion: unchanged, or its descriptive fields and deputies updated
 * (the group follows the deputies and the leader), with one `import_updated` audit entry.
 */
function updateSuggestion(tx: DbOrTx, { row, input }: CheckedRow, stored: StoredSuggestion, ctx: WriteContext): RowResult {
  const existing = stored.suggestion;
  // The units and the assignment date are the start of every deadline and of the handling
  // itself: once assigned they change only through re-assignment, never by editing a file.
  const originalAssignments = stored.assignments.filter((a) => a.replacesAssignmentId === null);
  const assignmentKey = (list: Array<{ role: string; unitId: string }>) =>
    list
      .map((a) => `${a.role}:${a.unitId}`)
      .sort()
      .join(',');
  if (assignmentKey(originalAssignments) !== assignmentKey(wantedAssignments(input)) || (input.assigned_on && input.assigned_on !== existing.assignedOn)) {
    return { row, number: input.number, reason: '该建议已交办，承办单位和交办日期不能通过重新导入更改，请使用改办（units and assignment date of an assigned suggestion cannot change on re-import; use re-assignment）' };
  }
  const fields = descriptiveFields(input);
  const deputies = wantedDeputies(input);
  const deputyKey = (list: Array<{ deputyId: string; role: string; position: number }>) =>
    [...list]
      .sort((a, b) => a.position - b.position)
      .map((d) => `${d.role}:${d.deputyId}`)
      .join(',');
  const changed = (Object.keys(fields) as Array<keyof typeof fields>).filter((k) => existing[k] !== fields[k]);
  const deputiesChanged = deputyKey(stored.deputies) !== deputyKey(deputies);
  const unchanged = { row, number: input.number, session: input.session, id: existing.id };
  if (changed.length === 0 && !deputiesChanged) return { ...unchanged, outcome: 'unchanged' };

  const at = ctx.now.toISOString();
  // The deputies and the leader are members of the group: it follows them (SPEC §6).
  const peopleBefore = deputiesChanged || changed.includes('keyLeader') ? loadAggregate(tx, existing.id) : undefined;
  tx.update(schema.suggestions)
    .set({ ...fields, version: existing.version + 1, updatedAt: at })
    .where(eq(schema.suggestions.id, existing.id))
    .run();
  if (deputiesChanged) {
    tx.delete(schema.suggestionDeputies).where(eq(schema.suggestionDeputies.suggestionId, existing.id)).run();
    insertMany(tx, schema.suggestionDeputies, deputies.map((d) => ({ suggestionId: existing.id, ...d })));
  }
  reindexSuggestion(tx, existing.id);
  if (peopleBefore) followPeopleChange(tx, peopleBefore, loadAggregate(tx, existing.id)!, ctx.now);
  appendAudit(tx, [
    {
      at,
      actor: ctx.actor,
      source: ctx.source,
      action: 'import_updated',
      outcome: 'ok',
      suggestionId: existing.id,
      subjectType: 'suggestion',
      subjectId: existing.id,
      beforeState: existing.status,
      afterState: existing.status,
      message: `${input.session} ${input.number}`,
      details: { changed: deputiesChanged ? [...changed, 'deputies'] : changed },
    },
  ]);
  return { ...unchanged, outcome: 'updated' };
}
