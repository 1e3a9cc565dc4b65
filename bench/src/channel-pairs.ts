// Two teams in one process, each with its own TeamChannels over one kind of channel, for the
// channels benchmark (channels.ts). Every factory returns a `close()` that stops both teams and
// removes what the pair made: temp dirs, Redis keys.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileChannel, HttpChannel, InMemoryBus, InMemoryChannel, TeamChannels, type Channel, type ChannelKind } from '@rampart/channels';
import { RedisChannel } from '@rampart/redis';
import { Redis } from 'ioredis';

/** The sending team and the receiving team (`bench-a` → `bench-b`), both started. */
export interface ChannelPair {
  kind: ChannelKind;
  sender: TeamChannels;
  receiver: TeamChannels;
  close(): Promise<void>;
}

/** Sender, receiver and a plain-file sender for the failover measurement, all started. */
export interface FailoverTrio {
  /** Channels [memory, file]: its memory sends fail at once (the receiver's memory channel is closed). */
  failingOver: TeamChannels;
  /** Channels [file] only: the plain file send to compare with. */
  fileOnly: TeamChannels;
  /** Channels [memory (closed), file]. */
  receiver: TeamChannels;
  close(): Promise<void>;
}

const SENDER = 'bench-a';
const RECEIVER = 'bench-b';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Start both teams; if either fails to start, stop both and run `cleanup` before rethrowing. */
async function started(kind: ChannelKind, sender: TeamChannels, receiver: TeamChannels, cleanup: () => Promise<void>): Promise<ChannelPair> {
  const close = async () => {
    await Promise.allSettled([sender.stop(), receiver.stop()]);
    await cleanup();
  };
  try {
    await Promise.all([sender.start(), receiver.start()]);
  } catch (error) {
    await close();
    throw error;
  }
  return { kind, sender, receiver, close };
}

function teams(make: (team: string) => Channel): [TeamChannels, TeamChannels] {
  return [SENDER, RECEIVER].map((team) => new TeamChannels({ team, channels: [make(team)] })) as [TeamChannels, TeamChannels];
}

export function memoryPair(): Promise<ChannelPair> {
  const bus = new InMemoryBus();
  const [sender, receiver] = teams((team) => new InMemoryChannel({ team, bus }));
  return started('memory', sender, receiver, async () => undefined);
}

/** FileChannel with its defaults (poll every 250 ms, and `fs.watch` hints), in a new temp dir. */
export async function filePair(): Promise<ChannelPair> {
  const directory = await mkdtemp(join(tmpdir(), 'rampart-bench-channels-'));
  const [sender, receiver] = teams((team) => new FileChannel({ team, directory }));
  return started('file', sender, receiver, () => rm(directory, { recursive: true, force: true }));
}

/** HttpChannel on loopback (port 0); each team finds the other's URL once both have started. */
export function httpPair(): Promise<ChannelPair> {
  const urls = new Map<string, string>();
  const channels = new Map<string, HttpChannel>();
  const [sender, receiver] = teams((team) => {
    const channel = new HttpChannel({ team, peers: (peer) => urls.get(peer) });
    channels.set(team, channel);
    return channel;
  });
  return started('http', sender, receiver, async () => undefined).then((pair) => {
    for (const [team, channel] of channels) urls.set(team, channel.url!);
    return pair;
  });
}

/**
 * RedisChannel (each opens its own two connections from the URL) under a key prefix unique to this
 * process and moment; `close()` deletes every key under it.
 */
export function redisPair(): Promise<ChannelPair> {
  const keyPrefix = `rampart-bench:${process.pid}:${Date.now()}:channels`;
  const [sender, receiver] = teams((team) => new RedisChannel({ team, redis: REDIS_URL, keyPrefix }));
  return started('redis', sender, receiver, () => deleteKeys(`${keyPrefix}:*`));
}

async function deleteKeys(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(pattern);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** The receiver's in-memory channel is closed, so the failing-over sender's memory send rejects at once. */
export async function failoverTrio(): Promise<FailoverTrio> {
  const directory = await mkdtemp(join(tmpdir(), 'rampart-bench-failover-'));
  const bus = new InMemoryBus();
  const file = (team: string) => new FileChannel({ team, directory });
  const receiverMemory = new InMemoryChannel({ team: RECEIVER, bus });
  const receiver = new TeamChannels({ team: RECEIVER, channels: [receiverMemory, file(RECEIVER)] });
  const failingOver = new TeamChannels({ team: SENDER, channels: [new InMemoryChannel({ team: SENDER, bus }), file(SENDER)] });
  const fileOnly = new TeamChannels({ team: 'bench-c', channels: [file('bench-c')] });
  const all = [receiver, failingOver, fileOnly];
  const close = async () => {
    await Promise.allSettled(all.map((t) => t.stop()));
    await rm(directory, { recursive: true, force: true });
  };
  try {
    await Promise.all(all.map((t) => t.start()));
    await receiverMemory.close();
  } catch (error) {
    await close();
    throw error;
  }
  return { failingOver, fileOnly, receiver, close };
}
