/**
 * A real duban database for tests: a fresh SQLite file in a temp directory, real migrations, the
 * sample directory and suggestions loaded through the real import code, and a movable clock.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openDatabase, type NodeDb } from '../../src/runtimes/node/open-database.ts';
import { DomainError, type DomainErrorCode } from '../../src/core/errors.ts';
import type { Command } from '../../src/core/lifecycle/index.ts';
import { parseDirectory } from '../../src/app/import/read-directory.ts';
import { readTable } from '../../src/transports/cli/read-table.ts';
import { loadAggregate } from '../../src/adapters/sqlite/aggregate-store.ts';
import { auditOfSuggestion } from '../../src/adapters/sqlite/audit-store.ts';
import { loadDirectory } from '../../src/adapters/sqlite/directory-store.ts';
import { dispatch, type DispatchRequest } from '../../src/app/dispatch.ts';
import { importSuggestions } from '../../src/app/import/import-suggestions.ts';
import { and, eq } from 'drizzle-orm';
import * as schema from '../../src/adapters/sqlite/schema.ts';

export const FIXTURES = new URL('../fixtures/', import.meta.url);
export const fixturePath = (name: string) => new URL(name, FIXTURES).pathname;

export function tempDir(prefix = 'duban-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function freshDb(): { db: NodeDb; path: string } {
  const path = join(tempDir(), 'duban.db');
  return { db: openDatabase(path), path };
}

/** The sample directory, by role, for readable tests. */
export const directory = parseDirectory(readFileSync(fixturePath('directory.yaml'), 'utf8'));
export const unit = (id: string) => {
  const u = directory.units.find((x) => x.id === id);
  if (!u) throw new Error(`no unit ${id} in the fixture`);
  return { head: u.head, liaison: u.liaisons[0]!, liaisons: u.liaisons };
};
export const deputy = (id: string) => {
  const d = directory.deputies.find((x) => x.id === id);
  if (!d) throw new Error(`no deputy ${id} in the fixture`);
  return d.open_id;
};
export const supervisor = directory.supervisors[0]!;

export async function sampleWorld(start = '2026-02-10T01:00:00Z') {
  const { db, path } = freshDb();
  let now = new Date(start);
  const clock = () => now;
  loadDirectory(db, directory);
  const rows = await readTable(readFileSync(fixturePath('suggestions.csv')), 'csv');
  const report = importSuggestions(db, rows, { source: 'cli', actor: 'system:cli', now, today: '2026-02-10' });
  const deps = { db, clock, timeZone: 'Asia/Shanghai' };

  const world = {
    db,
    path,
    report,
    setNow(iso: string) {
      now = new Date(iso);
    },
    suggestionId(number: string) {
      const row = db.select().from(schema.suggestions).where(and(eq(schema.suggestions.session, '市六届人大二次会议'), eq(schema.suggestions.number, number))).get();
      if (!row) throw new Error(`no suggestion ${number}`);
      return row.id;
    },
    aggregate(number: string) {
      return loadAggregate(db, world.suggestionId(number))!;
    },
    assignment(number: string, unitId: string) {
      const a = world.aggregate(number).assignments.find((x) => x.unitId === unitId && x.state !== 'withdrawn');
      if (!a) throw new Error(`no live assignment of ${unitId} on ${number}`);
      return a;
    },
    act(actor: DispatchRequest['actor'], command: Command, source: DispatchRequest['source'] = 'card') {
      return dispatch(deps, { actor, command, source });
    },
    /** Asserts a refusal with `code`, that nothing changed, and that the refusal was audited. */
    expectRefused(number: string, actor: DispatchRequest['actor'], command: Command, code: DomainErrorCode, messagePart?: string) {
      const before = world.aggregate(number);
      const auditBefore = auditOfSuggestion(db, before.suggestion.id).length;
      let caught: unknown;
      try {
        world.act(actor, command);
      } catch (error) {
        caught = error;
      }
      expect(caught, `${command.type} should be refused`).toBeInstanceOf(DomainError);
      const error = caught as DomainError;
      expect(error.code).toBe(code);
      if (messagePart) expect(error.zh).toContain(messagePart);
      expect(world.aggregate(number)).toEqual(before);
      const audit = auditOfSuggestion(db, before.suggestion.id);
      expect(audit).toHaveLength(auditBefore + 1);
      expect(audit.at(-1)).toMatchObject({ outcome: 'refused', action: command.type, message: error.zh });
      return error;
    },
  };
  return world;
}
