/** Logs on Node: pino, one JSON line per event on stdout. */
import { pino, type DestinationStream, type Logger } from 'pino';

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { app: 'duban' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
