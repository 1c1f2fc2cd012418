/**
 * The sandbox's clock, moved forward by a person or a test (SPEC §9) so that a whole handling year
 * can be tried in minutes: `GET /sandbox/clock` says what time it is in the sandbox,
 * `POST /sandbox/clock {"advance_days": N}` moves it N days forward (fractions allowed; never
 * back). Cards age with it: past 14 days Lark's rules apply. When duban runs against the sandbox
 * it reads the same clock, so its today moves too.
 */
import type { Hono } from 'hono';
import { DAY_MS, type MovableClock } from '../core/clock.ts';

/** The most one move may take: ten years, far beyond any handling. */
const MAX_ADVANCE_DAYS = 3650;

export function describeClock(clock: MovableClock) {
  return { now: clock().toISOString(), moved_days: clock.movedMs / DAY_MS };
}

/** Reads `{"advance_days": N}`; the error says what is accepted. */
export function advanceDaysOf(body: unknown): number | { error: string } {
  const days = (body as { advance_days?: unknown } | null)?.advance_days;
  if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0 || days > MAX_ADVANCE_DAYS) {
    return { error: `The clock moves forward by a number of days above 0 and at most ${MAX_ADVANCE_DAYS}, e.g. {"advance_days": 7}` };
  }
  return days;
}

export function mountClockRoutes(app: Hono, clock: MovableClock, changed: () => void): void {
  app.get('/sandbox/clock', (c) => c.json(describeClock(clock)));
  app.post('/sandbox/clock', async (c) => {
    const days = advanceDaysOf(await c.req.json().catch(() => null));
    if (typeof days !== 'number') return c.json(days, 400);
    clock.advance(days * DAY_MS);
    changed();
    return c.json(describeClock(clock));
  });
}
