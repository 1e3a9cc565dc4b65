import { pino, type Logger } from 'pino';

/** A pino logger that keeps every JSON line it writes, for tests that assert what was logged. */
export interface CapturingLogger {
  readonly logger: Logger;
  /** Every line written so far, as written. */
  readonly lines: string[];
  /** Every line written so far, parsed. */
  entries(): Array<Record<string, unknown>>;
}

/** A pino logger at `level` (default `debug`) writing into memory; pass `logger` to a manager or TeamChannels. */
export function capturingLogger(level = 'debug'): CapturingLogger {
  const lines: string[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(line) });
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
