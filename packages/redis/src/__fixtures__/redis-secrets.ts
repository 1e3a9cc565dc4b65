import { inspect } from 'node:util';

/** The password the secret tests hand to Redis; it must never show. */
export const SECRET = 'hunter2-secret';

/** A user the local Redis does not have: its AUTH is refused with WRONGPASS. */
export const WRONG_PASSWORD_URL = `redis://rampart-nobody:${SECRET}@127.0.0.1:6379`;

/** Nothing listens on port 1: every connection attempt fails with ECONNREFUSED. */
export const REFUSED_URL = `redis://rampart-nobody:${SECRET}@127.0.0.1:1`;

/** Everything a log line, `console.log` or a JSON report could show of `values` (own props, nested). */
export function shown(...values: unknown[]): string {
  return inspect(values, { depth: 8, showHidden: false }) + JSON.stringify(values, (_k, v: unknown) => (v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v));
}

/** Wait for a condition that real I/O will make true (no wall-clock limit: the test timeout bounds it). */
export async function until(predicate: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await predicate())) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** What `console.error` receives meanwhile (ioredis prints unhandled `error` events there); the original still runs. */
export function consoleErrors(spy: { mock: { calls: unknown[][] } }): string {
  return spy.mock.calls.map((args) => args.map(String).join(' ')).join('\n');
}
