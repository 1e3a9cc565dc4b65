// `npm run demo`: the MarketingTeam survives quota exhaustion, overload and memory pressure.
import { runDemo } from './scenario.js';

console.log('Rampart demo: MarketingTeam (seed 001)\n');
const { report, simulated } = await runDemo({
  log: (l) => console.log(`${l.step.padEnd(40)} answered by ${l.answeredBy.padEnd(28)} ${l.detail}`),
});
console.log(`\nProviders: ${simulated ? 'local mock server speaking the OpenAI/Anthropic wire formats (no API keys set)' : 'real APIs'}`);
console.log('\nHealth report:');
console.log(JSON.stringify(report, null, 2));
