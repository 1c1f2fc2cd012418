/**
 * Structured logs: one JSON line per event (pino), carrying ids such as the suggestion number or
 * the Lark event id as fields so they can be searched.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { app: 'duban' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
