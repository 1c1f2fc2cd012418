/** The services wired from a ctx, so every transport calls them the same way. */
import type { AppContext } from './context.ts';
import { deadlineContext } from './context.ts';
import type { DispatchDeps } from './dispatch.ts';
import { sweep, type SweepResult } from './sweep.ts';

export function dispatchDeps(ctx: AppContext): DispatchDeps {
  return {
    db: ctx.db,
    clock: ctx.clock,
    timeZone: ctx.config.timeZone,
    supervisorChatId: ctx.config.supervisorChatId,
    deadlines: deadlineContext(ctx),
  };
}

export function runSweep(ctx: AppContext, options: { now: Date; dryRun: boolean }): SweepResult {
  const result = sweep(
    { db: ctx.db, calendar: ctx.calendar, policy: ctx.policy, timeZone: ctx.config.timeZone, supervisorChatId: ctx.config.supervisorChatId },
    options,
  );
  ctx.logger.info(
    { today: result.today, workingDay: result.workingDay, reminders: result.reminders.length, lights: result.lights.length, dryRun: result.dryRun },
    'reminder sweep',
  );
  return result;
}
