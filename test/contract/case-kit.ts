/**
 * What the store contract cases (store-cases.ts) are made of, shared by both runners: a case runs
 * on a fresh, migrated database of either driver and returns plain JSON; the runners compare it
 * with the case's one expectation. Nothing here may import Node or vitest: it is bundled into the
 * test Worker (test/workers/contract-worker.ts) too.
 */
import { sql } from 'drizzle-orm';
import type { SqliteDb } from '../../src/adapters/sqlite/db.ts';
import { loadDirectory } from '../../src/adapters/sqlite/directory-store.ts';
import { parseDirectory } from '../../src/app/import/read-directory.ts';
import { importSuggestions, type ImportReport } from '../../src/app/import/import-suggestions.ts';
import type { RawRow } from '../../src/app/import/suggestion-row.ts';
import type { Directory } from '../../src/core/directory.ts';

/** 09:00 in Shanghai on a working day (a Tuesday), the day the sample suggestions were assigned. */
export const NOW = new Date('2026-02-10T01:00:00.000Z');
export const TODAY = '2026-02-10';

/** What every case is given besides its database. */
export interface CaseWorld {
  now: Date;
  /** test/fixtures/directory.yaml, parsed. */
  directory: Directory;
}

export function caseWorld(directoryYaml: string): CaseWorld {
  return { now: NOW, directory: parseDirectory(directoryYaml) };
}

export interface ErrorJson {
  name: string;
  message: string;
  /** A DomainError's code. */
  code?: string;
}

/** What a case gave, as JSON: the same shape from either driver (and over HTTP from the Worker). */
export type CaseOutcome = { returns: unknown } | { throws: ErrorJson };

export interface StoreCase {
  name: string;
  run(db: SqliteDb, world: CaseWorld): unknown;
  /** `throws` is matched partly (a message may name the driver); `returns` exactly. */
  expected: { returns: unknown } | { throws: Partial<ErrorJson> };
}

/** A case that returns; `expected` is what it returns, as JSON. */
export const returning = <T>(name: string, run: (db: SqliteDb, world: CaseWorld) => T | Promise<T>, expected: NoInfer<T>): StoreCase => ({
  name,
  run,
  expected: { returns: expected },
});

/** A case whose error reaches the runner (a refusal a caller sees). */
export const throwing = (name: string, run: (db: SqliteDb, world: CaseWorld) => unknown, expected: Partial<ErrorJson>): StoreCase => ({
  name,
  run,
  expected: { throws: expected },
});

export async function runCase(c: StoreCase, db: SqliteDb, world: CaseWorld): Promise<CaseOutcome> {
  try {
    const value = await c.run(db, world);
    return { returns: value === undefined ? null : JSON.parse(JSON.stringify(value)) };
  } catch (error) {
    return { throws: errorJson(error) };
  }
}

export function errorJson(error: unknown): ErrorJson {
  if (!(error instanceof Error)) return { name: typeof error, message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: messages(error), ...(typeof code === 'string' && { code }) };
}

/** The message of an error and of its causes (a driver may wrap SQLite's own). */
export function messages(error: unknown): string {
  const out: string[] = [];
  for (let e = error; e instanceof Error && out.length < 5; e = e.cause) out.push(e.message);
  return out.join(' <- ');
}

/** Runs `body` and gives what it threw (as JSON), or null. */
export function caught(body: () => unknown): ErrorJson | null {
  try {
    body();
    return null;
  } catch (error) {
    return errorJson(error);
  }
}

/**
 * Stable names for random ids (`sg_…` → `sg#1`), numbered per prefix in the order they are first
 * seen, so a case can return which row points at which without its random id.
 */
export function idLabels(): (id: string | null | undefined) => string | null {
  const seen = new Map<string, string>();
  const counts = new Map<string, number>();
  return (id) => {
    if (id === null || id === undefined) return null;
    let label = seen.get(id);
    if (!label) {
      const prefix = id.includes('_') ? id.slice(0, id.indexOf('_')) : 'id';
      const n = (counts.get(prefix) ?? 0) + 1;
      counts.set(prefix, n);
      label = `${prefix}#${n}`;
      seen.set(id, label);
    }
    return label;
  };
}

