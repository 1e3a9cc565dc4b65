// Public API of @rampart/inversify. Every export is listed here by name.
export { RESILIENCE_MANAGER } from './tokens.js';
export { injectResilience } from './inject-resilience.js';
export { resilienceModule, type ResilienceModuleOptions } from './resilience-module.js';
