import { pino, type Logger, type LevelWithSilent } from 'pino';
import { ConfigError } from '../errors/config-error.js';

const LEVELS = new Set<string>(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

/** Paths pino censors in every log line (in addition to Rampart's own redaction of messages). */
export const REDACTED_LOG_PATHS: readonly string[] = Object.freeze([
  'apiKey',
  'password',
  'token',
  'authorization',
  'headers.authorization',
  'headers.cookie',
  '*.apiKey',
  '*.password',
  '*.token',
  '*.authorization',
]);

const roots = new Map<string, Logger>();

/** The log level from RAMPART_LOG_LEVEL (default `info`); a bad value throws a ConfigError naming it. */
export function logLevelFromEnv(env: Record<string, string | undefined> = process.env): LevelWithSilent {
  const raw = env.RAMPART_LOG_LEVEL?.trim().toLowerCase();
  if (raw === undefined || raw === '') return 'info';
  if (!LEVELS.has(raw)) {
    throw new ConfigError('RAMPART_LOG_LEVEL', `must be one of ${[...LEVELS].join(', ')}, got "${env.RAMPART_LOG_LEVEL}"`, env.RAMPART_LOG_LEVEL);
  }
  return raw as LevelWithSilent;
}

/**
 * The logger of one team: a child of `base` (or of Rampart's own pino root at RAMPART_LOG_LEVEL,
 * shared per level, writing JSON lines to stderr: a program's stdout is its own output) bound to `{ team }`.
 */
export function createTeamLogger(team: string, base?: Logger, env: Record<string, string | undefined> = process.env): Logger {
  if (base) return base.child({ team });
  const level = logLevelFromEnv(env);
  let root = roots.get(level);
  if (!root) {
    const stderr = pino.destination({ dest: 2, sync: true });
    root = pino({ name: 'rampart', level, redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' } }, stderr);
    roots.set(level, root);
  }
  return root.child({ team });
}
