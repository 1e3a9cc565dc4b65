import type { HealthReport, ResourceHealthReport, ResourceReport } from '../health/health-report.js';
import { ResourceStatus, STATUS_SEVERITY, worstStatus } from '../resource/resource-types.js';
import { isDown } from './resource-gate.js';

type ProviderRows = HealthReport['providers'];
type Resources = Readonly<Record<string, Readonly<ResourceReport>>>;

/** A non-provider monitor's providers: those named `${name}/…` (a logical MCP server's), else all of the type's. */
function coveredBy(name: string, providers: readonly string[]): readonly string[] {
  const prefix = `${name}/`;
  const own = providers.filter((p) => p.startsWith(prefix));
  return own.length > 0 ? own : providers;
}

function typeHealth(providers: Readonly<Record<string, HealthReport['providers'][string][string]>> | undefined, monitors: Array<[string, Readonly<ResourceReport>]>): ResourceHealthReport {
  const names = providers === undefined ? [] : Object.keys(providers);
  const statuses: ResourceStatus[] = [];
  const reasons: string[] = [];
  const out: ResourceHealthReport = { status: ResourceStatus.HEALTHY };
  if (providers !== undefined && names.length > 0) {
    const down = names.filter((p) => !providers[p]!.available);
    out.providers_available = names.length - down.length;
    out.providers_total = names.length;
    if (down.length > 0) {
      statuses.push(down.length === names.length ? ResourceStatus.UNAVAILABLE : ResourceStatus.DEGRADED);
      const list = down.map((p) => `${p} ${providers[p]!.state}`).join(', ');
      reasons.push(down.length === names.length ? `every provider unavailable: ${list}` : `${down.length} of ${names.length} providers unavailable: ${list}`);
    }
  }
  for (const [name, r] of monitors) {
    let status = r.status;
    if (names.includes(name)) {
      if (isDown(status)) continue; // the provider's own monitor: counted through its provider above
    } else if (isDown(status) && coveredBy(name, names).some((p) => providers![p]!.available)) {
      status = ResourceStatus.DEGRADED; // another provider takes the calls it would have failed
    }
    statuses.push(status);
    if (status !== ResourceStatus.HEALTHY) reasons.push(`monitor ${name} ${r.status}`);
  }
  out.status = worstStatus(statuses);
  if (out.status !== ResourceStatus.HEALTHY && reasons.length > 0) out.reason = reasons.join('; ');
  return out;
}

/**
 * Each resource type's status as calls experience it, from its providers' availability (see
 * `providerRows`) and its monitors' last readings, and the worst of them:
 * - every provider unavailable → `unavailable`; some → `degraded`;
 * - a provider's own monitor (`${type}:${provider}`) counts through its provider (down makes the
 *   provider unavailable); a healthy, degraded or pending reading counts as it is;
 * - any other monitor of a type with providers counts as it reads, except that critical or
 *   unavailable reads `degraded` while a provider it covers (a logical server `supabase` covers
 *   `supabase/…`; otherwise every provider of the type) is available: calls go there;
 * - a type without providers is its worst monitor.
 */
export function resourceHealth(providers: ProviderRows, resources: Resources): { byType: Record<string, ResourceHealthReport>; worst: ResourceStatus } {
  const monitorsByType = new Map<string, Array<[string, Readonly<ResourceReport>]>>();
  for (const [key, r] of Object.entries(resources)) {
    const at = key.indexOf(':');
    const type = key.slice(0, at);
    let list = monitorsByType.get(type);
    if (!list) monitorsByType.set(type, (list = []));
    list.push([key.slice(at + 1), r]);
  }
  const byType: Record<string, ResourceHealthReport> = {};
  let worst = ResourceStatus.HEALTHY;
  for (const type of new Set([...Object.keys(providers), ...monitorsByType.keys()])) {
    const h = typeHealth(providers[type], monitorsByType.get(type) ?? []);
    byType[type] = h;
    if (STATUS_SEVERITY[h.status] > STATUS_SEVERITY[worst]) worst = h.status;
  }
  return { byType, worst };
}
