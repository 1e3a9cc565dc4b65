// A started RedisChannel receiver (real Redis at 127.0.0.1:6379) holds the process until closed:
// the message is sent 200 ms later from an unref()ed timer, received, and the channels closed.
import { RedisChannel } from '@rampart/redis';
import { deleteRedisKeys } from './support/delete-redis-keys.mjs';
import { receiveLater } from './support/receive-later.mjs';

const keyPrefix = `rampart-waits:${process.pid}:receiver`;
const research = new RedisChannel({ team: 'research', redis: 'redis://127.0.0.1:6379', keyPrefix });
const marketing = new RedisChannel({ team: 'marketing', redis: 'redis://127.0.0.1:6379', keyPrefix });
try {
  const message = await receiveLater(research, marketing);
  console.log(`${message.type}: ${message.payload}`);
} finally {
  await research.close();
  await marketing.close();
  await deleteRedisKeys(keyPrefix);
}
