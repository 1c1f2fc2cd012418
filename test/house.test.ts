/**
 * The house's rules (README "How the code is arranged"), read from the import statements of every
 * file under src/: each floor uses only the floors below it (runtimes → transports → app →
 * adapters → core), the core imports nothing outside itself, no transport touches the database,
 * and only the runtimes know which SQLite they hold.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const FLOORS = ['core', 'adapters', 'app', 'transports', 'runtimes'] as const;
type Floor = (typeof FLOORS)[number];

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

interface Import {
  file: string;
  specifier: string;
  /** The src/ path it points at, for a relative import. */
  target?: string;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
    const specifier = (m[1] ?? m[2] ?? m[3])!;
    const rel = relative(SRC, file);
    found.push({ file: rel, specifier, ...(specifier.startsWith('.') && { target: relative(SRC, resolve(dirname(file), specifier)) }) });
  }
  return found;
}

const all = files(SRC).flatMap(importsOf);
const floorOf = (path: string): Floor | 'sandbox' | 'outside' => {
  if (path.startsWith('..')) return 'outside';
  const top = path.split('/')[0]!;
  return (FLOORS as readonly string[]).includes(top) ? (top as Floor) : top === 'sandbox' ? 'sandbox' : 'outside';
};
const rank = (floor: Floor) => FLOORS.indexOf(floor);
const show = (list: Import[]) => list.map((i) => `${i.file} → ${i.target ?? i.specifier}`);

describe('the house', () => {
  it('has every file under src/ on a floor (or in the Lark sandbox)', () => {
    const stray = files(SRC).map((f) => relative(SRC, f)).filter((f) => floorOf(f) === 'outside');
    expect(stray).toEqual([]);
  });

  it('runs every relative import downward or sideways: runtimes → transports → app → adapters → core', () => {
    const upward = all.filter((i) => {
      const from = floorOf(i.file);
      if (!i.target || from === 'sandbox' || from === 'outside') return false;
      const to = floorOf(i.target);
      if (to === 'outside') return !/^\.\.\/(cards\/|migrations\/|package\.json$)/.test(i.target);
      if (to === 'sandbox') return from !== 'runtimes';
      return rank(to) > rank(from);
    });
    expect(show(upward)).toEqual([]);
  });

  it('keeps the core pure: no import outside src/core but zod and the holiday data', () => {
    const out = all.filter((i) => floorOf(i.file) === 'core' && (i.target ? floorOf(i.target) !== 'core' : !['zod', 'chinese-days'].includes(i.specifier.split('/')[0]!)));
    expect(show(out)).toEqual([]);
  });

  it('keeps the database out of the transports: no drizzle, no schema, no store', () => {
    const touching = all.filter((i) => floorOf(i.file) === 'transports' && (i.specifier.startsWith('drizzle-orm') || i.target?.startsWith('adapters/sqlite/')) && !isTypeOnly(i));
    expect(show(touching)).toEqual([]);
  });

  it('lets only the runtimes name a SQLite driver', () => {
    const drivers = all.filter((i) => /^(better-sqlite3|drizzle-orm\/(better-sqlite3|durable-sqlite)|cloudflare:)/.test(i.specifier) && !isTypeOnly(i));
    expect(show(drivers.filter((i) => floorOf(i.file) !== 'runtimes'))).toEqual([]);
  });
});

/** `import type` brings no code: a transport may name a store's types (e.g. MessageRecorder). */
function isTypeOnly(i: Import): boolean {
  const text = readFileSync(join(SRC, i.file), 'utf8');
  return new RegExp(`import\\s+type\\s[^;]*?['"]${i.specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}['"]`).test(text);
}
