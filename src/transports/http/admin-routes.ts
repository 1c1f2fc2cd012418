/**
 * The admin API of SPEC §7 for the directory and the suggestions. Every route is behind the
 * bearer guard, validates its input with zod and answers errors in the SPEC §7 shape.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { systemActor } from '../../core/actor.ts';
import { localDate } from '../../core/clock.ts';
import { DirectoryFileError, validateDirectory } from '../../app/import/read-directory.ts';
import { describeIssues } from '../../core/zod-issues.ts';
import { deadlineContext, type AppContext } from '../../app/context.ts';
import { importSuggestionsInSlices } from '../../app/import/import-suggestions.ts';
import { createLongWork, SERVER_SLICE_MS, serverImportPace, serverPacing, type LongWork } from '../../app/long-work.ts';
import { decodeCursor, getSuggestionDetail, listSuggestions } from '../../app/suggestion-queries.ts';
import { searchKnowledge } from '../../app/knowledge-base.ts';
import { loadDirectory } from '../../app/directory.ts';
import { listOutbox, retryOutboxRow } from '../../app/outbox.ts';
import { dispatch, dispatchDeps } from '../../app/dispatch.ts';
import { DOSSIER_CONTENT_TYPE, dossierContentDisposition, renderDossierMarkdown } from '../../app/dossier.ts';
import { runSweep } from '../../app/sweep.ts';
import { detailQuery, extendBody, listQuery, mergeBody, outboxQuery, searchQuery, sweepQuery, withdrawBody } from './api-schemas.ts';
import { verifyAuditLog } from '../../app/audit.ts';
import { mergeSuggestions } from '../../app/merges.ts';
import { HttpError } from './errors.ts';
import { readJsonBody } from './read-json-body.ts';

const invalidQuery = (result: { success: boolean; error?: Parameters<typeof describeIssues>[0] }) => {
  if (!result.success && result.error) throw new HttpError(400, 'invalid_query', 'Invalid query parameters', describeIssues(result.error));
};

export function adminRoutes(ctx: AppContext, onQueued: () => void = () => {}, longWork: LongWork = createLongWork()): Hono {
  const api = new Hono();
  const admin = systemActor('admin');

  api.put('/directory', async (c) => {
    const body = await readJsonBody(c);
    try {
      const directory = validateDirectory(body);
      const result = loadDirectory(ctx, directory);
      ctx.logger.info({ result }, 'directory loaded through the admin API');
      return c.json(result);
    } catch (error) {
      if (error instanceof DirectoryFileError) throw new HttpError(400, 'invalid_directory', 'The directory is invalid', error.problems);
      throw error;
    }
  });

  api.post('/suggestions', async (c) => {
    const body = await readJsonBody(c);
    const items = Array.isArray(body) ? body : [body];
    const now = ctx.clock();
    // In slices with pauses between them: webhooks are answered during a long import (long-work.ts).
    const report = await longWork.track(() =>
      importSuggestionsInSlices(
        ctx.db,
        items.map((item, index) => ({
          row: index + 1,
          values: item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : { __not_an_object: item },
        })),
        { source: 'admin_api', actor: `system:${admin.name}`, now, today: localDate(now, ctx.config.timeZone), deadlines: deadlineContext(ctx), sliceMs: SERVER_SLICE_MS, pace: serverImportPace() },
      ),
    );
    ctx.logger.info({ created: report.created, updated: report.updated, unchanged: report.unchanged, rejected: report.rejected.length }, 'suggestions imported through the admin API');
    if (report.created > 0) onQueued();
    if (items.length > 0 && report.rejected.length === items.length) {
      throw new HttpError(422, 'all_rejected', 'Every suggestion was rejected', report);
    }
    return c.json(report);
  });

  api.get('/suggestions', zValidator('query', listQuery, invalidQuery), (c) => {
    const q = c.req.valid('query');
    if (q.cursor !== undefined && !decodeCursor(q.cursor)) {
      throw new HttpError(400, 'invalid_query', 'Invalid query parameters', ['cursor: not a cursor this server gave: pass the next_cursor of the previous page']);
    }
    return c.json(
      listSuggestions(
        ctx,
        {
          ...(q.status && { status: q.status }),
          ...(q.unit && { unit: q.unit }),
          ...(q.category && { category: q.category }),
          ...(q.session && { session: q.session }),
          ...(q.overdue && { overdue: q.overdue === 'true' }),
          ...(q.key && { key: q.key === 'true' }),
          ...(q.q !== undefined && { q: q.q }),
        },
        { ...(q.limit !== undefined && { limit: Number(q.limit) }), ...(q.cursor !== undefined && { cursor: q.cursor }) },
      ),
    );
  });

  api.get('/search', zValidator('query', searchQuery, invalidQuery), (c) => {
    const q = c.req.valid('query');
    return c.json(searchKnowledge(ctx, { q: q.q, limit: q.limit, session: q.session, unit: q.unit, category: q.category, resultClass: q.result_class, year: q.year }));
  });

  api.get('/suggestions/:id', zValidator('query', detailQuery, invalidQuery), (c) => {
    const detail = getSuggestionDetail(ctx, c.req.param('id'));
    if (c.req.valid('query').format === 'md') {
      return c.body(renderDossierMarkdown(detail, { timeZone: ctx.config.timeZone }), 200, {
        'content-type': DOSSIER_CONTENT_TYPE,
        'content-disposition': dossierContentDisposition(detail),
      });
    }
    return c.json(detail);
  });

  api.post('/sweep', zValidator('query', sweepQuery, invalidQuery), async (c) => {
    const q = c.req.valid('query');
    // In slices with pauses between them: webhooks arriving meanwhile are answered (issue 11).
    const result = await longWork.track(() => runSweep(ctx, { now: q.now ? new Date(q.now) : ctx.clock(), dryRun: q.dry_run === 'true' }, serverPacing()));
    if (!result.dryRun && (result.reminders.length || result.lights.length || result.cards.refreshed.length)) onQueued();
    return c.json(result);
  });

  api.post('/assignments/:id/extend', async (c) => {
    const body = extendBody.safeParse(await readJsonBody(c));
    if (!body.success) throw new HttpError(400, 'invalid_body', 'Invalid extension request', describeIssues(body.error));
    const { aggregate } = dispatch(dispatchDeps(ctx), {
      actor: body.data.by,
      source: 'admin_api',
      command: { type: 'extend_answer_deadline', assignmentId: c.req.param('id'), until: body.data.until, reason: body.data.reason },
    });
    onQueued();
    return c.json(aggregate.assignments.find((a) => a.id === c.req.param('id')));
  });

  api.post('/suggestions/:id/withdraw', async (c) => {
    const body = withdrawBody.safeParse(await readJsonBody(c));
    if (!body.success) throw new HttpError(400, 'invalid_body', 'Invalid withdrawal', describeIssues(body.error));
    const { aggregate } = dispatch(dispatchDeps(ctx), {
      actor: body.data.by,
      source: 'admin_api',
      command: { type: 'withdraw_suggestion', suggestionId: c.req.param('id'), reason: body.data.reason },
    });
    onQueued();
    return c.json({ id: aggregate.suggestion.id, status: aggregate.suggestion.status, assignments: aggregate.assignments.map((a) => ({ id: a.id, unitId: a.unitId, state: a.state })) });
  });
  /** Not in SPEC §7 (it is silent); README "The audit log": 200 with the verdict either way, `ok` says which. */
  api.get('/audit/verify', async (c) => c.json(await verifyAuditLog(ctx)));
  api.post('/merges', async (c) => {
    const body = mergeBody.safeParse(await readJsonBody(c));
    if (!body.success) throw new HttpError(400, 'invalid_body', 'Invalid merge request', describeIssues(body.error));
    const result = mergeSuggestions(ctx, body.data);
    onQueued();
    return c.json(result);
  });

  api.get('/outbox', zValidator('query', outboxQuery, invalidQuery), (c) => {
    const { status } = c.req.valid('query');
    return c.json(listOutbox(ctx, status));
  });

  api.post('/outbox/:id/retry', (c) => {
    if (!retryOutboxRow(ctx, c.req.param('id'))) {
      throw new HttpError(404, 'not_found', `No failed outbox row ${c.req.param('id')}`);
    }
    onQueued();
    return c.json({ ok: true });
  });

  return api;
}
