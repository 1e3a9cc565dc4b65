import type { Redis } from 'ioredis';
import { parseBreakerSyncMessage, type BreakerSyncMessage } from './breaker-sync-message.js';

/** How long the shared breaker state lives after its last write, in ms (one day). */
export const BREAKER_STATE_TTL_MS = 86_400_000;

/**
 * Write ARGV[2] (a message) as field ARGV[1] of hash KEYS[1] unless the field holds a later one
 * (`at` > ARGV[3]; an equal time is taken, the last writer wins), numbered one past the field's
 * `seq`, and publish it on channel ARGV[4]: one script, so the state and its announcement never
 * disagree. Returns the new `seq`, or 0 when not written.
 */
const WRITE_SCRIPT = `local seq = 1
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' then
    if tonumber(decoded.at) and tonumber(decoded.at) > tonumber(ARGV[3]) then return 0 end
    if tonumber(decoded.seq) then seq = tonumber(decoded.seq) + 1 end
  end
end
local message = cjson.decode(ARGV[2])
message.seq = seq
local payload = cjson.encode(message)
redis.call('HSET', KEYS[1], ARGV[1], payload)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PUBLISH', ARGV[4], payload)
return seq`;

/**
 * The shared breakers' versioned state in Redis: one hash (`key`), a field per breaker name holding
 * the latest transition's message, numbered (`seq`) by Redis; a transition is written only when not
 * older (`at`) than the field's.
 */
export class BreakerStateHash {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #channel: string;

  constructor(redis: Redis, key: string, channel: string) {
    this.#redis = redis;
    this.#key = key;
    this.#channel = channel;
  }

  /** Write `message` unless Redis holds a later one, and publish it then; resolves with its `seq` (0: not written). */
  async write(message: BreakerSyncMessage): Promise<number> {
    const payload = JSON.stringify(message);
    const seq = await this.#redis.eval(WRITE_SCRIPT, 1, this.#key, message.name, payload, String(message.at), this.#channel, String(BREAKER_STATE_TTL_MS));
    return typeof seq === 'number' ? seq : 0;
  }

  /** Every breaker's latest stored transition; fields that do not parse go to `onInvalid`. */
  async readAll(onInvalid: (name: string, error: unknown) => void): Promise<BreakerSyncMessage[]> {
    const fields = await this.#redis.hgetall(this.#key);
    const out: BreakerSyncMessage[] = [];
    for (const [name, payload] of Object.entries(fields)) {
      try {
        out.push(parseBreakerSyncMessage(payload));
      } catch (err) {
        onInvalid(name, err);
      }
    }
    return out;
  }
}
