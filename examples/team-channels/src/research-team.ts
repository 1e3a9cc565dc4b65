import type { ChannelKind, ChannelMessage, TeamChannels, TeamChannelsHealth } from '@rampart/channels';
import { checkUntil, pollUntil } from './check-until.js';
import { openTeamChannels, type ChannelsConfig, type OpenedChannels } from './open-team-channels.js';

/** The question Marketing asks: `request('research', 'facts', { topic })`. */
export interface FactsRequest {
  topic: string;
}

/** Research's answer. */
export interface FactsReply {
  topic: string;
  facts: string[];
  /** Process id of the research process (it is another process). */
  pid: number;
}

const LIBRARY: Record<string, string[]> = {
  'solar panels': ['prices fell about 90% from 2010 to 2020', 'panels last 25–30 years'],
  'electric bikes': ['most sold in Europe are pedal-assist', 'a battery charges in 3–6 hours'],
  'heat pumps': ['they move heat rather than make it', 'a COP of 3 means 3 kWh of heat per kWh used'],
};

/**
 * The research team: answers `facts` requests over whichever channel brings them, and counts how
 * many times it handled each request id (the scenario checks each is handled once).
 */
export class ResearchTeam {
  static readonly TEAM = 'research';
  readonly channels: TeamChannels;
  readonly #opened: OpenedChannels;
  readonly #handled = new Map<string, number>();

  constructor(config: ChannelsConfig, marketingUrl: string) {
    this.#opened = openTeamChannels(ResearchTeam.TEAM, config, { marketing: marketingUrl });
    this.channels = this.#opened.channels;
    this.channels.handle('facts', (message) => this.#answer(message));
  }

  /** Base URL of research's HTTP channel once started. */
  get url(): string | undefined {
    return this.#opened.http.url;
  }

  /** Times each request id reached the handler. */
  get handled(): Record<string, number> {
    return Object.fromEntries(this.#handled);
  }

  start(): Promise<void> {
    return this.channels.start();
  }

  /** The outage of research's HTTP server: it stops listening (for good: a closed HttpChannel does not reopen). */
  closeHttpServer(): Promise<void> {
    return this.#opened.http.close();
  }

  /** Check the channels until `kind` is the one sends go to first. */
  waitUntilActive(kind: ChannelKind): Promise<void> {
    return checkUntil(this.channels, (h) => h.activeChannel === kind, `sending over ${kind} first`);
  }

  /**
   * `getHealth()` once every reply has been counted as sent (a reply can reach marketing before
   * the send that carried it has returned: FileChannel fsyncs the folder after the rename).
   */
  async getHealthWhenReplied(): Promise<TeamChannelsHealth> {
    const handled = [...this.#handled.values()].reduce((a, b) => a + b, 0);
    const sent = () => this.channels.getHealth().channels.reduce((n, c) => n + c.sent, 0);
    await pollUntil(() => sent() >= handled, 'research counting its replies as sent');
    return this.channels.getHealth();
  }

  stop(): Promise<void> {
    return this.channels.stop();
  }

  #answer(message: ChannelMessage): FactsReply {
    this.#handled.set(message.id, (this.#handled.get(message.id) ?? 0) + 1);
    const { topic } = message.payload as FactsRequest;
    return { topic, facts: LIBRARY[topic] ?? [`nothing on file about ${topic}`], pid: process.pid };
  }
}
