// Sends a message that no channel can take (nobody listens on its in-memory bus), so it waits in
// a FileStore outbox in the folder argv[2]; prints its id, then waits to be killed (SIGKILL).
import { FileStore } from '@rampart/core';
import { TeamChannels } from '../manager/team-channels.js';
import { InMemoryChannel } from '../memory/in-memory-channel.js';
import { MessagePriority } from '../message.js';

const outbox = new FileStore(process.argv[2]!);
const channels = new TeamChannels({ team: 'sender', channels: [new InMemoryChannel({ team: 'sender' })], outbox });
await channels.start();
const result = await channels.send('receiver', 'work', { task: 'survive a crash' }, { priority: MessagePriority.HIGH });
console.log(`queued=${result.queued} ${result.id}`);
globalThis.setInterval(() => undefined, 1_000); // stay alive until killed
