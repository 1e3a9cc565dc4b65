// Started-then-stopped channels: a FileChannel (with fs.watch), an HttpChannel, a RedisChannel
// (real Redis at 127.0.0.1:6379) and the TeamChannels over them carry a request and its reply;
// after stop()/close() nothing holds the process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileChannel, HttpChannel, TeamChannels } from '@rampart/channels';
import { RedisChannel } from '@rampart/redis';
import { deleteRedisKeys } from './support/delete-redis-keys.mjs';

const directory = await mkdtemp(join(tmpdir(), 'rampart-waits-'));
const keyPrefix = `rampart-waits:${process.pid}:channels`;
const redis = 'redis://127.0.0.1:6379';
const research = new HttpChannel({ team: 'research' });
await research.start();
const teams = {
  research: new TeamChannels({ team: 'research', channels: [research, new FileChannel({ team: 'research', directory }), new RedisChannel({ team: 'research', redis, keyPrefix })] }),
  marketing: new TeamChannels({
    team: 'marketing',
    channels: [
      new HttpChannel({ team: 'marketing', peers: { research: research.url } }),
      new FileChannel({ team: 'marketing', directory }),
      new RedisChannel({ team: 'marketing', redis, keyPrefix }),
    ],
  }),
};
try {
  teams.research.handle('facts', (m) => `facts about ${m.payload}`);
  await teams.research.start();
  await teams.marketing.start();
  console.log(await teams.marketing.request('research', 'facts', 'tides', { timeoutMs: 10_000 }));
} finally {
  await teams.marketing.stop();
  await teams.research.stop();
  await rm(directory, { recursive: true, force: true });
  await deleteRedisKeys(keyPrefix);
}
console.log('stopped');
