/**
 * The store contract (issue 9): the cases of test/contract/store-cases.ts, each on a fresh
 * database of both drivers duban runs on, held to the same expectation — better-sqlite3 here
 * (a temp file, `openDatabase`), a Durable Object's SQLite through the test-only Worker
 * test/workers/contract-worker.ts under `wrangler dev` (one POST per case).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/runtimes/node/open-database.ts';
import { startWranglerDev, type WranglerDev } from '../src/runtimes/node/wrangler-dev.ts';
import { caseWorld, runCase, type CaseOutcome, type StoreCase } from './contract/case-kit.ts';
import { STORE_CASES } from './contract/store-cases.ts';
import { fixturePath, tempDir } from './support/world.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Driver {
  run(c: StoreCase): Promise<CaseOutcome>;
  stop(): Promise<void>;
}

/** One describe per driver, generated from the same case list; `more` adds a driver's own tests. */
function contract(driver: string, start: () => Promise<Driver>, more?: () => void) {
  describe(`the store contract on ${driver}`, () => {
    let running: Driver | undefined;
    beforeAll(async () => {
      running = await start();
    });
    afterAll(async () => {
      await running?.stop();
    });
    for (const c of STORE_CASES) {
      it(c.name, async () => {
        const outcome = await running!.run(c);
        if ('returns' in c.expected) expect(outcome).toEqual(c.expected);
        else expect(outcome).toMatchObject(c.expected);
      });
    }
    more?.();
  });
}

contract('better-sqlite3', async () => {
  const dir = tempDir('duban-contract-');
  const world = caseWorld(readFileSync(fixturePath('directory.yaml'), 'utf8'));
  let n = 0;
  return {
    async run(c) {
      const db = openDatabase(join(dir, `case-${++n}.db`));
      try {
        return await runCase(c, db, world);
      } finally {
        db.$client.close();
      }
    },
    async stop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

let worker: WranglerDev | undefined;
const workerLog: string[] = [];

contract(
  'a Durable Object (wrangler dev)',
  async () => {
    const persistTo = tempDir('duban-contract-do-');
    worker = await startWranglerDev({
      cwd: ROOT,
      config: 'test/workers/wrangler.toml',
      port: 0,
      persistTo,
      vars: {},
      onLine: (line) => workerLog.push(line),
      timeoutMs: 45_000,
    });
    const url = worker.url;
    return {
      async run(c) {
        const response = await fetch(`${url}/cases/${encodeURIComponent(c.name)}`, { method: 'POST' });
        if (!response.ok) throw new Error(`POST /cases/${c.name}: ${response.status}\n${await response.text()}\n${workerLog.slice(-20).join('\n')}`);
        return (await response.json()) as CaseOutcome;
      },
      async stop() {
        await worker?.stop();
        rmSync(persistTo, { recursive: true, force: true });
      },
    };
  },
  () => {
    it('runs the same list of cases', async () => {
      const names = (await (await fetch(`${worker!.url}/cases`)).json()) as string[];
      expect(names).toEqual(STORE_CASES.map((c) => c.name));
    });
  },
);
