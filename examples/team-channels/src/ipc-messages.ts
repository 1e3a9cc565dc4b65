import type { ChannelKind, TeamChannelsHealth } from '@rampart/channels';
import type { ChannelsConfig } from './open-team-channels.js';

/** What the marketing process asks the research process to do (over the fork IPC channel). */
export type ResearchCommand =
  | { op: 'start'; config: ChannelsConfig; marketingUrl: string }
  | { op: 'close-http' }
  | { op: 'wait-active'; kind: ChannelKind }
  | { op: 'health' }
  | { op: 'stop' };

/** What each command answers with. */
export interface ResearchAnswers {
  start: { url: string; pid: number };
  'close-http': null;
  'wait-active': null;
  health: { health: TeamChannelsHealth; handled: Record<string, number> };
  stop: { handled: Record<string, number> };
}

/** Parent → child: a command and its id. */
export type CommandEnvelope = { id: number } & ResearchCommand;

/** Child → parent: the answer to command `id`, or a log line. */
export type ChildEnvelope =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string }
  | { log: string };
