// A team in its own process, reachable only through a FileChannel in the folder argv[2]. Answers
// `echo` requests with its pid; on a `shutdown` message it stops, and the process must then exit
// by itself (its clock's timers hold the process while they are pending).
import { refClock } from '@rampart/core/testing';
import { FileChannel } from '../file/file-channel.js';
import { TeamChannels } from '../manager/team-channels.js';

const [directory, team] = process.argv.slice(2) as [string, string];
const channels = new TeamChannels({
  team,
  channels: [new FileChannel({ team, directory, clock: refClock, pollIntervalMs: 20 })],
  clock: refClock,
  healthCheckIntervalMs: 500,
});
channels.handle('echo', (m) => ({ pid: process.pid, payload: m.payload }));
channels.handle('shutdown', () => {
  setImmediate(() => void channels.stop().then(() => console.log('stopped')));
});
await channels.start();
const sent = await channels.send('boss', 'hello', { from: team });
console.log(`ready ${sent.channel}`);
