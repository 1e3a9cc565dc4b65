import { RampartError } from '@rampart/core';

/** `TeamChannels` is not running: used before `start()`, or pending when `stop()` was called. */
export class ChannelsStoppedError extends RampartError {
  readonly team: string;

  constructor(team: string, message?: string) {
    super(message ?? `The channels of team "${team}" are stopped`);
    this.team = team;
  }
}
