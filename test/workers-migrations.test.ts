/**
 * The Worker bundles its migrations by hand (src/runtimes/workers/migrations.ts): exactly the ones
 * migrations/meta/_journal.json lists, each the text of its .sql file, under the key drizzle's
 * durable-sqlite migrator looks for (`m` and the index in four digits). A migration generated but
 * not added there fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import journal from '../migrations/meta/_journal.json' with { type: 'json' };
import { MIGRATIONS } from '../src/runtimes/workers/migrations.ts';

const FOLDER = fileURLToPath(new URL('../migrations/', import.meta.url));
const keyOf = (idx: number) => `m${String(idx).padStart(4, '0')}`;

describe('the migrations bundled into the Worker', () => {
  it('are exactly the journal’s, in its order', () => {
    expect(MIGRATIONS.journal).toEqual(journal);
    expect(Object.keys(MIGRATIONS.migrations)).toEqual(journal.entries.map((e) => keyOf(e.idx)));
  });

  it('are the text of each migration file, and every file is in the journal', () => {
    const bundled = MIGRATIONS.migrations as Record<string, string>;
    for (const entry of journal.entries) expect(bundled[keyOf(entry.idx)], entry.tag).toBe(readFileSync(`${FOLDER}${entry.tag}.sql`, 'utf8'));
    const files = readdirSync(FOLDER).filter((f) => f.endsWith('.sql'));
    expect(files.sort()).toEqual(journal.entries.map((e) => `${e.tag}.sql`).sort());
  });
});
