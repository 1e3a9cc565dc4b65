// Two teams wired by inversify: each gets its own ResilienceManager from @rampart/inversify.
import 'reflect-metadata';
import { FallbackAction, FallbackStrategy, ResourceType } from '@rampart/core';
import { resilienceModule } from '@rampart/inversify';
import { Container } from 'inversify';
import { MarketingTeam, SupportTeam } from './teams.js';

const container = new Container();
container.load(
  resilienceModule({
    teams: {
      'marketing-team': {
        checkIntervalMs: 20_000,
        retry: { baseDelayMs: 10 },
        providers: { [ResourceType.API_QUOTA]: ['openai', 'anthropic', 'local'] },
      },
      'support-team': {
        fallbackStrategies: { [ResourceType.NETWORK]: [new FallbackAction(FallbackStrategy.RETRY, { maxAttempts: 1, baseDelayMs: 10 })] },
      },
    },
    classes: [MarketingTeam, SupportTeam],
  }),
);

const marketing = container.get(MarketingTeam);
const support = container.get(SupportTeam);
await marketing.start();

for (let i = 1; i <= 8; i++) {
  const answer = await marketing.generateContent(`slogan #${i}`);
  console.log(answer);
  await marketing.resilience.checkNow(); // the quota monitors see each provider run low
}
console.log(await support.answerTicket(42));

const report = await marketing.resilience.getHealthReport();
console.log(JSON.stringify({ overall_health: report.overall_health, resources: report.resources }, null, 2));

await container.unbindAllAsync(); // stops both managers
