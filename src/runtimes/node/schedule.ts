/**
 * The schedules on Node (SPEC §4, §7): the reminder sweep (DUBAN_SCHEDULE, default 09:00 every
 * day; the sweep itself sends nothing on a non-working day) and the weekly digest
 * (DUBAN_DIGEST_SCHEDULE, Monday 09:00), with node-cron in the configured time zone. A run never
 * overlaps the previous one, and `stop` waits for the run in progress.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { AppContext } from '../../app/context.ts';
import { runScheduledJob, SCHEDULED_JOBS, scheduleOf, type ScheduledJob } from '../../transports/schedule/scheduled-jobs.ts';

export interface Schedules {
  stop(): Promise<void>;
}

export function startSchedules(runtime: AppContext, onQueued: () => void): Schedules {
  const running = new Set<Promise<unknown>>();
  const guarded = (job: ScheduledJob) => async () => {
    const run = (async () => {
      try {
        runScheduledJob(runtime, job, runtime.clock());
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
  return {
    async stop() {
      await Promise.all(tasks.map((t) => t.destroy()));
      await Promise.all(running);
    },
  };
}
