import type { Clock } from '../clock/clock.js';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import { withoutStack } from '../errors/rampart-error.js';
import type { HalfOpenProbes } from './half-open-probes.js';

/** The fast-fail error of an open circuit (built without a stack: it is reused for the whole period). */
export function openCircuitError(name: string, isolated: boolean, halfOpenAt: number | undefined): BrokenCircuitError {
  const message = isolated ? `Circuit "${name}" is isolated` : undefined;
  return withoutStack(() => new BrokenCircuitError(name, isolated ? undefined : halfOpenAt, message));
}

/**
 * The fast-fail error of a half-open circuit whose `maxCalls` probe slots are all taken;
 * `slotFreeAt` (epoch ms, if known) is when the oldest probe's slot can be reclaimed.
 */
export function saturatedCircuitError(name: string, maxCalls: number, slotFreeAt: number | undefined): BrokenCircuitError {
  const message = `Circuit "${name}" is half-open and its ${maxCalls} probe slot(s) are taken`;
  return withoutStack(() => new BrokenCircuitError(name, slotFreeAt, message));
}

/** {@link saturatedCircuitError} for `probes`, hinting when the oldest probe's slot can be reclaimed. */
export function saturatedProbesError(name: string, probes: HalfOpenProbes, clock: Clock): BrokenCircuitError {
  const reclaimAt = probes.nextReclaimAt();
  const at = Number.isFinite(reclaimAt) ? clock.wallNow() + Math.max(0, reclaimAt - clock.now()) : undefined;
  return saturatedCircuitError(name, probes.maxCalls, at);
}
