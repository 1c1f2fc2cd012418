/**
 * A test-only Worker (test/workers/wrangler.toml; never part of duban's bundle): runs the store
 * contract cases (test/contract/store-cases.ts) on a Durable Object's own SQLite, through drizzle's
 * durable-sqlite driver and migrated with the migrations the real Worker bundles, as
 * src/runtimes/workers/tenant-object.ts does.
 *
 * `GET /cases` lists the cases; `POST /cases/<name>` runs one on a fresh object and answers its
 * outcome as JSON (`{ returns }`, or `{ throws: { name, message, code? } }`).
 */
import { DurableObject } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/durable-sqlite';
import { migrate } from 'drizzle-orm/durable-sqlite/migrator';
import type { SqliteDb } from '../../src/adapters/sqlite/db.ts';
import * as schema from '../../src/adapters/sqlite/schema.ts';
import { MIGRATIONS } from '../../src/runtimes/workers/migrations.ts';
import directoryYaml from '../fixtures/directory.yaml';
import { caseWorld, errorJson, runCase, type CaseOutcome } from '../contract/case-kit.ts';
import { STORE_CASES, storeCase } from '../contract/store-cases.ts';

interface ContractEnv {
  CONTRACT: DurableObjectNamespace<ContractObject>;
}

const world = caseWorld(directoryYaml);

export class ContractObject extends DurableObject<ContractEnv> {
  private readonly db: SqliteDb;

  constructor(ctx: DurableObjectState, env: ContractEnv) {
    super(ctx, env);
    this.db = drizzle(ctx.storage, { schema });
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(this.db as Parameters<typeof migrate>[0], MIGRATIONS);
    });
  }

  async run(name: string): Promise<CaseOutcome> {
    const found = storeCase(name);
    if (!found) return { throws: { name: 'UnknownCase', message: `no case named ${name}` } };
    return runCase(found, this.db, world);
  }
}

export default {
  async fetch(request: Request, env: ContractEnv): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (request.method === 'GET' && pathname === '/cases') return Response.json(STORE_CASES.map((c) => c.name));
    const match = /^\/cases\/(.+)$/.exec(pathname);
    if (request.method !== 'POST' || !match) return Response.json({ error: 'POST /cases/<name>' }, { status: 404 });
    try {
      // A fresh object (and database) for every run.
      const stub = env.CONTRACT.get(env.CONTRACT.idFromName(crypto.randomUUID()));
      return Response.json(await stub.run(decodeURIComponent(match[1]!)));
    } catch (error) {
      return Response.json({ throws: errorJson(error) }, { status: 500 });
    }
  },
} satisfies ExportedHandler<ContractEnv>;
