import { RampartError } from '@rampart/core';
import type { ChannelKind } from '../channel.js';

/** A channel was used before `start()` or after `close()`. */
export class ChannelClosedError extends RampartError {
  readonly kind: ChannelKind;
  /** The local team the channel belongs to. */
  readonly team: string;

  constructor(kind: ChannelKind, team: string) {
    super(`The ${kind} channel of team "${team}" is not open`);
    this.kind = kind;
    this.team = team;
  }
}
