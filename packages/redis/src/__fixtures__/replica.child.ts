// A team replica in its own process: `node --conditions=rampart-source --import test/support/register-swc-loader.mjs
// replica.child.ts <channel> <team>`. Prints `ready`, then `circuit <name> <to> <halfOpenAt>` on each
// change of its manager's breakers. Reads commands from stdin: `write` prints
// `wrote <providers invoked> <answer>`; `stop` disposes the sync, stops the manager and prints
// `stopped`; the process must then exit by itself.
import { shareManagerBreakers } from '../share-manager-breakers.js';
import { serveCommands } from './replica-commands.js';
import { ReplicaTeam } from './replica-team.js';

const [channel, team] = process.argv.slice(2) as [string, string];
const replica = new ReplicaTeam(team);
replica.manager.onCircuitStateChange((c) => {
  const b = replica.breaker(c.provider ?? '');
  console.log(`circuit ${c.name} ${c.to} ${b?.halfOpenAt ?? '-'}`);
});
const sync = await shareManagerBreakers(replica.manager, { redis: 'redis://127.0.0.1:6379', channel, onError: (m, e) => console.error(m, e) });
await replica.manager.start();

serveCommands(
  {
    write: () => {
      const from = replica.calls.length;
      replica.write().then(
        (answer) => console.log(`wrote ${replica.calls.slice(from).join(',')} ${answer}`),
        (err: unknown) => console.log(`wrote ${replica.calls.slice(from).join(',')} error:${(err as Error).name}`),
      );
    },
  },
  () => sync.dispose().then(() => replica.manager.stop()),
);
