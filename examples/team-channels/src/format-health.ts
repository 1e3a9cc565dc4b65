import type { TeamChannelsHealth } from '@rampart/channels';

/** `getHealth()` of a team as a few readable lines (the errors in it are already redacted). */
export function formatHealth(health: TeamChannelsHealth): string[] {
  const head = `${health.team}: running ${health.running}, active ${health.activeChannel ?? 'none'}, outboxDepth ${health.outboxDepth}, duplicatesDropped ${health.duplicatesDropped}, pendingRequests ${health.pendingRequests}`;
  return [
    head,
    ...health.channels.map(
      (c) =>
        `  ${c.kind.padEnd(5)} ${c.healthy ? 'healthy  ' : 'unhealthy'} circuit ${c.circuit.padEnd(9)} sent ${c.sent}, received ${c.received}, failures ${c.failures}` +
        (c.lastError === undefined ? '' : `; last error: ${c.lastError}`),
    ),
  ];
}
