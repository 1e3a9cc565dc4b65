// Delete the keys a script left under its prefix in the local Redis (status hashes outlive close()).
import { Redis } from 'ioredis';

export async function deleteRedisKeys(keyPrefix, url = 'redis://127.0.0.1:6379') {
  const client = new Redis(url);
  try {
    const keys = await client.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await client.del(...keys);
  } finally {
    await client.quit();
  }
}
