// `npm start -w @rampart/example-ai-sdk-team`: an AI SDK team's calls survive a hang, a refused port, a 429 storm and an outage.
import { runDemo } from './scenario.js';

console.log('Rampart demo: AI SDK team (generateText / streamText through createResilientModel)\n');
const { report, requests } = await runDemo({
  log: (l) => console.log(`${l.step.padEnd(42)} answered by ${l.answeredBy.padEnd(24)} ${String(l.ms).padStart(5)} ms  ${l.detail}`),
});
console.log(`\nUpstream requests per model: ${JSON.stringify(requests)} (openai got one request during its 60 s retry-after: the 429)`);
console.log('\nProviders in the health report:');
for (const [name, p] of Object.entries(report.providers.api_quota ?? {})) {
  console.log(`  ${name.padEnd(10)} ${p.state}${p.why ? ` (${p.why})` : ''}`);
}
