/**
 * Serves /open-apis/* as Lark does. Every call passes, in order: request counting → fault
 * injection → bearer token check → the app rate limit of its API (tier 4) → the endpoint's own
 * rules (its handler); a LarkError becomes Lark's error envelope, logged as refused.
 */
import type { Context, Hono } from 'hono';
import type { FaultRegistry } from '../faults.ts';
import { newLogId } from '../ids.ts';
import { LarkError, type FakeCore } from './fake-core.ts';
import { ROUTES } from './routes.ts';
import { isValidToken } from './tokens.ts';

export function serveOpenApi(app: Hono, core: FakeCore, faults: FaultRegistry): void {
  const { state, limits, limiter } = core;

  const refuse = (c: Context, method: string, path: string, logId: string, error: LarkError) => {
    state.refused.push({ at: core.now(), method, path, status: error.httpStatus, code: error.code, msg: error.message, logId });
    for (const [name, value] of Object.entries(error.extra.headers ?? {})) c.header(name, value);
    return c.json(
      {
        code: error.code,
        msg: error.message,
        error: {
          ...error.extra.error,
          log_id: logId,
          troubleshooter: `排查建议查看(Troubleshooting suggestions): https://open.feishu.cn/search?from=openapi&log_id=${logId}&code=${error.code}`,
        },
      },
      error.httpStatus as 400,
    );
  };

  app.all('/open-apis/*', async (c) => {
    const method = c.req.method.toUpperCase();
    const url = new URL(c.req.url);
    const path = url.pathname;
    const logId = newLogId();
    c.header('X-Tt-Logid', logId);

    const matched = ROUTES.map((r) => ({ r, m: r.method === method ? r.pattern.exec(path) : null })).find((x) => x.m);
    const key = matched ? `${method} ${matched.r.template}` : `${method} ${path}`;
    state.requests.set(key, (state.requests.get(key) ?? 0) + 1);

    const fault = faults.take(method, path);
    // The whole request has arrived before Lark takes its time: a slow call whose caller goes away
    // during the delay is still performed, as Lark would (the case the idempotency uuid is for).
    // The SDK sends `{}` even on GET; bodies of GET requests are ignored.
    const raw = method === 'GET' ? '' : await c.req.text();
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    const faultAnswer = () => {
      const status = fault!.status!;
      const rateLimited = status === 429;
      const body = fault!.body ?? {
        code: rateLimited ? 99991400 : -1,
        msg: rateLimited ? 'request trigger frequency limit' : `sandbox fault: HTTP ${status}`,
        error: { log_id: logId },
      };
      const headers: Record<string, string> = {
        ...(rateLimited && { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '1' }),
        ...fault!.headers,
      };
      const code = (body as { code?: unknown }).code;
      state.refused.push({
        at: core.now(),
        method,
        path,
        status,
        code: typeof code === 'number' ? code : undefined,
        msg: 'injected fault',
        logId,
      });
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json; charset=utf-8', 'X-Tt-Logid': logId, ...headers },
      });
    };
    if (fault?.status !== undefined && fault.mode === 'replace') return faultAnswer();

    if (!matched) {
      state.refused.push({ at: core.now(), method, path, status: 404, code: undefined, msg: '404 page not found', logId });
      return c.text('404 page not found', 404);
    }
    const { r, m } = matched;

    try {
      if (r.auth) {
        const authorization = c.req.header('authorization');
        if (!authorization) {
          throw new LarkError(99991661, 'Missing access token for authorization. Please make a request with token attached.');
        }
        const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
        if (!token || !isValidToken(core, token)) throw new LarkError(99991663, 'Invalid access token for authorization');
      }
      if (limits.enabled) {
        const admission = limiter.tryAcquire(
          `app:${key}`,
          [
            { limit: limits.appPerSecond, windowMs: 1000 },
            { limit: limits.appPerMinute, windowMs: 60_000 },
          ],
          core.now(),
        );
        if (!admission.ok) {
          throw new LarkError(99991400, 'request trigger frequency limit', 429, {
            headers: {
              'x-ogw-ratelimit-limit': String(admission.limit),
              'x-ogw-ratelimit-reset': String(Math.max(1, Math.ceil(admission.retryAfterMs / 1000))),
            },
          });
        }
      }
      let body: Record<string, unknown> = {};
      if (raw.trim() !== '') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          throw new LarkError(9499, 'Bad Request: the body is not valid JSON');
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          throw new LarkError(9499, 'Bad Request: the body is not a JSON object');
        }
        body = parsed as Record<string, unknown>;
      }
      const params = Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m![i + 1]!)]));
      const output = r.handle(core, { params, query: url.searchParams, body });
      if (fault?.status !== undefined) return faultAnswer(); // mode 'after': applied, answer lost
      return c.json({ code: 0, msg: output.msg ?? 'success', ...(output.data !== undefined && { data: output.data }), ...output.top });
    } catch (error) {
      if (error instanceof LarkError) return refuse(c, method, path, logId, error);
      throw error;
    }
  });
}
