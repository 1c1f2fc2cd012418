/**
 * Time is injected everywhere (tests walk through a year in seconds). `localDate` turns an
 * instant into the calendar date of the configured zone: deadlines are dates in Asia/Shanghai,
 * not in UTC; `localTime` is how an instant is shown to people (SPEC §5: local, `YYYY-MM-DD HH:mm`).
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A clock that can be moved forward: the Lark sandbox's (SPEC §9), which duban shares when it runs
 * against the sandbox, so one move ages the cards in Lark and advances duban's today alike.
 */
export interface MovableClock extends Clock {
  /** Moves the clock forward by `ms` (never back); returns the new time. */
  advance(ms: number): Date;
  /** Moves the clock forward to `instant` (an instant already past is refused). */
  advanceTo(instant: Date): Date;
  /** How far the clock has been moved in total, in ms. */
  readonly movedMs: number;
  /** Calls `listener` after each move with the times before and after it; returns the way to stop. */
  onAdvance(listener: (now: Date, before: Date) => void): () => void;
}

/**
 * A movable clock over `base`; given a date, over a clock that starts there and ticks with the
 * wall clock (so rate limits and timeouts keep working between moves).
 */
export function movableClock(base: Clock | Date = systemClock): MovableClock {
  const from = base instanceof Date ? startingAt(base) : base;
  let moved = 0;
  const listeners = new Set<(now: Date, before: Date) => void>();
  const clock = (() => new Date(from().getTime() + moved)) as MovableClock;
  const advance = (ms: number): Date => {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`The clock only moves forward (got ${ms} ms)`);
    const before = clock();
    moved += ms;
    const now = clock();
    for (const listener of listeners) listener(now, before);
    return now;
  };
  Object.defineProperties(clock, {
    advance: { value: advance },
    advanceTo: { value: (instant: Date) => advance(instant.getTime() - clock().getTime()) },
    movedMs: { get: () => moved },
    onAdvance: {
      value: (listener: (now: Date, before: Date) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  });
  return clock;
}

/** A clock that reads `start` now and ticks with the wall clock from there. */
export function startingAt(start: Date): Clock {
  const offset = start.getTime() - Date.now();
  return () => new Date(Date.now() + offset);
}

export const isMovableClock = (clock: Clock): clock is MovableClock => typeof (clock as Partial<MovableClock>).advance === 'function';

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
const timeFormatters = new Map<string, Intl.DateTimeFormat>();

function formatter(cache: Map<string, Intl.DateTimeFormat>, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let f = cache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', ...options });
    cache.set(timeZone, f);
  }
  return f;
}

export function localDate(instant: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return formatter(dateFormatters, timeZone, {}).format(instant);
}

/** An instant as people read it: local to the zone, `YYYY-MM-DD HH:mm`. */
export function localTime(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(formatter(timeFormatters, timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}
