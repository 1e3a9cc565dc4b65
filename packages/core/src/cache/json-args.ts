/** Why a value is not plain JSON data, or undefined when it is. */
function nonJsonReason(value: unknown, path: string, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}`;
    case 'object': {
      if (value === null) return undefined;
      if (seen.has(value)) return `${path} is circular`;
      seen.add(value);
      try {
        if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) {
            const r = nonJsonReason(value[i], `${path}[${i}]`, seen);
            if (r) return r;
          }
          return undefined;
        }
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          return `${path} is a ${value.constructor?.name ?? 'class instance'}, not a plain object`;
        }
        for (const [k, v] of Object.entries(value)) {
          if (v === undefined) continue;
          const r = nonJsonReason(v, `${path}.${k}`, seen);
          if (r) return r;
        }
        return undefined;
      } finally {
        seen.delete(value);
      }
    }
    default:
      return `${path} is a ${typeof value}`;
  }
}

function sortedReplacer(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = (value as Record<string, unknown>)[k];
  return out;
}

/** The result of {@link serializeArgs}. */
export type SerializedArgs = { ok: true; json: string } | { ok: false; reason: string };

/**
 * Serialise call arguments to canonical JSON (object keys sorted), so that equal arguments give
 * equal strings. Only plain JSON data qualifies (strings, finite numbers, booleans, null, arrays,
 * plain objects): a Date, a Map, a class instance, a function or a cycle would not come back as
 * the same value, so those give `{ ok: false, reason }` naming the offending argument.
 */
export function serializeArgs(args: readonly unknown[]): SerializedArgs {
  // Fast path: strings, booleans, null and finite numbers need no walk and no key sorting.
  let flat = true;
  for (const a of args) {
    const t = typeof a;
    if (!(t === 'string' || t === 'boolean' || a === null || (t === 'number' && Number.isFinite(a)))) {
      flat = false;
      break;
    }
  }
  if (flat) return { ok: true, json: JSON.stringify(args) };
  const reason = nonJsonReason(args, 'args', new Set());
  if (reason) return { ok: false, reason };
  return { ok: true, json: JSON.stringify(args, sortedReplacer) };
}
