import { CircuitBreakerPolicy, CircuitState, runWithDeadline, type Clock } from '@rampart/core';
import { redactString } from '@rampart/core/internal';
import type { Channel, ChannelHealth, ChannelKind } from '../channel.js';

/** One channel's state as `TeamChannels.getHealth()` reports it. */
export interface ChannelStatus {
  kind: ChannelKind;
  /** The last health check's verdict (true after a successful `start()` until the first check). */
  healthy: boolean;
  circuit: CircuitState;
  /** The last send or health-check error, redacted. */
  lastError?: string;
  /** Messages sent, received (before dedupe), and failed sends over this channel. */
  sent: number;
  received: number;
  failures: number;
  /** Duration of the last successful send and of the last health check, ms. */
  sendLatencyMs?: number;
  checkLatencyMs?: number;
  /** Epoch ms of the last health check. */
  checkedAt?: number;
  /** The channel's own health details (queue depth, …), as it reported them. */
  details?: Record<string, unknown>;
}

let instances = 0;

/** Error codes of failures that say nothing about the channel itself: they never open its circuit. */
const NOT_THE_CHANNELS_FAULT = new Set(['RecipientUnavailableError', 'InvalidMessageError', 'AbortError']);

export function errorText(error: unknown): string {
  return redactString(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}

/** A channel inside TeamChannels: its circuit breaker (unregistered, named per instance) and counters. */
export class ChannelSlot {
  readonly channel: Channel;
  readonly breaker: CircuitBreakerPolicy;
  readonly index: number;
  healthy = false;
  lastError: string | undefined;
  sent = 0;
  received = 0;
  failures = 0;
  sendLatencyMs: number | undefined;
  checkLatencyMs: number | undefined;
  checkedAt: number | undefined;
  details: Record<string, unknown> | undefined;
  /** `start()` failed: the next health check tries it again. */
  startFailed = false;

  constructor(team: string, channel: Channel, index: number, breaker: { failureThreshold: number; recoveryTimeoutMs: number; clock: Clock }) {
    this.channel = channel;
    this.index = index;
    // Constructed directly, not through createCircuitBreaker: not in the process-wide registry.
    this.breaker = new CircuitBreakerPolicy(`channels/${team}/${channel.kind}#${++instances}`, {
      ...breaker,
      shouldCount: (error) => !NOT_THE_CHANNELS_FAULT.has(String((error as { code?: unknown; name?: unknown })?.code ?? (error as { name?: unknown })?.name)),
    });
  }

  get kind(): ChannelKind {
    return this.channel.kind;
  }

  /** Healthy at the last check, and its circuit not open. */
  get usable(): boolean {
    return this.healthy && this.breaker.state !== CircuitState.Open;
  }

  /** Start the channel; a failure marks it unhealthy (and to be started again by the next check). */
  async start(): Promise<void> {
    try {
      await this.channel.start();
      this.startFailed = false;
      this.healthy = true;
    } catch (error) {
      this.startFailed = true;
      this.healthy = false;
      this.lastError = errorText(error);
    }
  }

  /** Run the channel's health check under `timeoutMs` (a channel that failed to start is started first). */
  async check(clock: Clock, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.startFailed) {
      await this.start();
      if (this.startFailed) return;
    }
    try {
      this.recordCheck(await runWithDeadline(clock, timeoutMs, signal, (s) => this.channel.healthCheck(s)), clock.wallNow());
    } catch (error) {
      this.recordCheck({ healthy: false, error: errorText(error) }, clock.wallNow());
    }
  }

  recordCheck(health: ChannelHealth, at: number): void {
    this.healthy = health.healthy === true;
    this.checkLatencyMs = health.latencyMs;
    this.checkedAt = at;
    this.details = health.details;
    if (!this.healthy) this.lastError = redactString(health.error ?? 'unhealthy');
  }

  recordFailure(error: unknown): void {
    this.failures++;
    this.lastError = errorText(error);
  }

  status(): ChannelStatus {
    return {
      kind: this.kind,
      healthy: this.healthy,
      circuit: this.breaker.state,
      sent: this.sent,
      received: this.received,
      failures: this.failures,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      ...(this.sendLatencyMs === undefined ? {} : { sendLatencyMs: this.sendLatencyMs }),
      ...(this.checkLatencyMs === undefined ? {} : { checkLatencyMs: this.checkLatencyMs }),
      ...(this.checkedAt === undefined ? {} : { checkedAt: this.checkedAt }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}
