import { inspect } from 'node:util';

/**
 * Everything a value could show in a log, a console or a report, for tests asserting a secret is in
 * none of it: `util.inspect` (hidden fields too), `JSON.stringify`, and for an error each message and
 * stack down its `cause` chain.
 */
export function everythingOf(value: unknown): string {
  const parts = [inspect(value, { depth: 12, showHidden: true }), JSON.stringify(value) ?? ''];
  for (let e: unknown = value, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) parts.push(e.message, String(e.stack));
  return parts.join('\n');
}
