// What each channel of @rampart/channels (and RedisChannel of @rampart/redis) costs when driven
// through TeamChannels between two teams in one process: one-way latency (send() called → the
// receiver's handler runs), request/reply round trip, throughput with many sends in flight, and
// the time a failover adds to send(). Real time, real files, loopback HTTP, the local Redis.
import type { ChannelKind, TeamChannels } from '@rampart/channels';
import { failoverTrio, filePair, httpPair, memoryPair, redisPair, type ChannelPair } from './channel-pairs.js';
import { formatTable } from './harness.js';

const ONE_WAY = 'bench.one-way';
const REQUEST = 'bench.request';
const WARM_UP = 20;
const IN_FLIGHT = 50;
/** A message that has not reached the handler after this long means something is broken: fail, not hang. */
const ARRIVAL_TIMEOUT_MS = 30_000;

interface Percentiles {
  median: number;
  p99: number;
}

function percentiles(values: number[]): Percentiles {
  const s = [...values].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! };
}

/** What the receiving team's `bench.one-way` handler has seen: a count, and the arrival time of each seq. */
class Arrivals {
  count = 0;
  readonly #waiters = new Map<number, (at: number) => void>();
  #target: { count: number; resolve: () => void } | undefined;

  constructor(receiver: TeamChannels) {
    receiver.handle(ONE_WAY, (message) => {
      const at = performance.now();
      this.count++;
      const seq = (message.payload as { seq: number }).seq;
      this.#waiters.get(seq)?.(at);
      this.#waiters.delete(seq);
      if (this.#target !== undefined && this.count >= this.#target.count) this.#target.resolve();
    });
  }

  /** Resolves with the time (performance.now()) at which `seq` reached the handler. Call before sending it. */
  arrivalOf(seq: number): Promise<number> {
    return deadline(new Promise<number>((resolve) => this.#waiters.set(seq, resolve)), `message ${seq}`);
  }

  /** Resolves once the handler has seen `count` messages in all. */
  reached(count: number): Promise<void> {
    if (this.count >= count) return Promise.resolve();
    return deadline(new Promise<void>((resolve) => (this.#target = { count, resolve })), `${count} messages (got ${this.count})`);
  }
}

function deadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`channels bench: ${what} not delivered within ${ARRIVAL_TIMEOUT_MS} ms`)), ARRIVAL_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function sendOver(kind: ChannelKind, sender: TeamChannels, seq: number): Promise<void> {
  const result = await sender.send('bench-b', ONE_WAY, { seq });
  if (result.channel !== kind) throw new Error(`channels bench: message ${seq} went to ${result.channel ?? 'the outbox'}, not ${kind}`);
}

/** Sequential sends: ms from the send() call to the receiver's handler running. */
async function oneWay(pair: ChannelPair, arrivals: Arrivals, messages: number, firstSeq: number): Promise<Percentiles> {
  const times: number[] = [];
  for (let i = 0; i < WARM_UP + messages; i++) {
    const seq = firstSeq + i;
    const arrived = arrivals.arrivalOf(seq);
    const t0 = performance.now();
    await sendOver(pair.kind, pair.sender, seq);
    const ms = (await arrived) - t0;
    if (i >= WARM_UP) times.push(ms);
  }
  return percentiles(times);
}

/** Sequential request() calls: ms until the reply's payload is back. */
async function roundTrip(pair: ChannelPair, messages: number): Promise<Percentiles> {
  const times: number[] = [];
  for (let i = 0; i < WARM_UP + messages; i++) {
    const t0 = performance.now();
    const reply = await pair.sender.request<{ seq: number }>('bench-b', REQUEST, { seq: i }, { timeoutMs: ARRIVAL_TIMEOUT_MS });
    const ms = performance.now() - t0;
    if (reply.seq !== i) throw new Error(`channels bench: reply ${reply.seq} to request ${i}`);
    if (i >= WARM_UP) times.push(ms);
  }
  return percentiles(times);
}

/** `total` sends, `IN_FLIGHT` at a time, all delivered; resolves with the ms from the first send to the last arrival. */
async function burst(pair: ChannelPair, arrivals: Arrivals, total: number, firstSeq: number): Promise<number> {
  const before = arrivals.count;
  let next = 0;
  const worker = async () => {
    while (next < total) await sendOver(pair.kind, pair.sender, firstSeq + next++);
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, total) }, worker));
  await arrivals.reached(before + total);
  return performance.now() - t0;
}

/**
 * Messages/s counted at the receiver for `total` sends, `IN_FLIGHT` at a time, after an untimed
 * burst of `warmUp` (the first concurrent burst of a kind runs 2–3× slower: JIT, sockets, buffers).
 */
async function throughput(pair: ChannelPair, arrivals: Arrivals, warmUp: number, total: number, firstSeq: number): Promise<number> {
  await burst(pair, arrivals, warmUp, firstSeq);
  return (total * 1_000) / (await burst(pair, arrivals, total, firstSeq + warmUp));
}

async function measurePair(open: () => Promise<ChannelPair>, messages: number): Promise<string[]> {
  const pair = await open();
  try {
    const arrivals = new Arrivals(pair.receiver);
    pair.receiver.handle(REQUEST, (message) => message.payload);
    const oneWayMs = await oneWay(pair, arrivals, messages, 0);
    const requestMs = await roundTrip(pair, messages);
    const perSec = await throughput(pair, arrivals, messages, messages * 10, WARM_UP + messages);
    const ms = (p: Percentiles) => [p.median.toFixed(3), p.p99.toFixed(3)];
    return [pair.kind, ...ms(oneWayMs), ...ms(requestMs), Math.round(perSec).toLocaleString('en-US')];
  } finally {
    await pair.close();
  }
}

/**
 * Median ms of send() when the preferred memory channel rejects at once (the recipient's is closed)
 * and the message goes by file, against a plain file send; interleaved, each delivered before the next.
 */
async function failoverCost(messages: number): Promise<string> {
  const trio = await failoverTrio();
  try {
    const arrivals = new Arrivals(trio.receiver);
    const failedOver: number[] = [];
    const plain: number[] = [];
    const added: number[] = [];
    let seq = 0;
    const timeSend = async (sender: TeamChannels) => {
      const arrived = arrivals.arrivalOf(seq);
      const t0 = performance.now();
      await sendOver('file', sender, seq++);
      const ms = performance.now() - t0;
      await arrived;
      return ms;
    };
    for (let i = 0; i < WARM_UP + messages; i++) {
      const a = await timeSend(trio.failingOver);
      const b = await timeSend(trio.fileOnly);
      if (i < WARM_UP) continue;
      failedOver.push(a);
      plain.push(b);
      added.push(a - b);
    }
    const f = percentiles(failedOver);
    const p = percentiles(plain);
    return formatTable([
      [`send() resolved (${messages} each, interleaved)`, 'median ms', 'p99 ms'],
      ['plain file send (channels: [file])', p.median.toFixed(3), p.p99.toFixed(3)],
      ['memory fails at once → file (channels: [memory, file])', f.median.toFixed(3), f.p99.toFixed(3)],
      ['time added by a failover (median of paired differences)', percentiles(added).median.toFixed(3), ''],
    ]);
  } finally {
    await trio.close();
  }
}

/**
 * The channels section of `npm run bench`: a row per channel kind, then the failover cost.
 * `messages` (default 200) sequential messages and requests per kind after a warm-up of 20;
 * throughput sends ten times as many, 50 in flight, after an untimed burst of `messages`.
 */
export async function benchChannels(messages = 200): Promise<string> {
  const rows = [['channel', 'one-way median ms', 'one-way p99 ms', 'request median ms', 'request p99 ms', `msgs/s (${messages * 10}, ${IN_FLIGHT} in flight)`]];
  for (const open of [memoryPair, filePair, httpPair, redisPair]) rows.push(await measurePair(open, messages));
  return `${formatTable(rows)}\n\n${await failoverCost(messages)}`;
}
