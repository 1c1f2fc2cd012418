/**
 * The HTTP application, independent of the runtime that serves it: Node's @hono/node-server
 * today, Workers later. Routes: /healthz and the admin API (SPEC §7).
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { databaseHealth } from '../db/open-database.ts';
import type { Runtime } from '../runtime.ts';
import { adminAuth } from './admin-auth.ts';
import { adminRoutes } from './admin-routes.ts';
import { errorBody, HttpError, sendError } from './errors.ts';

/** A suggestions import of a few thousand rows fits well within this. */
const ADMIN_BODY_LIMIT = 20 * 1024 * 1024;

export function createApp(runtime: Runtime): Hono {
  const app = new Hono();

  app.get('/healthz', (c) => {
    const db = databaseHealth(runtime.db);
    return c.json({ ok: db === 'ok', version: runtime.version, db }, db === 'ok' ? 200 : 503);
  });

  app.use(
    '/api/*',
    bodyLimit({
      maxSize: ADMIN_BODY_LIMIT,
      onError: (c) => c.json(errorBody('payload_too_large', `The request body is larger than ${ADMIN_BODY_LIMIT} bytes`), 413),
    }),
  );
  app.use('/api/*', adminAuth(runtime.config.adminToken));
  app.route('/api', adminRoutes(runtime));

  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) => {
    if (!(error instanceof HttpError) && !(error as { code?: unknown }).code) {
      runtime.logger.error({ err: error, path: c.req.path }, 'unhandled error');
    } else {
      runtime.logger.info({ path: c.req.path, code: (error as { code?: string }).code, message: error.message }, 'request refused');
    }
    return sendError(c, error);
  });
  return app;
}
