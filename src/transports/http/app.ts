/**
 * The HTTP application, independent of the runtime that serves it: Node's @hono/node-server
 * today, Workers later. Routes: /healthz, the Lark webhook and the admin API (SPEC §6, §7).
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { databaseHealth } from '../../runtimes/node/open-database.ts';
import type { Runtime } from '../../app/runtime.ts';
import { adminAuth } from './admin-auth.ts';
import { adminRoutes } from './admin-routes.ts';
import { reportRoutes } from './report-routes.ts';
import { createEventHandlers } from '../lark/event-handlers.ts';
import { larkWebhook } from '../lark/webhook.ts';
import { errorBody, HttpError, sendError } from './errors.ts';

/** A suggestions import of a few thousand rows fits well within this. */
const ADMIN_BODY_LIMIT = 20 * 1024 * 1024;

export interface AppOptions {
  /** Called when a request queued Lark calls in the outbox (the Node server kicks its worker). */
  onQueued?: () => void;
}

export function createApp(runtime: Runtime, options: AppOptions = {}): Hono {
  const app = new Hono();
  const onQueued = options.onQueued ?? (() => {});

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
  app.route('/api', adminRoutes(runtime, onQueued));
  app.route('/api', reportRoutes(runtime));

  const handlers = createEventHandlers({
    db: runtime.db,
    clock: runtime.clock,
    logger: runtime.logger,
    policy: runtime.policy,
    calendar: runtime.calendar,
    timeZone: runtime.config.timeZone,
    supervisorChatId: runtime.config.supervisorChatId,
    onQueued,
  });
  app.route(
    '/lark/events',
    larkWebhook({
      encryptKey: runtime.config.lark.encryptKey,
      verificationToken: runtime.config.lark.verificationToken,
      logger: runtime.logger,
      now: runtime.clock,
      handle: (envelope) => handlers.handle(envelope),
    }),
  );

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
