/**
 * The HTTP application, independent of the runtime that serves it (@hono/node-server on Node, a
 * tenant's Durable Object on Workers): /healthz, the Lark webhook and the admin API (SPEC §6, §7).
 * It imports no database driver: the runtime hands it the application context and its choices.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { MessageRecorder } from '../../adapters/sqlite/message-store.ts';
import type { AppContext } from '../../app/context.ts';
import { health, type LarkEventsStatus } from '../../app/health.ts';
import { createEventHandlers } from '../lark/event-handlers.ts';
import { larkWebhook } from '../lark/webhook.ts';
import { adminAuth } from './admin-auth.ts';
import { adminRoutes } from './admin-routes.ts';
import { errorBody, HttpError, sendError } from './errors.ts';
import type { RawRequestReader } from './raw-request.ts';
import { reportRoutes } from './report-routes.ts';
import { openApiDocument } from './openapi.ts';
import { VERSION } from '../../app/version.ts';
import { createLongWork, type LongWork } from '../../app/long-work.ts';
import { CLI_IMPORT_PATH, cliImportRoutes } from './cli-import-routes.ts';

/** A suggestions import of a few thousand rows fits well within this; the largest body any route takes. */
export const ADMIN_BODY_LIMIT = 20 * 1024 * 1024;

export interface HttpDeps {
  context: AppContext;
  /** How the webhook commits the messages it stores (group commit on Node). */
  messages: MessageRecorder;
  /** Called when a request queued Lark calls in the outbox, so the runtime delivers them soon. */
  onQueued?: (() => void) | undefined;
  /** How the webhook reads a request (the Fetch API unless the runtime has a faster way). */
  readRequest?: RawRequestReader | undefined;
  /** How Lark's events arrive now, for /healthz (the runtime holds any long connection); webhook when absent. */
  larkEvents?: (() => LarkEventsStatus) | undefined;
  /** Long admin work (imports) in progress, which the runtime's outbox paces itself by; one of its own when absent. */
  longWork?: LongWork | undefined;
  /**
   * The token of the server file beside the database (Node): with it, `duban import suggestions`
   * hands its rows to this server (cli-import-routes.ts). Absent: no such route.
   */
  cliImportToken?: string | undefined;
}

export function createApp(deps: HttpDeps): Hono {
  const { context: ctx } = deps;
  const app = new Hono();
  const onQueued = deps.onQueued ?? (() => {});

  app.get('/healthz', (c) => {
    const status = health(ctx, deps.larkEvents?.());
    return c.json(status, status.ok ? 200 : 503);
  });

  app.use(
    '/api/*',
    bodyLimit({
      maxSize: ADMIN_BODY_LIMIT,
      // The rest of the body is never read: close the connection rather than leave it half-read
      // (a client reusing it would wait for ever), as the webhook does.
      onError: (c) => c.json(errorBody('payload_too_large', `The request body is larger than ${ADMIN_BODY_LIMIT} bytes`), 413, { Connection: 'close' }),
    }),
  );
  app.use('/api/*', adminAuth(ctx.config.adminToken));
  const longWork = deps.longWork ?? createLongWork();
  app.route('/api', adminRoutes(ctx, onQueued, longWork));
  if (deps.cliImportToken) {
    app.use(CLI_IMPORT_PATH, bodyLimit({ maxSize: ADMIN_BODY_LIMIT, onError: (c) => c.json(errorBody('payload_too_large', `The request body is larger than ${ADMIN_BODY_LIMIT} bytes`), 413, { Connection: 'close' }) }));
    app.route('/', cliImportRoutes(ctx, deps.cliImportToken, longWork, onQueued));
  }
  app.route('/api', reportRoutes(ctx));
  let described: ReturnType<typeof openApiDocument> | undefined;
  app.get('/api/openapi.json', (c) => c.json((described ??= openApiDocument(VERSION))));

  const handlers = createEventHandlers({ context: ctx, messages: deps.messages, onQueued });
  app.route(
    '/lark/events',
    larkWebhook({
      encryptKey: ctx.config.lark.encryptKey,
      verificationToken: ctx.config.lark.verificationToken,
      logger: ctx.logger,
      now: ctx.clock,
      handle: (envelope) => handlers.handle(envelope),
      readRequest: deps.readRequest,
    }),
  );

  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) => {
    if (!(error instanceof HttpError) && !(error as { code?: unknown }).code) {
      ctx.logger.error({ err: error, path: c.req.path }, 'unhandled error');
    } else {
      ctx.logger.info({ path: c.req.path, code: (error as { code?: string }).code, message: error.message }, 'request refused');
    }
    return sendError(c, error);
  });
  return app;
}
