import { ConfigError } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { FileChannel } from './file/file-channel.js';
import { HttpChannel } from './http/http-channel.js';
import { TeamChannels } from './manager/team-channels.js';
import { InMemoryBus } from './memory/in-memory-bus.js';
import { InMemoryChannel } from './memory/in-memory-channel.js';
import { ChannelsMonitor } from './monitor/channels-monitor.js';

// The misspellings are what a JavaScript caller, or one spreading a wider object, can pass.
const loose = (o: object): never => o as never;
const memory = () => new InMemoryChannel({ team: 'a', bus: new InMemoryBus() });

describe('every channel constructor rejects an unknown option, naming its path', () => {
  it.each<[string, () => unknown, string, string?]>([
    ['TeamChannels', () => new TeamChannels(loose({ team: 'a', channels: [memory()], retries: 3 })), 'TeamChannels.retries'],
    ['TeamChannels (near miss)', () => new TeamChannels(loose({ team: 'a', channels: [memory()], sendTimeout: 5 })), 'TeamChannels.sendTimeout', 'did you mean sendTimeoutMs?'],
    ['InMemoryChannel', () => new InMemoryChannel(loose({ team: 'a', maxQueue: 5 })), 'InMemoryChannel.maxQueue', 'did you mean maxQueued?'],
    ['FileChannel', () => new FileChannel(loose({ team: 'a', directory: '/tmp/x', dir: '/tmp/y' })), 'FileChannel.dir'],
    ['HttpChannel', () => new HttpChannel(loose({ team: 'a', port: 8080 })), 'HttpChannel.port'],
    ['HttpChannel.listen', () => new HttpChannel(loose({ team: 'a', listen: { port: 0, backlog: 5 } })), 'HttpChannel.listen.backlog'],
    ['HttpChannel.listen (near miss)', () => new HttpChannel(loose({ team: 'a', listen: { headerTimeoutMs: 5 } })), 'HttpChannel.listen.headerTimeoutMs', 'did you mean headersTimeoutMs?'],
    ['ChannelsMonitor', () => new ChannelsMonitor({ getHealth: () => [] } as never, loose({ outboxDepth: 5 })), 'ChannelsMonitor.options.outboxDepth'],
  ])('%s', (_name, build, path, hint) => {
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(expect.objectContaining({ path }));
    if (hint) expect(build).toThrow(hint);
  });

  it('keeps a secret given under a misspelt key out of the error', () => {
    const build = () => new HttpChannel(loose({ team: 'a', bearerToken: 's3cret-token-value' }));
    expect(build).toThrow(expect.objectContaining({ path: 'HttpChannel.bearerToken' }));
    try {
      build();
    } catch (e) {
      expect(`${(e as Error).message} ${JSON.stringify(e)}`).not.toContain('s3cret');
    }
  });
});
