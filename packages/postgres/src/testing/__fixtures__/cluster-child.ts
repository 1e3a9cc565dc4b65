// A child process that makes a PgCluster, prints where it is, then ends as argv[2] says:
// `exit` (process.exit without destroy), `wait` (until a signal), `throw` (an uncaught error).
import { PgCluster } from '../pg-cluster.js';

const cluster = await PgCluster.create({ standbys: 1 });
console.log(JSON.stringify({ dir: cluster.dir, ports: cluster.servers.map((s) => s.port) }));
const how = process.argv[2];
if (how === 'exit') process.exit(0);
if (how === 'throw') setTimeout(() => { throw new Error('a test that failed hard'); }, 10);
if (how === 'wait') setInterval(() => undefined, 1000);
