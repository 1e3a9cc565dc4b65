import { ConfigError } from '@rampart/core';
import type { Mailbox } from './mailbox.js';

/**
 * Where {@link InMemoryChannel}s of one process find each other: one mailbox per team with an
 * open channel. {@link InMemoryBus.default} is shared by every channel created without a `bus`;
 * `new InMemoryBus()` gives an isolated one (tests, or separate groups of teams in one process).
 */
export class InMemoryBus {
  /** The process-wide bus. */
  static readonly default = new InMemoryBus();

  readonly #mailboxes = new Map<string, Mailbox>();

  /** Teams with an open channel on this bus, in the order they opened. */
  teams(): string[] {
    return [...this.#mailboxes.keys()];
  }

  /** Whether `team` has an open channel on this bus. */
  has(team: string): boolean {
    return this.#mailboxes.has(team);
  }

  /** @internal The open mailbox of `team`, if any. */
  mailbox(team: string): Mailbox | undefined {
    return this.#mailboxes.get(team);
  }

  /** @internal Register an opened channel's mailbox; one open channel per team. */
  attach(mailbox: Mailbox): void {
    if (this.#mailboxes.has(mailbox.team)) {
      throw new ConfigError('team', `team "${mailbox.team}" already has an open InMemoryChannel on this bus`, mailbox.team);
    }
    this.#mailboxes.set(mailbox.team, mailbox);
  }

  /** @internal Remove a closed channel's mailbox. */
  detach(mailbox: Mailbox): void {
    if (this.#mailboxes.get(mailbox.team) === mailbox) this.#mailboxes.delete(mailbox.team);
  }
}
