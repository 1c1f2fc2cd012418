/**
 * The schedules on Node (SPEC §4, §7): the reminder sweep (DUBAN_SCHEDULE, default 09:00 every
 * day; the sweep itself sends nothing on a non-working day) and the weekly digest
 * (DUBAN_DIGEST_SCHEDULE, Monday 09:00), with node-cron in the configured time zone. A run never
 * overlaps the previous one, and `stop` waits for the run in progress.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { AppContext } from '../../app/context.ts';
import { runSweep } from '../../app/sweep.ts';
import { sendDigest } from '../../app/digest.ts';

export interface Schedules {
  stop(): Promise<void>;
}

export function startSchedules(runtime: AppContext, onQueued: () => void): Schedules {
  const running = new Set<Promise<unknown>>();
  const guarded = (name: string, job: () => unknown) => async () => {
    const run = (async () => {
      try {
        job();
        onQueued();
      } catch (error) {
        runtime.logger.error({ err: error, job: name }, 'scheduled job failed');
      }
    })();
    running.add(run);
    await run;
    running.delete(run);
  };
  const tasks: ScheduledTask[] = [];
  const options = { timezone: runtime.config.timeZone, noOverlap: true };
  if (runtime.config.schedule !== 'off') {
    tasks.push(cron.schedule(runtime.config.schedule, guarded('sweep', () => runSweep(runtime, { now: runtime.clock(), dryRun: false })), { ...options, name: 'duban-sweep' }));
  }
  if (runtime.config.digestSchedule !== 'off') {
    tasks.push(cron.schedule(runtime.config.digestSchedule, guarded('digest', () => sendDigest(runtime, runtime.clock())), { ...options, name: 'duban-digest' }));
  }
  return {
    async stop() {
      await Promise.all(tasks.map((t) => t.destroy()));
      await Promise.all(running);
    },
  };
}
