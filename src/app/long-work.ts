/**
 * Long admin work in a server (issue 11): a 10,000-row import through the admin API, or handed
 * over by the CLI, shares one event loop with Lark's webhook, which must answer within 3 s (and
 * which duban answers in a few ms when nothing else runs). Two things make room for it:
 *
 * - the work runs in slices of SERVER_SLICE_MS with a pause of SERVER_PAUSE_MS after each, on a
 *   timer, so it takes at most about half the event loop and a request arriving mid-slice waits
 *   for the end of that slice only. A pause on a timer, not setImmediate: after setImmediate the
 *   next slice runs before the I/O of requests whose later steps are queued, and a webhook that
 *   needs a few turns of the loop then waits a slice at every turn;
 * - while it runs, the outbox drain is paced (the sender asks `running()`): delivering the
 *   import's groups and cards as fast as Lark allows took as much of the loop as the import
 *   itself (rendering, the SDK, recording each answer), and the webhook queued behind both.
 *
 * Measured in bench/import.bench.ts (`import-webhook`); why these numbers: README, "Benchmarks".
 */

/** Work per slice: short enough that a request arriving mid-slice hardly waits. */
export const SERVER_SLICE_MS = 10;
/** The pause after each slice: the loop's other half, for requests and the outbox. */
export const SERVER_PAUSE_MS = 10;

/** The longest a pause grows to when the event loop is late. */
const MAX_PAUSE_MS = 100;

/**
 * The wait between two slices of a server's import: SERVER_PAUSE_MS, plus however late the
 * previous pause's timer fired. A late timer means the loop had more to do than the pause left
 * room for (requests, the outbox) or the process waited for a core (a machine running other
 * work): the import then gives way longer, and takes back its half when the loop keeps time.
 * Elapsed time of this process (performance.now), not a moment of the handling.
 */
export function serverImportPace(): () => Promise<void> {
  let late = 0;
  return () => {
    const pause = SERVER_PAUSE_MS + Math.min(late, MAX_PAUSE_MS - SERVER_PAUSE_MS);
    const asked = performance.now();
    return new Promise((resolve) =>
      setTimeout(() => {
        late = Math.max(0, performance.now() - asked - pause);
        resolve();
      }, pause),
    );
  };
}

export interface LongWork {
  /** Whether any long job is in progress now. */
  running(): boolean;
  /** Runs `job`, counted as in progress until it settles. */
  track<T>(job: () => Promise<T>): Promise<T>;
}

export function createLongWork(): LongWork {
  let inProgress = 0;
  return {
    running: () => inProgress > 0,
    async track(job) {
      inProgress++;
      try {
        return await job();
      } finally {
        inProgress--;
      }
    },
  };
}

/**
 * The pacing of other long work a server runs in slices (the reminder sweep, src/app/sweep.ts):
 * SERVER_SLICE_MS slices with the import's pause between them, so a webhook arriving during a
 * sweep of thousands of reminders waits for one slice, not for the sweep.
 */
export const serverPacing = (): { sliceMs: number; pause: () => Promise<void> } => ({ sliceMs: SERVER_SLICE_MS, pause: serverImportPace() });

/** Slices and pauses of a command writing the file a server may be using too. */
const COMMAND_SLICE_MS = 10;

/**
 * The pacing of long work in a command (`duban sweep`, and `duban import suggestions` when no
 * server takes its rows): short slices with a pause as long, so
 * that a server on the same file, whose writers wait for the lock in SQLite's busy handler
 * (sleeping and retrying), gets it in the pauses rather than after the whole command.
 */
export const commandPacing = (): { sliceMs: number; pause: () => Promise<void> } => ({
  sliceMs: COMMAND_SLICE_MS,
  pause: () => new Promise((resolve) => setTimeout(resolve, COMMAND_SLICE_MS)),
});

/**
 * The size of the next slice of long work (an import's rows, a sweep's suggestions): as many
 * items as fit in `sliceMs` at what one took in the slice just done, at most double the last
 * (one cheap slice proves little) and at most `max`.
 */
export function nextSliceSize(last: number, tookMs: number, items: number, sliceMs: number, max: number): number {
  const perItem = Math.max(tookMs, 0.001) / items;
  return Math.max(1, Math.min(max, 2 * last, Math.floor(sliceMs / perItem)));
}
