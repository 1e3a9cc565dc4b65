// A started FileChannel receiver holds the process like a listening socket: the message is sent
// 200 ms later from an unref()ed timer (which holds nothing), received, and the channels closed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileChannel } from '@rampart/channels';
import { receiveLater } from './support/receive-later.mjs';

const directory = await mkdtemp(join(tmpdir(), 'rampart-waits-'));
// watch: false, so that only the receiver's polling (no fs.watch handle) can hold the process
const research = new FileChannel({ team: 'research', directory, pollIntervalMs: 50, watch: false });
const marketing = new FileChannel({ team: 'marketing', directory, watch: false });
try {
  const message = await receiveLater(research, marketing);
  console.log(`${message.type}: ${message.payload}`);
} finally {
  await research.close();
  await marketing.close();
  await rm(directory, { recursive: true, force: true });
}
