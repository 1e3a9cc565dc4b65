// A started RedisChannel receiver (real Redis at 127.0.0.1:6379) holds the process until closed:
// the message is sent 200 ms later from an unref()ed timer, received, and the channels closed.
import { createMessage } from '@rampart/channels';
import { RedisChannel } from '@rampart/redis';
import { deleteRedisKeys } from './support/delete-redis-keys.mjs';

const keyPrefix = `rampart-waits:${process.pid}:receiver`;
const research = new RedisChannel({ team: 'research', redis: 'redis://127.0.0.1:6379', keyPrefix });
const marketing = new RedisChannel({ team: 'marketing', redis: 'redis://127.0.0.1:6379', keyPrefix });
try {
  const received = new Promise((resolve) => research.onMessage(resolve));
  await research.start();
  await marketing.start();
  setTimeout(() => void marketing.send(createMessage({ sender: 'marketing', recipient: 'research', type: 'brief', payload: 'tides' })), 200).unref();
  const message = await received;
  console.log(`${message.type}: ${message.payload}`);
} finally {
  await research.close();
  await marketing.close();
  await deleteRedisKeys(keyPrefix);
}
