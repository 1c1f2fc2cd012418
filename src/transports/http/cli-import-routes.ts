/**
 * `POST /cli/import/suggestions`: a `duban import suggestions` run handed over to the server that
 * holds the same database (issue 11). Two processes writing one SQLite file wait for each other's
 * lock, and better-sqlite3 waits synchronously: a server write meeting the CLI's transaction
 * froze the server's event loop, and Lark's webhook with it, for up to seconds. Handed over, the
 * server is the only writer and imports the rows the way it imports `POST /api/suggestions`
 * (slices and pauses, the outbox paced: src/app/long-work.ts).
 *
 * Not an admin route: the CLI proves it can read the server file beside the database (written by
 * the Node runtime with mode 0600, a fresh token each start), which whoever can read it could
 * also write the database itself with. The rows come as the CLI read them from its file (the row
 * numbers a person sees); the import is audited as the CLI's (source `cli`, actor `system:cli`).
 *
 * The answer is a stream of JSON lines, so the CLI keeps its progress bar: `{"progress":{"done",
 * "total"}}` after each slice, then `{"report":{…}}` (the same report as a local import) or
 * `{"error":{"code","message"}}`. If the CLI goes away (Ctrl-C), the import stops after the slice
 * in progress: whole rows only, as when the CLI imports by itself.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import { localDate } from '../../core/clock.ts';
import { describeIssues } from '../../core/zod-issues.ts';
import { deadlineContext, type AppContext } from '../../app/context.ts';
import { importSuggestionsInSlices } from '../../app/import/import-suggestions.ts';
import { SERVER_PAUSE_MS, SERVER_SLICE_MS, type LongWork } from '../../app/long-work.ts';
import { HttpError } from './errors.ts';
import { readJsonBody } from './read-json-body.ts';

export const CLI_IMPORT_PATH = '/cli/import/suggestions';

/** The rows of a suggestions file as the CLI read them (read-table.ts). */
export const cliImportBody = z.object({
  rows: z.array(z.object({ row: z.number().int().min(1), values: z.record(z.string(), z.unknown()) })),
});

/** Progress lines at most this often: a slice is ~10 ms, and the bar needs no more. */
const PROGRESS_EVERY_MS = 100;

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function cliImportRoutes(ctx: AppContext, token: string, longWork: LongWork, onQueued: () => void): Hono {
  const expected = digest(token);
  const routes = new Hono();
  routes.post(CLI_IMPORT_PATH, async (c) => {
    const presented = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
    if (!presented || !timingSafeEqual(digest(presented), expected)) throw new HttpError(401, 'unauthorized', 'Not the token of this server’s file: the CLI reads it from beside the database');
    const parsed = cliImportBody.safeParse(await readJsonBody(c));
    if (!parsed.success) throw new HttpError(400, 'invalid_input', 'The rows are not as the CLI sends them', describeIssues(parsed.error));
    const rows = parsed.data.rows;

    c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    return stream(c, async (out) => {
      const gone = new AbortController();
      out.onAbort(() => gone.abort());
      const line = (value: unknown) => out.write(`${JSON.stringify(value)}\n`);
      let lastProgress = 0;
      try {
        const now = ctx.clock();
        const report = await longWork.track(() =>
          importSuggestionsInSlices(ctx.db, rows, {
            source: 'cli',
            actor: 'system:cli',
            now,
            today: localDate(now, ctx.config.timeZone),
            deadlines: deadlineContext(ctx),
            sliceMs: SERVER_SLICE_MS,
            pauseMs: SERVER_PAUSE_MS,
            signal: gone.signal,
            onProgress: (done, total) => {
              // performance.now: elapsed time of this process, not a moment of the handling.
              if (done < total && performance.now() - lastProgress < PROGRESS_EVERY_MS) return;
              lastProgress = performance.now();
              void line({ progress: { done, total } });
            },
          }),
        );
        if (report.created > 0) onQueued();
        if (gone.signal.aborted) {
          ctx.logger.warn({ done: report.items.length + report.rejected.length, total: rows.length }, 'the CLI went away: its import stopped after whole rows');
          return;
        }
        ctx.logger.info({ created: report.created, updated: report.updated, unchanged: report.unchanged, rejected: report.rejected.length }, 'suggestions imported for the CLI');
        await line({ report });
      } catch (error) {
        ctx.logger.error({ err: error }, 'the import handed over by the CLI failed');
        await line({ error: { code: 'import_failed', message: (error as Error).message } });
      }
    });
  });
  return routes;
}
