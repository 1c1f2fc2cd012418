/**
 * The Cloudflare Workers entry (SPEC §11): routes `/lark/events`, `/api/*` and `/healthz` to the
 * tenant's Durable Object (under `/t/<tenant>/…` when several tenants are configured), and on
 * every minute's Cron Trigger (UTC) asks each tenant's object to run the jobs its own schedules
 * call for at that minute in its own time zone.
 */
import { VERSION } from '../../app/version.ts';
import { ADMIN_BODY_LIMIT } from '../../transports/http/app.ts';
import { readAtMost } from '../../transports/http/raw-request.ts';
import { jobsDueAt } from '../../transports/schedule/scheduled-jobs.ts';
import { consoleLogger } from './console-logger.ts';
import { TenantObject, type WorkerEnv } from './tenant-object.ts';
import { routeOf, tenantConfig, tenantsOf, TenantConfigError } from './tenants.ts';

export { TenantObject };

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
const problem = (status: number, code: string, message: string) => json({ error: { code, message } }, status);

/**
 * The request for the tenant's object, its body already read. Forwarded as a stream, a body the
 * object refuses unread (a 413 on its Content-Length, a bad webhook request) would still be piped
 * from the client after the answer has gone, which fails the Worker ("Can't read from request
 * stream after response has been sent") and loses the requests that follow; and a body left half
 * read leaves the client's kept-alive connection stuck behind it. So the whole body is read first;
 * one byte past the largest any route takes is kept (the rest is dropped), so a longer body
 * arrives cut there and the app refuses it as too large, exactly as on Node.
 */
async function forwardable(url: URL, request: Request): Promise<Request> {
  if (!request.body) return new Request(url, request);
  const headers = new Headers(request.headers);
  headers.delete('content-length'); // the runtime sets it for the bytes forwarded
  return new Request(url, { method: request.method, headers, body: await readAtMost(request.body, ADMIN_BODY_LIMIT + 1, { drainRest: true }) });
}

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
    return stub.fetch(await forwardable(url, request));
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
