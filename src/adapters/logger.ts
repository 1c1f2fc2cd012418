/**
 * Structured logs: one JSON line per event, carrying ids such as the suggestion number or the
 * Lark event id as fields so they can be searched. The runtimes supply the logger (pino on Node,
 * JSON lines on the console in a Worker); the code below them knows only this shape.
 */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

export interface Logger {
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
}
