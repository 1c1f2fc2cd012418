/** The services wired from a runtime, so every transport calls them the same way. */
import type { Runtime } from './runtime.ts';
import { deadlineContext } from './runtime.ts';
import type { DispatchDeps } from './dispatch.ts';
import { sweep, type SweepResult } from './sweep.ts';

export function dispatchDeps(runtime: Runtime): DispatchDeps {
  return {
    db: runtime.db,
    clock: runtime.clock,
    timeZone: runtime.config.timeZone,
    supervisorChatId: runtime.config.supervisorChatId,
    deadlines: deadlineContext(runtime),
  };
}

export function runSweep(runtime: Runtime, options: { now: Date; dryRun: boolean }): SweepResult {
  const result = sweep(
    { db: runtime.db, calendar: runtime.calendar, policy: runtime.policy, timeZone: runtime.config.timeZone, supervisorChatId: runtime.config.supervisorChatId },
    options,
  );
  runtime.logger.info(
    { today: result.today, workingDay: result.workingDay, reminders: result.reminders.length, lights: result.lights.length, dryRun: result.dryRun },
    'reminder sweep',
  );
  return result;
}
