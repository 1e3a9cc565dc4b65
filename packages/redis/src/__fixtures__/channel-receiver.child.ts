// A team receiving over Redis in its own process: `node --conditions=rampart-source --import
// test/support/register-swc-loader.mjs channel-receiver.child.ts <keyPrefix> <team> <mode> [count]`.
// Prints `ready` once started, then `got <type>` per message. Mode `count`: after <count>
// messages it closes the channel, prints `closed`, and must then exit by itself (nothing left
// open). Mode `hang`: the handler never settles (the parent kills the process mid-message).
import { RedisChannel } from '../redis-channel.js';

const [keyPrefix, team, mode, count] = process.argv.slice(2) as [string, string, 'count' | 'hang', string?];
const channel = new RedisChannel({ team, keyPrefix, redis: 'redis://127.0.0.1:6379', heartbeatIntervalMs: 60_000, pollIntervalMs: 60_000 });
channel.onError((e) => console.error(`error ${e.operation}`, e.error));
channel.onHandlerError((e) => console.error('handler error', e.error));
let received = 0;
channel.onMessage(async (message) => {
  console.log(`got ${message.type}`);
  if (mode === 'hang') return new Promise<void>(() => undefined);
  if (++received === Number(count)) {
    // close() waits for this handler call: close after it returns.
    setImmediate(() => void channel.close().then(() => console.log('closed')));
  }
});
await channel.start();
console.log('ready');
