import { runScenario } from './scenario.js';

await runScenario((line) => console.log(line));
