import type { TeamChannels, TeamChannelsHealth } from '@rampart/channels';

/**
 * Check `channels` now, then every health-check interval, until `condition` holds for the health
 * they report; rejects naming `what` after `maxChecks` checks (real time: the teams run in two
 * processes, so no fake clock can drive both).
 */
export async function checkUntil(channels: TeamChannels, condition: (health: TeamChannelsHealth) => boolean, what: string, maxChecks = 300): Promise<void> {
  for (let i = 0; i < maxChecks; i++) {
    if (condition(await channels.checkHealth())) return;
    await new Promise((resolve) => setTimeout(resolve, channels.options.healthCheckIntervalMs));
  }
  throw new Error(`${channels.team}: ${what} did not happen after ${maxChecks} health checks`);
}

/** Wait (real time, polling every 5 ms) until `condition()` holds; rejects naming `what` after `maxLooks` looks. */
export async function pollUntil(condition: () => boolean, what: string, maxLooks = 6_000): Promise<void> {
  for (let i = 0; i < maxLooks; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${what} did not happen`);
}
