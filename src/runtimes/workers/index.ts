/**
 * The Cloudflare Workers entry (SPEC §11): routes `/lark/events`, `/api/*` and `/healthz` to the
 * tenant's Durable Object (under `/t/<tenant>/…` when several tenants are configured), and on
 * every minute's Cron Trigger (UTC) asks each tenant's object to run the jobs its own schedules
 * call for at that minute in its own time zone.
 */
import { VERSION } from '../../app/version.ts';
import { jobsDueAt } from '../../transports/schedule/scheduled-jobs.ts';
import { consoleLogger } from './console-logger.ts';
import { TenantObject, type WorkerEnv } from './tenant-object.ts';
import { routeOf, tenantConfig, tenantsOf, TenantConfigError } from './tenants.ts';

export { TenantObject };

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
const problem = (status: number, code: string, message: string) => json({ error: { code, message } }, status);

export default {
  async fetch(request: Request, env: WorkerEnv): Promise<Response> {
    let tenants;
    try {
      tenants = tenantsOf(env);
    } catch (error) {
      if (error instanceof TenantConfigError) return problem(500, 'invalid_tenants', error.message);
      throw error;
    }
    const url = new URL(request.url);
    if (tenants.size > 1 && url.pathname === '/healthz') return json({ ok: true, version: VERSION, tenants: [...tenants.keys()] });
    const route = routeOf(url.pathname, tenants);
    if ('error' in route) return problem(route.error.status, route.error.code, route.error.message);
    url.pathname = route.path;
    const stub = env.TENANT.get(env.TENANT.idFromName(route.tenant));
    return stub.fetch(new Request(url, request));
  },

  async scheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const at = new Date(controller.scheduledTime);
    const log = consoleLogger('info', { cron: controller.cron });
    for (const [tenant, settings] of tenantsOf(env)) {
      let jobs;
      try {
        jobs = jobsDueAt(tenantConfig(settings), at);
      } catch (error) {
        log.error({ tenant, err: error }, 'cannot read the tenant configuration; its schedule is skipped');
        continue;
      }
      if (jobs.length === 0) continue;
      log.info({ tenant, jobs, at: at.toISOString() }, 'scheduled jobs');
      ctx.waitUntil(env.TENANT.get(env.TENANT.idFromName(tenant)).runScheduled(jobs, at.getTime()));
    }
  },
} satisfies ExportedHandler<WorkerEnv>;
