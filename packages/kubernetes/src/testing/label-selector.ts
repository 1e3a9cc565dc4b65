/** A parsed label selector: true when a pod's labels match. */
export type LabelMatcher = (labels: Readonly<Record<string, string>>) => boolean;

/** Thrown for a selector the API server would refuse with 400. */
export class LabelSelectorError extends Error {}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

/** Split on commas that are not inside parentheses. */
function requirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new LabelSelectorError(`unbalanced ")" in "${selector}"`);
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (depth !== 0) throw new LabelSelectorError(`unbalanced "(" in "${selector}"`);
  parts.push(current.trim());
  return parts;
}

function key(k: string): string {
  if (!KEY.test(k)) throw new LabelSelectorError(`invalid label key "${k}"`);
  return k;
}

function value(v: string): string {
  if (!VALUE.test(v)) throw new LabelSelectorError(`invalid label value "${v}"`);
  return v;
}

function requirement(req: string): LabelMatcher {
  let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(req);
  if (m) {
    const k = key(m[1]!);
    const values = new Set(m[3]!.split(',').map((v) => value(v.trim())));
    return m[2] === 'in' ? (l) => k in l && values.has(l[k]!) : (l) => !(k in l) || !values.has(l[k]!);
  }
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(req);
  if (m) {
    const k = key(m[1]!);
    const v = value(m[3]!);
    return m[2] === '!=' ? (l) => l[k] !== v : (l) => l[k] === v;
  }
  m = /^(!?)\s*(\S+)$/.exec(req);
  if (m) {
    const k = key(m[2]!);
    return m[1] === '!' ? (l) => !(k in l) : (l) => k in l;
  }
  throw new LabelSelectorError(`unable to parse requirement "${req}"`);
}

/**
 * Parse a Kubernetes label selector: equality (`a=b`, `a==b`, `a!=b`), set (`a in (x,y)`,
 * `a notin (x)`) and existence (`a`, `!a`) requirements joined by commas. Empty matches all.
 */
export function parseLabelSelector(selector: string | null | undefined): LabelMatcher {
  if (selector === undefined || selector === null || selector.trim() === '') return () => true;
  const matchers = requirements(selector).map(requirement);
  return (labels) => matchers.every((m) => m(labels));
}
