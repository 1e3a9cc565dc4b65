// TeamChannels.request: nobody answers, so the request ends with RequestTimeoutError after 200 ms.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileChannel, RequestTimeoutError, TeamChannels } from '@rampart/channels';

const directory = await mkdtemp(join(tmpdir(), 'rampart-waits-'));
const channels = new TeamChannels({ team: 'marketing', channels: [new FileChannel({ team: 'marketing', directory, watch: false })] });
try {
  await channels.start();
  const error = await channels.request('research', 'facts', { topic: 'tides' }, { timeoutMs: 200 }).catch((e) => e);
  console.log(error instanceof RequestTimeoutError ? 'RequestTimeoutError' : error);
} finally {
  await channels.stop();
  await rm(directory, { recursive: true, force: true });
}
