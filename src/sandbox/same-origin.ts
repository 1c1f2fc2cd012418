/**
 * The sandbox acts as anyone it is asked to (it has no login: SPEC §9), so a page elsewhere must
 * not be able to make a visitor's browser press buttons or post messages through it (a
 * cross-site request forgery). Every state-changing request is refused with 403 when the browser
 * says it comes from another site: `Sec-Fetch-Site` other than same-origin / none, or an `Origin`
 * that is not the sandbox's own loopback origin (a rebound DNS name is not loopback). Requests
 * that carry neither header — the bot's SDK, tests, curl — are no browser's, and pass.
 */
import type { Hono, MiddlewareHandler } from 'hono';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Why a request is refused, or undefined when it may go on. */
export function crossOriginRefusal(method: string, requestUrl: string, headers: { get(name: string): string | null | undefined }): string | undefined {
  if (SAFE_METHODS.has(method.toUpperCase())) return undefined;
  const site = headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return `a ${site} request (Sec-Fetch-Site)`;
  const origin = headers.get('origin');
  if (origin === null || origin === undefined) return undefined;
  const own = new URL(requestUrl);
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return `an unreadable Origin ${JSON.stringify(origin)}`;
  }
  if (from.origin !== own.origin) return `a request from ${from.origin}, not ${own.origin}`;
  if (!LOOPBACK.has(from.hostname)) return `a request to ${from.hostname}, which is not the loopback interface the sandbox serves`;
  return undefined;
}

export function refuseCrossOrigin(app: Hono): void {
  const check: MiddlewareHandler = async (c, next) => {
    const why = crossOriginRefusal(c.req.method, c.req.url, c.req.raw.headers);
    if (why) return c.json({ error: `The sandbox accepts presses and posts only from its own page: refused ${why}.` }, 403);
    await next();
  };
  app.use('*', check);
}