/** The directory's people by role (`jtw.head`, `jtw.liaison2`, `d01`, `supervisor1`), for readable results. */
export function roles(directory: Directory): (openId: string) => string {
  const names = new Map<string, string>();
  const add = (openId: string, name: string) => names.set(openId, names.has(openId) ? `${names.get(openId)}+${name}` : name);
  for (const u of directory.units) {
    add(u.head, `${u.id}.head`);
    u.liaisons.forEach((l, i) => add(l, `${u.id}.liaison${i + 1}`));
  }
  for (const d of directory.deputies) add(d.open_id, d.id);
  directory.supervisors.forEach((s, i) => add(s, `supervisor${i + 1}`));
  return (openId) => names.get(openId) ?? openId;
}

/** JSON with sorted keys: equal for equal data, whatever order the columns came in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

export const count = (db: SqliteDb, table: string): number => db.get<{ n: number }>(sql`select count(*) as n from ${sql.identifier(table)}`)!.n;

/** Rows of test/fixtures/suggestions.csv (same session, numbers and columns), as the importer reads them. */
const SESSION = '市六届人大二次会议';
const SAMPLE: Record<string, Record<string, string>> = {
  '0001': {
    title: '关于优化中心城区公交线网的建议',
    body: '部分线路重复设置、换乘不便，建议结合轨道交通优化公交线网并增设微循环线路。',
    category: '交通邮电',
    lead_deputy: 'd01',
    co_deputies: 'd02、d03',
    lead_unit: 'jtw',
    co_units: 'cgj',
    key: '是',
    key_leader: '常务副市长 陈建华',
  },
  '0002': { title: '关于加快老旧小区加装电梯的建议', body: '简化审批流程，统一补贴标准，推动成片加装。', category: '城乡建设与管理', lead_deputy: 'd04', co_deputies: 'd05', lead_unit: 'zjw' },
  '0006': {
    title: '关于加强长江支流水环境治理的建议',
    body: '部分支流水质反复，建议实施一河一策并加强入河排污口监管。',
    category: '农林水利',
    lead_deputy: 'd10',
    co_deputies: 'd11',
    split_units: 'sthjj、slj',
  },
  '0024': { title: '关于某重要设施周边安全防护的建议', body: '（涉密件，正文不在群内发布）', category: '城乡建设与管理', lead_deputy: 'd17', lead_unit: 'gaj', classified: '是' },
  '0025': { title: '关于增设农村客运班线的建议', body: '部分偏远村未通客车，群众出行不便。', category: '交通邮电', lead_deputy: 'd18', lead_unit: 'jtw', timing: '闭会', assigned_on: '2026-04-15' },
};

export function sampleRows(numbers: string[]): RawRow[] {
  return numbers.map((number, i) => ({
    row: i + 2,
    values: { session: SESSION, number, kind: '建议', timing: '大会', assigned_on: '2026-02-10', key: '否', classified: '否', ...SAMPLE[number] },
  }));
}

export interface Seeded {
  report: ImportReport;
  /** The id of a sample suggestion by its number. */
  id(number: string): string;
  /** Id labels (idLabels) that start with the sample suggestions, `sg#1` and on in the order given. */
  label: ReturnType<typeof idLabels>;
}

/** The sample directory and the given sample suggestions, through the real import code. */
export function seed(db: SqliteDb, world: CaseWorld, numbers: string[] = ['0001', '0002']): Seeded {
  loadDirectory(db, world.directory);
  const report = importSuggestions(db, sampleRows(numbers), { source: 'cli', actor: 'system:cli', now: world.now, today: TODAY });
  if (report.rejected.length) throw new Error(`the sample was rejected: ${JSON.stringify(report.rejected)}`);
  const label = idLabels();
  report.items.forEach((item) => label(item.id));
  return {
    report,
    label,
    id: (number) => {
      const item = report.items.find((i) => i.number === number);
      if (!item) throw new Error(`no sample suggestion ${number}`);
      return item.id;
    },
  };
}
