import type { ChannelKind, TeamChannels, TeamChannelsHealth } from '@rampart/channels';
import { checkUntil, pollUntil } from './check-until.js';
import { openTeamChannels, type ChannelsConfig, type OpenedChannels } from './open-team-channels.js';
import { ResearchTeam, type FactsReply } from './research-team.js';

/** A reply, and the channels the request and its reply travelled over. */
export interface FactsAnswer extends FactsReply {
  /** The channel that carried the request (the one whose `sent` count went up). */
  requestOver: ChannelKind | undefined;
  /** The channel that brought the reply (the one whose `received` count went up). */
  replyOver: ChannelKind | undefined;
}

type Counts = Map<ChannelKind, number>;

/** The marketing team: asks research for facts over its channels. */
export class MarketingTeam {
  static readonly TEAM = 'marketing';
  readonly channels: TeamChannels;
  readonly #opened: OpenedChannels;
  readonly #peers = new Map<string, string>();

  constructor(config: ChannelsConfig) {
    this.#opened = openTeamChannels(MarketingTeam.TEAM, config, (team) => this.#peers.get(team));
    this.channels = this.#opened.channels;
  }

  /** Base URL of marketing's HTTP channel once started. */
  get url(): string | undefined {
    return this.#opened.http.url;
  }

  /** Where research's HTTP channel listens (known once the research process has started). */
  setResearchUrl(url: string): void {
    this.#peers.set(ResearchTeam.TEAM, url);
  }

  start(): Promise<void> {
    return this.channels.start();
  }

  /**
   * `request('research', 'facts', { topic })`, reporting which channel carried the request and
   * which brought the reply. One request at a time: the channel is read from the counters.
   */
  async askForFacts(topic: string, timeoutMs: number): Promise<FactsAnswer> {
    const sentBefore = this.#counts('sent');
    const receivedBefore = this.#counts('received');
    const reply = await this.channels.request<FactsReply>(ResearchTeam.TEAM, 'facts', { topic }, { timeoutMs });
    // The reply settled the request after its arrival was counted; the send that carried the
    // request may still be finishing its last step (an fsync, reading the 202), so wait for its count.
    await pollUntil(() => total(this.#counts('sent')) > total(sentBefore), 'counting the send of the request');
    return { ...reply, requestOver: grown(sentBefore, this.#counts('sent')), replyOver: grown(receivedBefore, this.#counts('received')) };
  }

  /** Check the channels until `kind` is the one sends go to first. */
  waitUntilActive(kind: ChannelKind): Promise<void> {
    return checkUntil(this.channels, (h) => h.activeChannel === kind, `sending over ${kind} first`);
  }

  /** Check the channels until `kind` reads unhealthy. */
  waitUntilUnhealthy(kind: ChannelKind): Promise<void> {
    return checkUntil(this.channels, (h) => h.channels.find((c) => c.kind === kind)?.healthy === false, `${kind} reading unhealthy`);
  }

  getHealth(): TeamChannelsHealth {
    return this.channels.getHealth();
  }

  stop(): Promise<void> {
    return this.channels.stop();
  }

  #counts(field: 'sent' | 'received'): Counts {
    return new Map(this.channels.getHealth().channels.map((c) => [c.kind, c[field]]));
  }
}

function total(counts: Counts): number {
  return [...counts.values()].reduce((a, b) => a + b, 0);
}

function grown(before: Counts, after: Counts): ChannelKind | undefined {
  return [...after].find(([kind, n]) => n > (before.get(kind) ?? 0))?.[0];
}
