/**
 * One tenant on Cloudflare Workers (SPEC §11): a Durable Object holding the tenant's own SQLite
 * (drizzle's durable-sqlite driver: synchronous and transactional like better-sqlite3, so the
 * outbox is written in the same transaction as the change). Migrations run when the object
 * starts; requests reach the same Hono app as on Node; the object's alarm drains the outbox; the
 * Worker's Cron Trigger calls `runScheduled` for the sweep and the digest.
 */
import { DurableObject } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/durable-sqlite';
import { migrate } from 'drizzle-orm/durable-sqlite/migrator';
import { createFetchLarkClient } from '../../adapters/lark/fetch-lark-client.ts';
import { createOutboxSender, type OutboxSender } from '../../adapters/lark/outbox-sender.ts';
import type { SqliteDb } from '../../adapters/sqlite/db.ts';
import { transactionalRecorder } from '../../adapters/sqlite/message-store.ts';
import { nextAttemptAt } from '../../adapters/sqlite/outbox-store.ts';
import * as schema from '../../adapters/sqlite/schema.ts';
import { composeContext, loadRules, parseInlineJson } from '../../app/compose-context.ts';
import { ConfigError } from '../../app/config.ts';
import type { AppContext } from '../../app/context.ts';
import { createApp } from '../../transports/http/app.ts';
import { runScheduledJob, type ScheduledJob } from '../../transports/schedule/scheduled-jobs.ts';
import { consoleLogger } from './console-logger.ts';
import { MIGRATIONS } from './migrations.ts';
import { DEFAULT_TENANT, tenantConfig, tenantsOf } from './tenants.ts';

export interface WorkerEnv {
  TENANT: DurableObjectNamespace<TenantObject>;
  DUBAN_TENANTS?: string;
  [variable: string]: unknown;
}

interface Running {
  context: AppContext;
  http: { fetch(request: Request): Response | Promise<Response> };
  /** Absent without Lark credentials: the calls then wait in the outbox, and the log says why. */
  sender: OutboxSender | undefined;
}

/** While rows wait (a rate limit, a retry), the alarm looks again this often at the least. */
const RETRY_POLL_MS = 250;

export class TenantObject extends DurableObject<WorkerEnv> {
  private readonly db: SqliteDb;
  private running: Running | undefined;

  constructor(ctx: DurableObjectState, env: WorkerEnv) {
    super(ctx, env);
    this.db = drizzle(ctx.storage, { schema });
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(this.db as Parameters<typeof migrate>[0], MIGRATIONS);
      // Calls queued before the object was last stopped must not wait for the next change.
      await this.armFor(nextAttemptAt(this.db));
    });
  }

  /** Built on first use: the tenant's settings are the Worker's variables (and its DUBAN_TENANTS entry). */
  private app(): Running {
    if (this.running) return this.running;
    const tenant = this.ctx.id.name ?? DEFAULT_TENANT;
    const settings = tenantsOf(this.env).get(tenant);
    if (!settings) throw new Error(`No settings for tenant "${tenant}" (DUBAN_TENANTS changed?)`);
    const config = tenantConfig(settings);
    const logger = consoleLogger(config.logLevel, { tenant });
    const clock = () => new Date();
    const context = composeContext({ config, rules: loadRules(config, parseInlineJson), db: this.db, clock, logger });
    const { appId, appSecret, baseUrl } = config.lark;
    const sender =
      appId && appSecret
        ? createOutboxSender({
            db: this.db,
            lark: createFetchLarkClient({ appId, appSecret, baseUrl, logger }),
            clock,
            logger,
            policy: context.policy,
            calendar: context.calendar,
            timeZone: config.timeZone,
            supervisorChatId: config.supervisorChatId,
          })
        : undefined;
    if (!sender) logger.error('LARK_APP_ID and LARK_APP_SECRET are not set: calls to Lark wait in the outbox until they are');
    const http = createApp({ context, messages: transactionalRecorder(this.db), onQueued: () => this.wake() });
    this.running = { context, http, sender };
    return this.running;
  }

  override async fetch(request: Request): Promise<Response> {
    let running: Running;
    try {
      running = this.app();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // The tenant cannot start: say why on every request, and in the log.
      consoleLogger('error', { tenant: this.ctx.id.name ?? DEFAULT_TENANT }).error({ problems: error.problems }, 'the tenant cannot start: invalid configuration');
      const body = { error: { code: 'invalid_configuration', message: error.message } };
      return new Response(JSON.stringify(body), { status: 500, headers: { 'content-type': 'application/json; charset=utf-8' } });
    }
    return running.http.fetch(request);
  }

  /** Runs the jobs the tenant's schedules call for at `at` (the Cron Trigger's minute). */
  async runScheduled(jobs: ScheduledJob[], at: number): Promise<void> {
    const { context } = this.app();
    for (const job of jobs) {
      try {
        await runScheduledJob(context, job, new Date(at));
      } catch (error) {
        context.logger.error({ err: error, job }, 'scheduled job failed');
      }
    }
    this.wake();
  }

  /** Delivers what is due; the alarm comes back while anything is still pending. */
  override async alarm(): Promise<void> {
    const { sender, context } = this.app();
    if (!sender) return;
    try {
      await sender.deliverDue();
    } catch (error) {
      context.logger.error({ err: error }, 'outbox delivery failed');
    }
    await this.armFor(nextAttemptAt(this.db));
  }

  /** Rows were queued: start delivering now, with the alarm as the durable backstop. */
  private wake(): void {
    const { sender } = this.app();
    if (!sender) return;
    sender.kick();
    void this.armFor(new Date());
  }

  private async armFor(due: Date | undefined): Promise<void> {
    if (!due) return;
    const at = Math.max(due.getTime(), Date.now() + RETRY_POLL_MS);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}
