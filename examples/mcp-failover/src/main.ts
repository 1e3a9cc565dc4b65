import { runFailoverDemo } from './failover-demo.js';

const { health } = await runFailoverDemo({
  onStep: (step) => console.log(`${step.event.padEnd(32)} → answered by ${step.answeredBy}`),
});
console.log('\nmcp_server:supabase', JSON.stringify(health.resources['mcp_server:supabase']));
console.log('providers', JSON.stringify(health.providers?.[`mcp_server`]));
