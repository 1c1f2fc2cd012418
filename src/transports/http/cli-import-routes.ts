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
 * The body is the rows as JSON lines (one row each), parsed a few ms at a time. The answer is a
 * stream of JSON lines, so the CLI keeps its progress bar: `{"progress":{"done",
 * "total"}}` after each slice, then `{"report":{…}}` (the same report as a local import) or
 * `{"error":{"code","message"}}`. If the CLI goes away (Ctrl-C), the import stops after the slice
 * in progress: whole rows only, as when the CLI imports by itself.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { localDate } from '../../core/clock.ts';
import { deadlineContext, type AppContext } from '../../app/context.ts';
import { importSuggestionsInSlices } from '../../app/import/import-suggestions.ts';
import { SERVER_SLICE_MS, serverImportPace, type LongWork } from '../../app/long-work.ts';
import { HttpError } from './errors.ts';
import type { RawRow } from '../../app/import/suggestion-row.ts';

export const CLI_IMPORT_PATH = '/cli/import/suggestions';

/** Rows parsed per turn of the event loop: a 10,000-row body parsed at once held it ~50 ms, and zod over it ~150 ms more. */
const PARSE_SLICE_MS = 8;

/**
 * The body: one row per line, `{"row": N, "values": {…}}`, as the CLI read them (read-table.ts).
 * Parsed a few milliseconds at a time, handing the event loop back between, and checked by hand
 * (zod over 10,000 rows took 150 ms in one go). A bad line is refused with its number.
 */
async function readRowLines(text: string): Promise<RawRow[]> {
  const lines = text.split('\n');
  const rows: RawRow[] = [];
  let began = performance.now();
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new HttpError(400, 'invalid_input', `Line ${index + 1} is not JSON: ${(error as Error).message}`);
    }
    const { row, values } = (value ?? {}) as { row?: unknown; values?: unknown };
    if (!Number.isInteger(row) || (row as number) < 1 || values === null || typeof values !== 'object' || Array.isArray(values)) {
      throw new HttpError(400, 'invalid_input', `Line ${index + 1} is not a row: expected {"row": <a whole number from 1>, "values": {<column>: <value>}}`);
    }
    rows.push({ row: row as number, values: values as Record<string, unknown> });
    // Elapsed time of this process (performance.now), not a moment of the handling.
    if (performance.now() - began >= PARSE_SLICE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      began = performance.now();
    }
  }
  return rows;
}

/** Progress lines at most this often: a slice is ~10 ms, and the bar needs no more. */
const PROGRESS_EVERY_MS = 100;

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function cliImportRoutes(ctx: AppContext, token: string, longWork: LongWork, onQueued: () => void): Hono {
  const expected = digest(token);
  const routes = new Hono();
  routes.post(CLI_IMPORT_PATH, async (c) => {
    const presented = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
    if (!presented || !timingSafeEqual(digest(presented), expected)) throw new HttpError(401, 'unauthorized', 'Not the token of this server’s file: the CLI reads it from beside the database');
    const rows = await readRowLines(await c.req.text());

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
            pace: serverImportPace(),
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
        // Without its per-row items (10,000 of them at the largest): the CLI prints the counts and
        // the rejected rows only, and a long answer would be one more long step on the event loop.
        await line({ report: { ...report, items: [] } });
      } catch (error) {
        ctx.logger.error({ err: error }, 'the import handed over by the CLI failed');
        await line({ error: { code: 'import_failed', message: (error as Error).message } });
      }
    });
  });
  return routes;
}
