import { ResourceStatus, STATUS_SEVERITY } from '../resource/resource-types.js';

/** How many consecutive readings it takes to change a reported status. */
export interface HysteresisOptions {
  /** Consecutive worse readings before the status worsens. Default 1 (react at once). */
  worsenAfter: number;
  /** Consecutive better readings before the status improves. Default 2 (recover cautiously). */
  recoverAfter: number;
}

/**
 * Debounces a stream of status readings so that a status does not flap: a different status is
 * adopted only after it was read `worsenAfter` (worse) or `recoverAfter` (better) times in a row.
 * The first reading is adopted at once.
 */
export class StatusHysteresis {
  #current: ResourceStatus | undefined;
  #candidate: ResourceStatus | undefined;
  #count = 0;
  readonly #options: Readonly<HysteresisOptions>;

  constructor(options: Readonly<HysteresisOptions>) {
    this.#options = options;
  }

  get current(): ResourceStatus | undefined {
    return this.#current;
  }

  /** Feed one reading; returns the (possibly unchanged) reported status. */
  next(reading: ResourceStatus): ResourceStatus {
    if (this.#current === undefined || reading === this.#current) {
      this.#current = reading;
      this.#candidate = undefined;
      this.#count = 0;
      return reading;
    }
    if (reading === this.#candidate) this.#count++;
    else {
      this.#candidate = reading;
      this.#count = 1;
    }
    const worse = STATUS_SEVERITY[reading] > STATUS_SEVERITY[this.#current];
    if (this.#count >= (worse ? this.#options.worsenAfter : this.#options.recoverAfter)) {
      this.#current = reading;
      this.#candidate = undefined;
      this.#count = 0;
    }
    return this.#current;
  }
}
