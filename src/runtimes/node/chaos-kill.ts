/**
 * For the chaos suite only (test/chaos.test.ts): `DUBAN_CHAOS_KILL_ON=<log message>` makes the
 * process killed with SIGKILL when it logs that message — the `DUBAN_CHAOS_KILL_AT`-th time
 * (default the first; a sweep logs its messages once per slice). With `DUBAN_CHAOS_KILL_WITHIN_MS`
 * above 0, a random moment within that many ms after, by a separate `kill -9` started at that
 * instant: a test watching the output from outside would read the line too late to land inside a
 * synchronous transaction; a killer started from inside it, while the transaction goes on, does.
 * Without it (or 0), at once, from inside, right after the line is written: the process dies
 * exactly where it logged, e.g. inside a sweep's slice after its writes, before its commit.
 * Unset (always, outside the suite), the logger is returned as it is.
 */
import { spawn } from 'node:child_process';
import type { LogFn, Logger } from '../../adapters/logger.ts';

export function withChaosKill(logger: Logger, env: Record<string, string | undefined>): Logger {
  const message = env.DUBAN_CHAOS_KILL_ON;
  if (!message) return logger;
  const withinMs = Math.max(0, Number(env.DUBAN_CHAOS_KILL_WITHIN_MS ?? 0));
  let untilKill = Math.max(1, Number(env.DUBAN_CHAOS_KILL_AT ?? 1));
  let armed = true;
  const watch =
    (log: LogFn): LogFn =>
    (...args: unknown[]) => {
      const kill = armed && args.includes(message) && --untilKill === 0;
      if (kill) armed = false;
      if (kill && withinMs > 0) {
        const seconds = ((Math.random() * withinMs) / 1000).toFixed(3);
        spawn('sh', ['-c', `sleep ${seconds}; kill -9 ${process.pid}`], { stdio: 'ignore', detached: true }).unref();
      }
      (log as (...a: unknown[]) => void)(...args);
      if (kill && withinMs === 0) process.kill(process.pid, 'SIGKILL');
    };
  return { error: logger.error.bind(logger), warn: logger.warn.bind(logger), info: watch(logger.info.bind(logger)), debug: watch(logger.debug.bind(logger)) };
}
