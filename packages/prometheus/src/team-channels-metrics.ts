import { CircuitState, ConfigError } from '@rampart/core';
import { describeValue } from '@rampart/core/internal';
import { Counter, Gauge, type Registry } from 'prom-client';
import { resolveMetricsOptions, type Instrumentation, type MetricsOptions } from './metrics-options.js';
import { attachToFamily, type FamilyIndex } from './shared-family.js';
import type { ChannelStatusLike, TeamChannelsHealthLike, TeamChannelsLike } from './team-channels-like.js';

const STATES = Object.values(CircuitState);

type Snapshot = Array<{ team: string; health: TeamChannelsHealthLike }>;
type ChannelSample = [labels: { team: string; channel: string }, value: number];
type TeamSample = [labels: { team: string }, value: number];

/** The TeamChannels metrics of one registry and prefix, shared by every TeamChannels instrumented on it. */
class ChannelsMetrics {
  readonly sources = new Set<TeamChannelsLike>();
  readonly switches: Counter<'team' | 'from' | 'to' | 'reason'>;
  readonly undeliverable: Counter<'team' | 'reason' | 'where'>;
  readonly unhandled: Counter<'team' | 'reason'>;
  readonly handlerErrors: Counter<'team'>;
  readonly #names: string[];

  constructor(
    readonly registry: Registry,
    prefix: string,
  ) {
    const registers = [registry];
    const snapshot = (): Snapshot => [...this.sources].map((t) => ({ team: t.team, health: t.getHealth() }));
    this.#names = [
      'channel_healthy',
      'channel_circuitbreaker_state',
      'channel_active',
      'channel_outbox_depth',
      'channel_pending_requests',
      'channel_messages_sent_total',
      'channel_messages_received_total',
      'channel_send_failures_total',
      'channel_duplicates_dropped_total',
      'channel_switches_total',
      'channel_undeliverable_total',
      'channel_unhandled_total',
      'channel_handler_errors_total',
    ].map((n) => prefix + n);
    for (const name of this.#names) {
      if (registry.getSingleMetric(name)) throw new ConfigError('instrumentTeamChannels.options.registry', `already has a metric named ${name}`, name);
    }
    /** Each channel's labels and value, from every team's health now. */
    const perChannel = (value: (c: ChannelStatusLike, h: TeamChannelsHealthLike) => number): ChannelSample[] =>
      snapshot().flatMap(({ team, health }) => health.channels.map((c): ChannelSample => [{ team, channel: c.kind }, value(c, health)]));
    /** Each team's labels and value, from its health now. */
    const perTeam = (value: (h: TeamChannelsHealthLike) => number): TeamSample[] => snapshot().map(({ team, health }): TeamSample => [{ team }, value(health)]);
    new Gauge({
      name: `${prefix}channel_healthy`,
      help: "A channel's last health check: 1 healthy, 0 not.",
      labelNames: ['team', 'channel'] as const,
      registers,
      collect() {
        this.reset();
        for (const [labels, v] of perChannel((c) => (c.healthy ? 1 : 0))) this.set(labels, v);
      },
    });
    new Gauge({
      name: `${prefix}channel_circuitbreaker_state`,
      help: "State of a channel's circuit breaker: 1 for the current state, 0 for the others.",
      labelNames: ['team', 'channel', 'state'] as const,
      registers,
      collect() {
        this.reset();
        for (const { team, health } of snapshot()) {
          for (const c of health.channels) for (const state of STATES) this.set({ team, channel: c.kind, state }, state === c.circuit ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: `${prefix}channel_active`,
      help: 'The channel sends go to first: 1 for the active channel, 0 for the others (all 0 when none is usable).',
      labelNames: ['team', 'channel'] as const,
      registers,
      collect() {
        this.reset();
        for (const [labels, v] of perChannel((c, h) => (c.kind === h.activeChannel ? 1 : 0))) this.set(labels, v);
      },
    });
    new Gauge({
      name: `${prefix}channel_outbox_depth`,
      help: 'Messages waiting in the outbox for a channel to take them.',
      labelNames: ['team'] as const,
      registers,
      collect() {
        this.reset();
        for (const [labels, v] of perTeam((h) => h.outboxDepth)) this.set(labels, v);
      },
    });
    new Gauge({
      name: `${prefix}channel_pending_requests`,
      help: 'Requests waiting for their reply.',
      labelNames: ['team'] as const,
      registers,
      collect() {
        this.reset();
        for (const [labels, v] of perTeam((h) => h.pendingRequests)) this.set(labels, v);
      },
    });
    new Counter({
      name: `${prefix}channel_messages_sent_total`,
      help: 'Messages a channel took (sent over it).',
      labelNames: ['team', 'channel'] as const,
      registers,
      collect() {
        this.reset();
        for (const [labels, v] of perChannel((c) => c.sent)) this.inc(labels, v);
      },
    });
    new Counter({
      name: `${prefix}channel_messages_received_total`,
      help: 'Messages delivered to the team over a channel, duplicates included.',
      labelNames: ['team', 'channel'] as const,
      registers,
      collect() {
        this.reset();
        for (const [labels, v] of perChannel((c) => c.received)) this.inc(labels, v);
      },
    });
    new Counter({
      name: `${prefix}channel_send_failures_total`,
      help: 'Sends a channel failed (the next channel was tried).',
      labelNames: ['team', 'channel'] as const,
      registers,
      collect() {
        this.reset();
        for (const [labels, v] of perChannel((c) => c.failures)) this.inc(labels, v);
      },
    });
    new Counter({
      name: `${prefix}channel_duplicates_dropped_total`,
      help: 'Deliveries dropped because the message id was already seen.',
      labelNames: ['team'] as const,
      registers,
      collect() {
        this.reset();
        for (const [labels, v] of perTeam((h) => h.duplicatesDropped)) this.inc(labels, v);
      },
    });
    this.switches = new Counter({
      name: `${prefix}channel_switches_total`,
      help: "Changes of the channel sends go to first ('' for none usable), by reason (unhealthy, circuit_open, recovered).",
      labelNames: ['team', 'from', 'to', 'reason'] as const,
      registers,
    });
    this.undeliverable = new Counter({
      name: `${prefix}channel_undeliverable_total`,
      help: 'Messages that will not be delivered or handled, by reason (expired) and where (outbox, inbound).',
      labelNames: ['team', 'reason', 'where'] as const,
      registers,
    });
    this.unhandled = new Counter({
      name: `${prefix}channel_unhandled_total`,
      help: 'Delivered messages nobody handled, by reason (no_handler, orphan_reply).',
      labelNames: ['team', 'reason'] as const,
      registers,
    });
    this.handlerErrors = new Counter({
      name: `${prefix}channel_handler_errors_total`,
      help: 'Message handlers that threw or rejected.',
      labelNames: ['team'] as const,
      registers,
    });
  }

  unregister(): void {
    for (const name of this.#names) this.registry.removeSingleMetric(name);
  }
}

const shared: FamilyIndex<ChannelsMetrics> = new WeakMap();

/**
 * Export a team's channels (`TeamChannels` from @rampart/channels): per channel (`channel` label:
 * its kind) health, circuit state, whether it is the active one, and messages sent, received and
 * failed; per team the outbox depth, pending requests and duplicates dropped, all read from
 * `getHealth()` at scrape time; and channel switches, undeliverable and unhandled messages and
 * handler errors, counted from the events. Every series has the `team` label. Several
 * TeamChannels (of different teams) may share one registry. `dispose()` unsubscribes; the last
 * one's dispose unregisters the metrics. No timers.
 */
export function instrumentTeamChannels(channels: TeamChannelsLike, options?: MetricsOptions): Instrumentation {
  if (
    channels === null ||
    typeof channels !== 'object' ||
    typeof channels.team !== 'string' ||
    typeof channels.getHealth !== 'function' ||
    typeof channels.onChannelSwitch !== 'function' ||
    typeof channels.onUndeliverable !== 'function' ||
    typeof channels.onUnhandled !== 'function' ||
    typeof channels.onHandlerError !== 'function'
  ) {
    throw new ConfigError('instrumentTeamChannels.channels', `must be a TeamChannels, got ${describeValue(channels)}`, describeValue(channels));
  }
  const { registry, prefix } = resolveMetricsOptions(options, 'instrumentTeamChannels.options');
  const team = channels.team;
  const target = { registry, prefix, path: 'instrumentTeamChannels.channels', what: 'the channels' };
  return attachToFamily(shared, target, () => new ChannelsMetrics(registry, prefix), channels, (m) => [
    channels.onChannelSwitch((e) => m.switches.inc({ team, from: e.from ?? '', to: e.to ?? '', reason: e.reason })),
    channels.onUndeliverable((e) => m.undeliverable.inc({ team, reason: e.reason, where: e.where })),
    channels.onUnhandled((e) => m.unhandled.inc({ team, reason: e.reason })),
    channels.onHandlerError(() => m.handlerErrors.inc({ team })),
  ]);
}
