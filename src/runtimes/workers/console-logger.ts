/**
 * Logs in a Worker: one JSON line per event on the console, which Workers Logs and `wrangler tail`
 * keep (pino's Node transport has nothing to write to there).
 */
import type { Logger, LogFn } from '../../adapters/logger.ts';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;

export function consoleLogger(level: keyof typeof LEVELS, base: Record<string, unknown>): Logger {
  const at = (name: 'debug' | 'info' | 'warn' | 'error'): LogFn =>
    ((fields: object | string, message?: string) => {
      if (LEVELS[name] < LEVELS[level]) return;
      const record = typeof fields === 'string' ? { msg: fields } : { ...serialisable(fields), ...(message !== undefined && { msg: message }) };
      console.log(JSON.stringify({ time: new Date().toISOString(), level: LEVELS[name], app: 'duban', ...base, ...record }));
    }) as LogFn;
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Errors do not serialise to JSON by themselves. */
function serialisable(fields: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v instanceof Error ? { type: v.name, message: v.message, stack: v.stack } : v]));
}
