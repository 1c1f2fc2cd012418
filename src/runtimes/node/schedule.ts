/**
 * The schedules on Node (SPEC §4, §7): the reminder sweep (DUBAN_SCHEDULE, default 09:00 every
 * day; the sweep itself sends nothing on a non-working day) and the weekly digest
 * (DUBAN_DIGEST_SCHEDULE, Monday 09:00), with node-cron in the configured time zone. A run never
 * overlaps the previous one, and `stop` waits for the run in progress.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { AppContext } from '../../app/context.ts';
import { createLongWork, type LongWork } from '../../app/long-work.ts';
import { isMovableClock } from '../../core/clock.ts';
import { jobFiresBetween, runScheduledJob, SCHEDULED_JOBS, scheduleOf, type ScheduledJob } from '../../transports/schedule/scheduled-jobs.ts';

export interface Schedules {
  stop(): Promise<void>;
}

export function startSchedules(runtime: AppContext, onQueued: () => void, longWork: LongWork = createLongWork()): Schedules {
  const running = new Set<Promise<unknown>>();
  const guarded = (job: ScheduledJob) => async () => {
    const run = (async () => {
      try {
        // Long work while it runs: the outbox and the WAL checkpoints give way to it (long-work.ts).
        await longWork.track(() => runScheduledJob(runtime, job, runtime.clock()));
        onQueued();
      } catch (error) {
        runtime.logger.error({ err: error, job }, 'scheduled job failed');
      }
    })();
    running.add(run);
    await run;
    running.delete(run);
  };
  const options = { timezone: runtime.config.timeZone, noOverlap: true };
  const tasks: ScheduledTask[] = SCHEDULED_JOBS.filter((job) => scheduleOf(runtime.config, job) !== 'off').map((job) =>
    cron.schedule(scheduleOf(runtime.config, job), guarded(job), { ...options, name: `duban-${job}` }),
  );
  // The sandbox's clock is moved forward days at a time (SPEC §9) while node-cron keeps the wall
  // clock: when a move passes the sweep's time, the sweep runs once at the new time (it catches up
  // what fell due meanwhile, as after a day the server was down).
  const stopCatchingUp =
    isMovableClock(runtime.clock) && scheduleOf(runtime.config, 'sweep') !== 'off'
      ? runtime.clock.onAdvance((now, before) => {
          if (jobFiresBetween(runtime.config, 'sweep', before, now)) setImmediate(guarded('sweep'));
        })
      : undefined;
  return {
    async stop() {
      stopCatchingUp?.();
      await Promise.all(tasks.map((t) => t.destroy()));
      await Promise.all(running);
    },
  };
}
