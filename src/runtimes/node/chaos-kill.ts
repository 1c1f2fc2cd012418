/**
 * For the chaos suite only (test/chaos.test.ts): `DUBAN_CHAOS_KILL_ON=<log message>` makes the
 * process killed with SIGKILL a moment after it logs that message — within
 * `DUBAN_CHAOS_KILL_WITHIN_MS` (default 0), by a separate `kill -9` started at that instant. A
 * test watching the output from outside would read the line too late to land inside a
 * synchronous transaction; a killer started from inside it, while the transaction goes on, does.
 * Unset (always, outside the suite), the logger is returned as it is.
 */
import { spawn } from 'node:child_process';
import type { LogFn, Logger } from '../../adapters/logger.ts';

export function withChaosKill(logger: Logger, env: Record<string, string | undefined>): Logger {
  const message = env.DUBAN_CHAOS_KILL_ON;
  if (!message) return logger;
  const withinMs = Math.max(0, Number(env.DUBAN_CHAOS_KILL_WITHIN_MS ?? 0));
  let armed = true;
  const watch =
    (log: LogFn): LogFn =>
    (...args: unknown[]) => {
      if (armed && args.includes(message)) {
        armed = false;
        const seconds = ((Math.random() * withinMs) / 1000).toFixed(3);
        spawn('sh', ['-c', `sleep ${seconds}; kill -9 ${process.pid}`], { stdio: 'ignore', detached: true }).unref();
      }
      (log as (...a: unknown[]) => void)(...args);
    };
  return { error: logger.error.bind(logger), warn: logger.warn.bind(logger), info: watch(logger.info.bind(logger)), debug: watch(logger.debug.bind(logger)) };
}
