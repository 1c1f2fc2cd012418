/**
 * The scheduled jobs (SPEC §4, §7): the reminder sweep at DUBAN_SCHEDULE (default 09:00 every day;
 * the sweep itself sends nothing on a non-working day) and the weekly digest at
 * DUBAN_DIGEST_SCHEDULE (Monday 09:00), both in DUBAN_TIMEZONE. Node runs them with node-cron's
 * scheduler; a Worker's Cron Trigger fires every minute in UTC and asks `jobsDueAt` which of them
 * the tenant's schedules call for, with node-cron's own matcher, so both agree to the minute.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { AppContext } from '../../app/context.ts';
import { sendDigest } from '../../app/digest.ts';
import { serverPacing } from '../../app/long-work.ts';
import { runSweep } from '../../app/sweep.ts';
import type { Config } from '../../app/config.ts';

export const SCHEDULED_JOBS = ['sweep', 'digest'] as const;
export type ScheduledJob = (typeof SCHEDULED_JOBS)[number];

/** The cron expression of each job, or 'off'. */
export const scheduleOf = (config: Pick<Config, 'schedule' | 'digestSchedule'>, job: ScheduledJob): string => (job === 'sweep' ? config.schedule : config.digestSchedule);

/** Runs one job as of `now`, in a server: the sweep in slices that give the event loop back (issue 11). */
export async function runScheduledJob(ctx: AppContext, job: ScheduledJob, now: Date): Promise<void> {
  if (job === 'sweep') await runSweep(ctx, { now, dryRun: false }, serverPacing());
  else sendDigest(ctx, now);
}

const matchers = new Map<string, ScheduledTask>();

/** The jobs whose schedule fires at this minute, in the configured time zone. */
export function jobsDueAt(config: Pick<Config, 'schedule' | 'digestSchedule' | 'timeZone'>, instant: Date): ScheduledJob[] {
  return SCHEDULED_JOBS.filter((job) => {
    const expression = scheduleOf(config, job);
    if (expression === 'off') return false;
    const key = `${expression}\u0000${config.timeZone}`;
    let matcher = matchers.get(key);
    if (!matcher) {
      // A task that is never started: only its matcher is used.
      matcher = cron.createTask(expression, () => {}, { timezone: config.timeZone });
      matchers.set(key, matcher);
    }
    return matcher.match(instant);
  });
}

/** Whether `job` fires at some minute after `from` and up to `to` (the first found ends the search). */
export function jobFiresBetween(config: Pick<Config, 'schedule' | 'digestSchedule' | 'timeZone'>, job: ScheduledJob, from: Date, to: Date): boolean {
  const MINUTE = 60_000;
  for (let t = Math.floor(from.getTime() / MINUTE + 1) * MINUTE; t <= to.getTime(); t += MINUTE) {
    if (jobsDueAt(config, new Date(t)).includes(job)) return true;
  }
  return false;
}
