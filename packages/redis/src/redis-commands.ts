import type { Redis } from 'ioredis';
import { quitRedisClient } from './redis-connection.js';

/** Quit a connection that answers; drop one that does not (QUIT would wait behind its queued commands). */
export async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'ready') await quitRedisClient(client);
  else client.disconnect();
}

/** Run a MULTI; reject with the first failed command's error. */
export async function execOrThrow(tx: ReturnType<Redis['multi']>): Promise<void> {
  const results = await tx.exec();
  if (results === null) throw new Error('Redis transaction was aborted');
  for (const [error] of results) if (error) throw error;
}

/** `JSON.parse`, or undefined for text that is not JSON. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
