import { runScenario } from './scenario.js';

// Needs the PostgreSQL server binaries (/usr/lib/postgresql/15/bin, or RAMPART_PG_BIN) and root or
// the postgres OS user: the demo makes its own throwaway primary and standbys and removes them.
await runScenario({ log: (line) => console.log(line) });
