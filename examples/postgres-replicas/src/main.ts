import { runScenario } from './scenario.js';

// A PostgreSQL superuser connection (the demo creates and drops two databases on that server).
const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

await runScenario({ adminUrl, cooldownMs: 2000, log: (line) => console.log(line) });
