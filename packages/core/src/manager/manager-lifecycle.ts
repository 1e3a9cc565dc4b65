import { setMaxListeners } from 'node:events';
import type { Clock } from '../clock/clock.js';
import { RampartError } from '../errors/rampart-error.js';

/** What a lifecycle brings up and down. */
export interface LifecycleParts {
  open(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The manager's stop signal: every in-flight chain wait (retry backoff, provider cooldown, queue)
 * listens to it at once, so more than Node's default 10 listeners is normal here, not a leak; each
 * wait removes its listener when it ends (see linkSignals).
 */
function lifecycleController(): AbortController {
  const c = new AbortController();
  setMaxListeners(0, c.signal);
  return c;
}

/**
 * Start and stop of a manager: `start()` opens the parts once (until the next `stop()`); `stop()`
 * waits for a start in progress, aborts the stop signal (ending every chain wait) and closes the
 * parts. A manager may be started again after `stop()`, with a new stop signal.
 */
export class ManagerLifecycle {
  readonly #team: string;
  readonly #clock: Clock;
  readonly #parts: LifecycleParts;
  #controller = lifecycleController();
  #starting: Promise<void> | undefined;
  #startedAt: number | undefined;

  constructor(team: string, clock: Clock, parts: LifecycleParts) {
    this.#team = team;
    this.#clock = clock;
    this.#parts = parts;
  }

  /** The current lifecycle's stop signal (aborted by `stop()`; a new one after a restart). */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Monotonic ms since the running start began; 0 when stopped. */
  uptimeMs(): number {
    return this.#startedAt === undefined ? 0 : this.#clock.now() - this.#startedAt;
  }

  /** Open the parts; idempotent until `stop()`. */
  start(): Promise<void> {
    this.#starting ??= (async () => {
      if (this.#controller.signal.aborted) this.#controller = lifecycleController();
      this.#startedAt = this.#clock.now();
      await this.#parts.open();
    })();
    return this.#starting;
  }

  /** Wait for a start in progress (its failure included), abort the stop signal, close the parts. */
  async stop(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    this.#controller.abort(new RampartError(`ResilienceManager "${this.#team}" stopped`));
    await this.#parts.close();
    this.#starting = undefined;
    this.#startedAt = undefined;
  }
}
